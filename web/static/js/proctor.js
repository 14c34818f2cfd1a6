// Proctor's live list: announce new reported problems through the status region.
(function () {
  "use strict";
  var previous = null;
  function check() {
    var marker = document.querySelector("[data-pending-alerts]");
    if (!marker) { return; }
    var count = parseInt(marker.getAttribute("data-pending-alerts"), 10) || 0;
    if (previous !== null && count > previous && window.Passation) {
      window.Passation.announce(count === 1 ? "Nouveau signalement d'un candidat." : count + " signalements en attente.");
    }
    previous = count;
  }
  document.addEventListener("DOMContentLoaded", check);
  document.addEventListener("htmx:afterSettle", check);
})();
