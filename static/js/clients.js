// Clients workstation: «Текущий звонок» fills the phone field from the user's latest unprocessed call.
(function () {
  var button = document.getElementById("current-call");
  if (!button) { return; }
  button.addEventListener("click", function () {
    var note = document.getElementById("current-call-message");
    fetch(button.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.phone) {
          document.getElementById("search-phone").value = data.phone;
          note.textContent = "";
          button.form.submit();
        } else {
          note.textContent = data.message;
        }
      });
  });
})();
