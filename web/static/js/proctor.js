// Proctor's live list (progressive enhancement: without this file the page shows the same
// values, server-rendered, and the proctor refreshes it with a link).
(function () {
  "use strict";

  // Announce new reported problems through the status region.
  var english = (document.documentElement.lang || "fr").slice(0, 2) === "en";
  function newAlerts(count) {
    if (english) { return count === 1 ? "New report from a candidate." : count + " pending reports."; }
    return count === 1 ? "Nouveau signalement d'un candidat." : count + " signalements en attente.";
  }
  var previous = null;
  function check() {
    var marker = document.querySelector("[data-pending-alerts]");
    if (!marker) { return; }
    var count = parseInt(marker.getAttribute("data-pending-alerts"), 10) || 0;
    if (previous !== null && count > previous && window.Passation) {
      window.Passation.announce(newAlerts(count));
    }
    previous = count;
  }
  document.addEventListener("DOMContentLoaded", check);
  document.addEventListener("htmx:afterSettle", check);

  // Each poll sends back the version of the list on screen: the server answers 204 (htmx
  // swaps nothing) while that list is still current, so the time left is counted down here.
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail && event.detail.elt;
    if (!source || !source.hasAttribute || !source.hasAttribute("data-poll")) { return; }
    var marker = source.querySelector("[data-live-version]");
    if (marker) { event.detail.headers["X-Live-Version"] = marker.getAttribute("data-live-version"); }
  });

  // Time left: the server's figure in seconds when the cell arrived, minus the time elapsed
  // since, read on the computer's clock (its setting does not matter, only its progress, and
  // unlike performance.now() it keeps counting while the computer sleeps). Same format as the
  // server's (web.templating.format_duration). Not a live region: screen readers read the
  // value when the proctor reaches the cell, they are not interrupted every second.
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function duration(seconds) {
    var hours = Math.floor(seconds / 3600), minutes = Math.floor((seconds % 3600) / 60);
    return hours ? hours + " h " + pad(minutes) + " min" : minutes + " min " + pad(seconds % 60) + " s";
  }
  function tick() {
    var now = Date.now();
    var cells = document.querySelectorAll("[data-time-left]");
    for (var i = 0; i < cells.length; i += 1) {
      var cell = cells[i];
      if (cell.passationShownAt === undefined) {
        cell.passationShownAt = now;
        cell.passationSeconds = parseInt(cell.getAttribute("data-time-left"), 10) || 0;
      }
      var elapsed = Math.max(0, Math.floor((now - cell.passationShownAt) / 1000));
      var left = Math.max(0, cell.passationSeconds - elapsed);
      var text = duration(left);
      if (cell.textContent !== text) { cell.textContent = text; }
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
  });
  // Cells swapped in by a poll start from the figure they carry (a whole list, or rows sent
  // out of band by a poll that brought only the changes: web/proctor/changes.py).
  document.addEventListener("htmx:afterSwap", tick);
  document.addEventListener("htmx:oobAfterSwap", tick);
})();
