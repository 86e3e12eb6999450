// Reception panel: the «Waiting to be taken» list refreshes itself every 5 s, like the bell (no page reload).
// The server renders the list (templates/traffic/_waiting.html, escaped like the page); it replaces the section's
// content only when a row came, went or changed (each row's data-state), so a button is not swapped under the
// mouse for nothing. A failed or signed-out answer leaves the list as it is.
(function () {
  var section = document.getElementById("open-traffic");
  if (!section || !section.dataset.refresh) { return; }
  var busy = false;
  function state(root) {
    return Array.prototype.map.call(root.querySelectorAll("tr[data-traffic-id]"), function (tr) {
      return tr.dataset.trafficId + "=" + tr.dataset.state;
    }).join(";");
  }
  function refresh() {
    if (busy || document.hidden) { return; }
    busy = true;
    fetch(section.dataset.refresh, {credentials: "same-origin", headers: {"Accept": "text/html"}, redirect: "error"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = document.createElement("template");
        fresh.innerHTML = html;
        if (state(fresh.content) !== state(section)) {
          section.replaceChildren(fresh.content);
        }
      })
      .catch(function () { /* offline for a moment: the next round tries again */ })
      .then(function () { busy = false; });
  }
  setInterval(refresh, 5000);
})();
