// The cadence editor's steps table (templates/leads/cadence_steps.html): add, remove and reorder steps, one line
// each; show the template / stage / reason picker the step's action needs. The rows keep Flask-Admin's inline
// names (steps-N-field), and the order is each row's hidden sort_order, renumbered 10, 20, 30… as rows move.
(function () {
  function rows(box) { return Array.prototype.slice.call(box.querySelectorAll("tbody.step-rows > tr.step-row")); }

  function renumber(box) {
    var n = 0;
    rows(box).forEach(function (row) {
      var deleted = row.classList.contains("step-deleted");
      if (!deleted) { n += 1; }
      row.querySelector(".step-number").textContent = deleted ? "" : n;
      var order = row.querySelector(".step-order");
      if (order) { order.value = (rows(box).indexOf(row) + 1) * 10; }
    });
  }

  function showTarget(row) {
    var action = row.querySelector(".step-action");
    var value = action ? action.value : "";
    row.querySelectorAll(".step-target").forEach(function (target) {
      target.classList.toggle("d-none", target.dataset.action !== value);
    });
  }

  function nextIndex(box) {
    var max = -1;
    var prefix = box.dataset.prefix + "-";
    box.querySelectorAll("[name^='" + prefix + "']").forEach(function (input) {
      var rest = input.name.slice(prefix.length);
      var index = parseInt(rest.split("-")[0], 10);
      if (!isNaN(index) && index > max) { max = index; }
    });
    return max + 1;
  }

  function addRow(box) {
    var template = document.getElementById(box.dataset.prefix + "-new-step");
    var fragment = template.content.cloneNode(true);
    var row = fragment.querySelector("tr");
    var prefix = box.dataset.prefix + "-" + nextIndex(box);
    row.id = prefix;
    row.querySelectorAll("[name]").forEach(function (input) {
      input.name = prefix + "-" + input.name;
      input.id = input.id ? prefix + "-" + input.id : input.name;
    });
    box.querySelector("tbody.step-rows").appendChild(row);
    showTarget(row);
    renumber(box);
    var first = row.querySelector("input:not([type=hidden])");
    if (first) { first.focus(); }
  }

  function removeRow(box, row) {
    var mark = row.querySelector(".step-delete");
    if (mark) {  // a saved step: deleted on save, and the click can be undone
      mark.checked = !mark.checked;
      row.classList.toggle("step-deleted", mark.checked);
      row.classList.toggle("table-danger", mark.checked);
      row.querySelectorAll("input:not([type=hidden]):not(.step-delete), select").forEach(function (input) {
        input.disabled = mark.checked;
      });
    } else {
      row.parentNode.removeChild(row);
    }
    renumber(box);
  }

  function init(box) {
    rows(box).forEach(showTarget);
    renumber(box);
    box.addEventListener("click", function (event) {
      var row = event.target.closest("tr.step-row");
      if (event.target.closest("#" + box.dataset.prefix + "-add")) { event.preventDefault(); addRow(box); return; }
      if (!row) { return; }
      if (event.target.closest(".step-remove")) { event.preventDefault(); removeRow(box, row); }
      if (event.target.closest(".step-up") && row.previousElementSibling) {
        event.preventDefault();
        row.parentNode.insertBefore(row, row.previousElementSibling);
        renumber(box);
      }
      if (event.target.closest(".step-down") && row.nextElementSibling) {
        event.preventDefault();
        row.parentNode.insertBefore(row.nextElementSibling, row);
        renumber(box);
      }
    });
    box.addEventListener("change", function (event) {
      if (event.target.matches(".step-action")) { showTarget(event.target.closest("tr.step-row")); }
    });
    var form = box.closest("form");
    if (form) {
      form.addEventListener("submit", function () {
        renumber(box);
        // a disabled input is not sent; a deleted row only needs its del- mark
      });
    }
  }

  function start() { document.querySelectorAll(".cadence-steps").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
