// Passation — progressive enhancement only: every page works without this file.
// No inline scripts and no eval (strict CSP); behaviour hangs off data- attributes.
(function () {
  "use strict";

  function statusRegion() { return document.getElementById("status"); }

  // Announce a message through the one persistent role="status" region.
  function announce(text) {
    var region = statusRegion();
    if (!region || !text) { return; }
    region.textContent = "";
    var p = document.createElement("p");
    p.className = "status-message";
    p.textContent = text;
    // A fresh node after clearing makes screen readers announce repeated messages too.
    window.setTimeout(function () { region.appendChild(p); }, 50);
    // Clear it after a while so the bar does not sit over the page; screen readers have
    // announced it by then, and the page itself keeps anything that matters.
    window.setTimeout(function () { if (p.parentNode === region) { region.removeChild(p); } }, 10000);
  }
  window.Passation = { announce: announce };

  // The swapped element itself (an outerHTML swap settles the new element) or one inside it.
  function find(root, selector) {
    if (root.matches && root.matches(selector)) { return root; }
    return root.querySelector ? root.querySelector(selector) : null;
  }

  // After an htmx swap: move focus to the new content's heading and announce what it asks.
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail && event.detail.elt ? event.detail.elt : document;
    var target = find(root, "[data-focus-on-load]");
    if (target && document.activeElement !== target) { target.focus(); }
    var message = find(root, "[data-announce]");
    if (message) { announce(message.getAttribute("data-announce")); }
  });

  // A list refreshed by polling (hx-trigger "every …", marked data-poll) must not swallow a
  // click: a refresh arriving while a pointer button is down (between mousedown and mouseup)
  // is dropped; the next one comes soon. (htmx itself focuses the control with the same id
  // again after the swap, so keyboard users keep their place.)
  var pointerDown = false;
  document.addEventListener("pointerdown", function () { pointerDown = true; }, true);
  ["pointerup", "pointercancel"].forEach(function (type) {
    document.addEventListener(type, function () {
      window.setTimeout(function () { pointerDown = false; }, 0);  // after the click event
    }, true);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail && event.detail.requestConfig;
    var source = config && config.elt;
    if (pointerDown && source && source.hasAttribute && source.hasAttribute("data-poll")) {
      event.detail.shouldSwap = false;
    }
  });

  // 4xx/5xx without a fragment to show: say so instead of failing silently.
  var english = (document.documentElement.lang || "fr").slice(0, 2) === "en";
  document.addEventListener("htmx:sendError", function () {
    announce(english
      ? "The connection to the server failed. Check the network and try again: your answer has not been lost."
      : "La connexion au serveur a échoué. Vérifiez le réseau puis réessayez : votre réponse n'a pas été perdue.");
  });
})();
