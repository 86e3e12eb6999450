// Live refresh of a server-rendered block (the confirmation list's rows, the home panels): every few seconds
// ask its `data-refresh` URL for {html, version}; swap the block only when the version changed, never while
// the tab is hidden or a pointer was just pressed (a double-click in progress would land on a new row).
(function () {
  var pressed = 0;
  document.addEventListener("pointerdown", function () { pressed = Date.now(); });
  window.liveBlock = function (block) {
    if (!block || !block.dataset.refresh) { return; }
    var last = block.dataset.version;
    var refresh = function () {
      if (document.hidden || Date.now() - pressed < 1500) { return; }
      fetch(block.dataset.refresh, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || typeof data.html !== "string" || data.version === last || Date.now() - pressed < 1500) {
            return;
          }
          last = data.version;
          block.innerHTML = data.html;  // rendered and escaped by the server's template
        })
        .catch(function () {});
    };
    setInterval(refresh, Number(block.dataset.interval) || 5000);
  };
})();
