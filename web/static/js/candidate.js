// Passation — candidate test page enhancements. The server stays the only judge of time:
// countdowns only display the figure the server rendered, and answers after the deadline are
// refused there whatever this file shows. No inline scripts, no eval (strict CSP).
(function () {
  "use strict";

  var english = (document.documentElement.lang || "fr").slice(0, 2) === "en";
  var TEXT = english ? {
    left: function (m) { return m === 1 ? "Warning: 1 minute left." : "Warning: " + m + " minutes left."; },
    itemOver: "The time for this question is over: an answer now counts as wrong.",
    focusOut: "You left the page during a focus-mode question.",
    hide: "Hide the time", show: "Show the time"
  } : {
    left: function (m) { return m === 1 ? "Attention : il reste 1 minute." : "Attention : il reste " + m + " minutes."; },
    itemOver: "Le temps de cette question est écoulé : une réponse comptera désormais comme fausse.",
    focusOut: "Vous avez quitté la page pendant une question en mode focus.",
    hide: "Masquer le temps", show: "Afficher le temps"
  };
  var HIDE_KEY = "passation-hide-countdown";
  var timers = [];
  var reported = {};

  function announce(text) {
    if (window.Passation && window.Passation.announce) { window.Passation.announce(text); }
  }

  // Same format as the server's `duration` filter (web/templating.py).
  function format(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h ? h + " h " + pad(m) + " min" : m + " min " + pad(s) + " s";
  }

  function countdown(el, onTick, onZero) {
    var remaining = parseInt(el.getAttribute("data-remaining-seconds"), 10);
    if (isNaN(remaining)) { return; }
    var end = Date.now() + remaining * 1000;
    var value = el.querySelector("[data-countdown-value]");
    var finished = remaining <= 0;
    var id = window.setInterval(function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (value) { value.textContent = format(left); }
      if (onTick) { onTick(left); }
      if (left <= 0 && !finished) { finished = true; if (onZero) { onZero(); } }
    }, 1000);
    timers.push(id);
  }

  function setHidden(toggle, value, hidden) {
    if (value) { value.hidden = hidden; }
    toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
    toggle.textContent = hidden ? TEXT.show : TEXT.hide;
  }

  function init() {
    timers.forEach(function (id) { window.clearInterval(id); });
    timers = [];
    var clock = document.querySelector("[data-countdown]");
    if (clock) {
      var warnings = (clock.getAttribute("data-warnings") || "").split(",").map(Number);
      var announced = {};
      countdown(clock, function (left) {
        warnings.forEach(function (m) {
          // Announce once, just after crossing the threshold (not on every reload below it).
          if (m && !announced[m] && left <= m * 60 && left > m * 60 - 30) {
            announced[m] = true;
            announce(TEXT.left(m));
          }
        });
      }, function () {
        // The server ends the test; ask it for the page it now shows (the end screen).
        window.location.assign("/candidat/test");
      });
      var toggle = clock.querySelector("[data-countdown-toggle]");
      var value = clock.querySelector("[data-countdown-value]");
      if (toggle) {
        toggle.hidden = false;
        setHidden(toggle, value, window.sessionStorage.getItem(HIDE_KEY) === "1");
        toggle.addEventListener("click", function () {
          var hide = toggle.getAttribute("aria-pressed") !== "true";
          window.sessionStorage.setItem(HIDE_KEY, hide ? "1" : "0");
          setHidden(toggle, value, hide);
        });
      }
    }
    var itemClock = document.querySelector("[data-item-countdown]");
    if (itemClock) {
      countdown(itemClock, null, function () { announce(TEXT.itemOver); });
    }
  }

  // Focus mode: tell the server when the candidate leaves the page (once per question).
  function reportFocusOut() {
    var area = document.querySelector("[data-focus-mode][data-served]");
    if (!area) { return; }
    var served = area.getAttribute("data-served");
    if (reported[served]) { return; }
    reported[served] = true;
    var body = new URLSearchParams();
    body.set("served", served);
    fetch("/candidat/test/sortie", { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .catch(function () { reported[served] = false; });
    announce(TEXT.focusOut);
  }
  window.addEventListener("blur", reportFocusOut);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { reportFocusOut(); }
  });

  document.addEventListener("htmx:afterSettle", init);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
