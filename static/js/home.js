// The home page: each role's panels refresh themselves (static/js/live.js), like the bell.
(function () {
  if (window.liveBlock) { window.liveBlock(document.getElementById("home-panels")); }
})();
