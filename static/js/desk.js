// Confirmation desk: double-click a row to open the booking (seed 000: «двойным щелчком»); the call form shows
// only the fields the chosen outcome needs.
(function () {
  document.querySelectorAll("tr[data-href]").forEach(function (row) {
    row.addEventListener("dblclick", function () { window.location = row.dataset.href; });
  });
  var outcome = document.querySelectorAll("input[name=outcome]");
  function sync() {
    var chosen = document.querySelector("input[name=outcome]:checked");
    document.querySelectorAll("[data-outcome]").forEach(function (block) {
      block.hidden = !chosen || block.dataset.outcome !== chosen.value;
    });
  }
  outcome.forEach(function (radio) { radio.addEventListener("change", sync); });
  sync();
})();
