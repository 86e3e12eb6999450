// «Показатели»: each table behind a chart is drawn with Chart.js (vendored, static/vendor/chartjs); the numbers
// are read in the page's language (Russian: «1 234,5»); a period button submits the filters at once, typing a
// day switches to «Произвольный»; «Печать» prints the tiles, the charts and their tables.
(function () {
  var form = document.getElementById("kpi-filters");
  if (form) {
    form.querySelectorAll("[data-autosubmit-radio]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.value !== "custom") { form.submit(); }
      });
    });
    ["f-from", "f-to"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) {
        input.addEventListener("change", function () {
          var custom = document.getElementById("period-custom");
          if (custom) { custom.checked = true; }
        });
      }
    });
  }
  var print = document.getElementById("kpi-print");
  if (print) { print.addEventListener("click", function () { window.print(); }); }

  var source = document.getElementById("kpi-charts");
  if (!source || typeof window.Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var locale = document.documentElement.lang || "ru";
  window.Chart.defaults.locale = locale;
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.animation = false;  // figures, not a show: and the print gets the final drawing
  var palette = ["#2fa4e7", "#73a839", "#dd5600", "#c71c22", "#6f42c1", "#868e96", "#033c73", "#e83e8c"];

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = charts[canvas.dataset.chart];
    if (!spec) { return; }
    var horizontal = spec.type === "hbar";
    var type = spec.type === "line" ? "line" : "bar";
    var datasets = spec.series.map(function (series, i) {
      var colour = palette[i % palette.length];
      return {label: series.label, data: series.data, backgroundColor: colour, borderColor: colour,
              borderWidth: type === "line" ? 2 : 0, tension: 0, pointRadius: 2, maxBarThickness: 48};
    });
    new window.Chart(canvas, {
      type: type,
      data: {labels: spec.labels, datasets: datasets},
      options: {
        indexAxis: horizontal ? "y" : "x", maintainAspectRatio: false, responsive: true,
        plugins: {legend: {display: datasets.length > 1, position: "bottom"}},
        scales: {x: {beginAtZero: true, ticks: {precision: 0}}, y: {beginAtZero: true, ticks: {precision: 0}}}
      }
    });
  });
  // the page's width changes for print: redraw the charts to it
  window.addEventListener("beforeprint", function () {
    Object.values(window.Chart.instances || {}).forEach(function (chart) { chart.resize(); });
  });
})();
