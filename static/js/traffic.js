// Reception panel: search-as-you-type for the client, a ticking waiting time.
(function () {
  var input = document.getElementById("f-client");
  var hidden = document.getElementById("f-client_id");
  var box = document.getElementById("client-suggestions");
  var timer = null;
  var cars = document.getElementById("f-car_id");
  // The chosen client's cars; the only one is preselected.
  function fillCars(items) {
    if (!cars) { return; }
    while (cars.options.length > 1) { cars.remove(1); }
    items.forEach(function (car) { cars.add(new Option(car.label, car.id)); });
    if (items.length === 1) { cars.value = String(items[0].id); }
    cars.disabled = items.length === 0;
  }
  if (input) {
    input.addEventListener("input", function () {
      hidden.value = "";
      fillCars([]);
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (input.value.trim().length < 2) { box.innerHTML = ""; return; }
        fetch(input.dataset.url + "?q=" + encodeURIComponent(input.value), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            box.innerHTML = "";
            data.items.forEach(function (item) {
              var a = document.createElement("button");
              a.type = "button";
              a.className = "list-group-item list-group-item-action py-1 client-suggestion";
              a.textContent = item.label;
              a.addEventListener("click", function () {
                hidden.value = item.id;
                input.value = item.label;
                var phone = document.getElementById("f-phone");
                if (phone && !phone.value) { phone.value = item.phone; }
                fillCars(item.cars || []);
                box.innerHTML = "";
              });
              box.appendChild(a);
            });
          });
      }, 250);
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
