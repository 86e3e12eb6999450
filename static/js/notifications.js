// Every page: poll for notifications every 5 s; update the bell's badge, show the newest one once as it
// arrives, and open a dropdown of the newest unread ones (each a link to what it is about) from the bell.
(function () {
  var link = document.getElementById("notifications-link");
  if (!link || !link.dataset.poll) { return; }
  var seen = Number(link.dataset.newest || 0);
  var latest = null;

  function entry(item, allUrl) {
    var a = document.createElement("a");
    a.href = item.url || allUrl;
    a.textContent = item.text;
    return a;
  }
  function show(newest, allUrl) {
    var box = document.getElementById("live-notification");
    if (!box) {
      box = document.createElement("div");
      box.id = "live-notification";
      box.className = "alert alert-warning shadow position-fixed live-notification";
      document.body.appendChild(box);
    }
    box.textContent = "";
    box.appendChild(entry(newest, allUrl));
  }

  // ----- the bell's dropdown: built from the poll's answer, closed by a click elsewhere or Escape
  var menu = null;
  function fill() {
    if (!menu || !latest) { return; }
    menu.textContent = "";
    latest.items.forEach(function (item) {
      var a = entry(item, latest.all_url);
      a.className = "dropdown-item bell-item";
      var at = document.createElement("small");
      at.className = "d-block text-muted";
      at.textContent = item.at;
      a.insertBefore(at, a.firstChild);
      menu.appendChild(a);
    });
    if (!latest.items.length) {
      var none = document.createElement("span");
      none.className = "dropdown-item-text text-muted";
      none.textContent = link.dataset.empty || "";
      menu.appendChild(none);
    }
    var divider = document.createElement("div");
    divider.className = "dropdown-divider";
    menu.appendChild(divider);
    var all = document.createElement("a");
    all.className = "dropdown-item bell-all";
    all.href = latest.all_url;
    all.textContent = link.dataset.allLabel || link.title;
    menu.appendChild(all);
  }
  function close() { if (menu) { menu.remove(); menu = null; } }
  link.addEventListener("click", function (event) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
    event.preventDefault();
    if (menu) { close(); return; }
    menu = document.createElement("div");
    menu.id = "bell-menu";
    menu.className = "dropdown-menu dropdown-menu-right show bell-menu shadow";
    link.parentNode.classList.add("position-relative");
    link.parentNode.appendChild(menu);
    if (latest) { fill(); } else { poll(); }
  });
  document.addEventListener("click", function (event) {
    if (menu && !menu.contains(event.target) && !link.contains(event.target)) { close(); }
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { close(); } });

  function poll() {
    fetch(link.dataset.poll, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        latest = data;
        var badge = document.getElementById("unread-badge");
        if (data.unread > 0) {
          if (!badge) {
            badge = document.createElement("span");
            badge.id = "unread-badge";
            badge.className = "badge badge-warning ml-1";
            link.appendChild(badge);
          }
          badge.textContent = data.unread;
        } else if (badge) {
          badge.remove();
        }
        if (data.newest && data.newest.id > seen) {
          seen = data.newest.id;
          show(data.newest, data.all_url);
        }
        fill();
      })
      .catch(function () {});
  }
  setInterval(poll, 5000);
})();
