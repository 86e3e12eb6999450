// Confirmation desk: double-click a row to open the booking (seed 000: «двойным щелчком»); the call form shows
// only the fields the chosen outcome needs, fills a work picked from the catalog and says the new end and total
// live while the operator is still on the call; «Отменить заявку» asks first, then takes the reason; the
// reschedule and move forms offer the advisor's free times of a chosen day.
// The confirmation list refreshes its rows live (new bookings, calls made at other desks, retries coming due).
(function () {
  document.addEventListener("dblclick", function (event) {  // delegated: the live refresh replaces the rows
    var row = event.target.closest && event.target.closest("tr[data-href]");
    if (row) { window.location = row.dataset.href; }
  });

  if (window.liveBlock) { window.liveBlock(document.getElementById("desk-rows")); }  // static/js/live.js

  var outcome = document.querySelectorAll("input[name=outcome]");
  function sync() {
    var chosen = document.querySelector("input[name=outcome]:checked");
    document.querySelectorAll("[data-outcome]").forEach(function (block) {
      block.hidden = !chosen || block.dataset.outcome !== chosen.value;
    });
  }
  outcome.forEach(function (radio) { radio.addEventListener("change", sync); });
  sync();

  // ----- new wishes: the end never moves earlier; the total grows with the added works
  var form = document.getElementById("call-form");
  var summary = document.getElementById("wish-summary");
  function number(value) {
    var parsed = parseFloat(String(value || "").replace(",", ".").replace(/\s/g, ""));
    return isFinite(parsed) ? parsed : 0;
  }
  function wall(value) {  // "2026-12-05T13:00" read as a wall-clock time, whatever the browser's zone
    var p = value.split(/[-T:]/).map(Number);
    return Date.UTC(p[0], p[1] - 1, p[2], p[3], p[4]);
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function show(ms) {
    var d = new Date(ms);
    return two(d.getUTCDate()) + "." + two(d.getUTCMonth() + 1) + "." + d.getUTCFullYear() + " " +
      two(d.getUTCHours()) + ":" + two(d.getUTCMinutes());
  }
  function money(value) {
    return value.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0").replace(".", ",");
  }
  function recompute() {
    if (!form || !summary) { return; }
    var hours = number(form.dataset.hours), total = number(form.dataset.total), added = 0;
    form.querySelectorAll(".added-work").forEach(function (line) {
      var name = line.querySelector("input[name$='.name']"), pick = line.querySelector("select");
      if (!name.value.trim() && !pick.value) { return; }
      added += 1;
      hours += number(line.querySelector("input[name$='.hours']").value);
      total += number(line.querySelector("input[name$='.price']").value);
    });
    var start = wall(form.dataset.start), end = wall(form.dataset.end);
    var computed = Math.max(end, start + Math.max(Math.round(hours * 60), 60) * 60000);
    var chosen = document.getElementById("f-new_end_at");
    if (chosen && chosen.value) { computed = wall(chosen.value); }
    summary.textContent = added || (chosen && chosen.value) ?
      summary.dataset.label.replace("{end}", show(computed)).replace("{total}", money(total)) : "";
  }
  if (form) {
    form.querySelectorAll(".work-pick").forEach(function (pick) {
      pick.addEventListener("change", function () {
        var option = pick.selectedOptions[0], line = pick.closest(".added-work");
        if (option && option.value) {
          line.querySelector("input[name$='.name']").value = option.dataset.name;
          line.querySelector("input[name$='.hours']").value = option.dataset.hours;
          line.querySelector("input[name$='.price']").value = option.dataset.price;
        }
        recompute();
      });
    });
    form.addEventListener("input", recompute);
    recompute();
  }

  // ----- cancel as the seed: the button, the question, then the reason
  var opener = document.getElementById("cancel-open");
  if (opener) {
    opener.addEventListener("click", function () {
      if (!window.confirm(opener.dataset.confirm)) { return; }
      opener.hidden = true;
      var cancelForm = document.getElementById("cancel-form");
      cancelForm.hidden = false;
      cancelForm.querySelector("select").focus();
    });
  }

  // ----- the advisor's free times of a day
  document.querySelectorAll(".slot-picker").forEach(function (picker) {
    var day = picker.querySelector(".slot-day"), list = picker.querySelector(".slot-list");
    var target = document.getElementById(picker.dataset.target);
    function load() {
      if (!day.value) { list.textContent = ""; return; }
      fetch(picker.dataset.slotsUrl + "?day=" + encodeURIComponent(day.value), {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          list.textContent = "";
          if (!data.slots || !data.slots.length) { list.textContent = data.message || list.dataset.empty; return; }
          data.slots.forEach(function (slot) {
            var button = document.createElement("button");
            button.type = "button";
            button.className = "btn btn-sm btn-outline-success mr-1 mb-1 slot";
            button.textContent = slot.label;
            button.addEventListener("click", function () {
              target.value = slot.value;
              list.querySelectorAll(".slot").forEach(function (b) { b.classList.remove("active"); });
              button.classList.add("active");
            });
            list.appendChild(button);
          });
        });
    }
    day.addEventListener("change", load);
    var details = picker.closest("details");
    if (details) { details.addEventListener("toggle", function () { if (details.open) { load(); } }); }
    var block = picker.closest("[data-outcome]");
    if (block) {
      document.querySelectorAll("input[name=outcome]").forEach(function (radio) {
        radio.addEventListener("change", function () { if (!block.hidden) { load(); } });
      });
    }
  });
})();
