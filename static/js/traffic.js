// Reception panel: search-as-you-type for the client, a ticking waiting time.
(function () {
  var input = document.getElementById("f-client");
  var hidden = document.getElementById("f-client_id");
  var box = document.getElementById("client-suggestions");
  var timer = null;
  var cars = document.getElementById("f-car_id");
  var carsMemo = document.getElementById("f-client_cars");
  // The chosen client's cars; the only one is preselected. The list goes with the form (a hidden field), so a
  // save the server refuses comes back with the same cars to choose from, not a bare car id.
  function fillCars(items) {
    if (!cars) { return; }
    while (cars.options.length > 1) { cars.remove(1); }
    items.forEach(function (car) { cars.add(new Option(car.label, car.id)); });
    if (items.length === 1) { cars.value = String(items[0].id); }
    cars.disabled = items.length === 0;
    if (carsMemo) { carsMemo.value = items.length ? JSON.stringify(items) : ""; }
  }
  if (cars && carsMemo && carsMemo.value && hidden && hidden.value) {
    var chosen = cars.value;
    try {
      fillCars(JSON.parse(carsMemo.value));
      cars.value = chosen;
    } catch (e) { /* a damaged list: the server's option stays */ }
  }
  // The suggestions answer the keyboard: ↑/↓ move, Enter picks, Esc closes; an empty answer says so.
  var active = -1;
  function items() { return box ? Array.prototype.slice.call(box.querySelectorAll(".client-suggestion")) : []; }
  function highlight(index) {
    var list = items();
    if (!list.length) { active = -1; return; }
    active = (index + list.length) % list.length;
    list.forEach(function (el, i) {
      el.classList.toggle("active", i === active);
      el.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    list[active].scrollIntoView({block: "nearest"});
    input.setAttribute("aria-activedescendant", list[active].id);
  }
  function close() {
    box.innerHTML = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function pick(item) {
    hidden.value = item.id;
    input.value = item.label;
    var phone = document.getElementById("f-phone");
    if (phone && !phone.value) { phone.value = item.phone; }
    fillCars(item.cars || []);
    close();
  }
  if (input) {
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", box.id);
    input.setAttribute("aria-expanded", "false");
    box.setAttribute("role", "listbox");
    input.addEventListener("input", function () {
      hidden.value = "";
      fillCars([]);
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (input.value.trim().length < 2) { close(); return; }
        fetch(input.dataset.url + "?q=" + encodeURIComponent(input.value), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            close();
            if (!data.items.length) {
              var none = document.createElement("div");
              none.className = "list-group-item py-1 text-muted client-suggestions-empty";
              none.textContent = input.dataset.empty || "";
              box.appendChild(none);
            }
            data.items.forEach(function (item, index) {
              var a = document.createElement("button");
              a.type = "button";
              a.id = "client-suggestion-" + index;
              a.setAttribute("role", "option");
              a.className = "list-group-item list-group-item-action py-1 client-suggestion";
              a.textContent = item.label;
              a.addEventListener("click", function () { pick(item); });
              a.suggestion = item;
              box.appendChild(a);
            });
            input.setAttribute("aria-expanded", "true");
          });
      }, 250);
    });
    input.addEventListener("keydown", function (event) {
      var list = items();
      if (event.key === "ArrowDown" && list.length) {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowUp" && list.length) {
        event.preventDefault();
        highlight(active < 0 ? list.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && list[active]) {
        event.preventDefault();  // picks the client instead of submitting the form
        pick(list[active].suggestion);
      } else if (event.key === "Escape" && box.childElementCount) {
        event.preventDefault();
        close();
      }
    });
  }
  function tick() {
    document.querySelectorAll(".elapsed[data-since]").forEach(function (el) {
      var minutes = Math.max(0, Math.floor((Date.now() - Date.parse(el.dataset.since)) / 60000));
      el.textContent = minutes + " " + el.textContent.replace(/^\d+\s*/, "");
    });
  }
  setInterval(tick, 15000);
})();
