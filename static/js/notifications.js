// Every page: poll for notifications every 5 s; update the bell's badge and show the newest one once.
(function () {
  var link = document.getElementById("notifications-link");
  if (!link || !link.dataset.poll) { return; }
  var seen = Number(link.dataset.newest || 0);
  function show(newest) {
    var box = document.getElementById("live-notification");
    if (!box) {
      box = document.createElement("div");
      box.id = "live-notification";
      box.className = "alert alert-warning shadow position-fixed live-notification";
      document.body.appendChild(box);
    }
    box.innerHTML = "";
    var a = document.createElement("a");
    a.href = newest.url;
    a.textContent = newest.text;
    box.appendChild(a);
  }
  function poll() {
    fetch(link.dataset.poll, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
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
          show(data.newest);
        }
      })
      .catch(function () {});
  }
  setInterval(poll, 5000);
})();
