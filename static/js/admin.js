// Every page: the behaviour that used to sit in inline handlers, which the Content-Security-Policy refuses.
// The templates mark elements with data-* attributes; one delegated listener per event serves them all.
(function () {
  // Flask-Admin's own templates still have href="javascript:void(0)" on tabs, pagination and toggles; following
  // one would be a policy violation, and it does nothing anyway. Our copies use href="#" on links that are
  // really buttons (role=button, or a dropdown toggle); following those would only jump to the top.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='javascript:'], a[href='#'][role=button], a[href='#'][data-toggle]");
    if (link) { event.preventDefault(); }
  }, true);

  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-model-action]");
    if (action && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(action.dataset.modelAction);
    }
    var add = event.target.closest("[data-inline-add]");
    if (add && window.faForm) {
      window.faForm.addInlineField(add, add.dataset.inlineAdd);
    }
  });

  // <form data-confirm="question">: submitted only after the user agrees.
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // <input data-autosubmit>: a changed value submits its form (the desk's day pickers).
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]") && event.target.form) { event.target.form.submit(); }
  });
})();

// Inline works of a booking or a work order: choosing a work from the catalog fills its name, hours and price
// (select2 reports the choice through jQuery, so the listener is jQuery's). The works come from /admin/work/pick/.
(function () {
  if (!window.jQuery) { return; }
  var works = null;
  function load() {
    if (!works) {
      works = fetch("/admin/work/pick/", {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {}; });
    }
    return works;
  }
  window.jQuery(document).on("change", ".inline-field select[id$='-work']", function () {
    var select = this;
    var prefix = select.id.slice(0, -"work".length);
    load().then(function (all) {
      var work = all[select.value];
      if (!work) { return; }
      [["name", work.name], ["hours", work.hours], ["price", work.price]].forEach(function (pair) {
        var input = document.getElementById(prefix + pair[0]);
        if (input) { input.value = pair[1]; input.dispatchEvent(new Event("input", {bubbles: true})); }
      });
    });
  });
})();
