/* Hooks for the app's tests, kept out of the page's API: only app pages
 * include this file (a standalone HTML export never does).
 */
(function () {
  "use strict";
  var EM = window.eventmap;

  // Where an event is drawn, in container pixels (tests click there).
  EM.handlers.markerPoint = function (p) {
    return JSON.stringify(EM.markerPoint(p.index));
  };

  // The boxes of the page's overlays and of the open popup, in container pixels.
  EM.handlers.overlayRects = function () {
    var container = document.querySelector(".leaflet-container"), origin = container.getBoundingClientRect();
    function rect(node) {
      if (!node) return null;
      var r = node.getBoundingClientRect();
      return r.width && r.height ? [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top] : null;
    }
    var popups = document.querySelectorAll(".leaflet-popup"), map = EM.leafletMap();
    return JSON.stringify({
      moving: !!(map._panAnim && map._panAnim._inProgress) || !!map._animatingZoom,
      size: [origin.width, origin.height],
      title: rect(document.querySelector(".em-title")),
      legend: rect(document.querySelector(".em-legend")),
      popup: rect(popups[popups.length - 1]),
      close: rect(popups.length ? popups[popups.length - 1].querySelector(".leaflet-popup-close-button") : null),
      label: Array.from(document.querySelectorAll(".em-measure-label")).map(function (n) { return n.textContent; }),
    });
  };

  // A click or pointer move at a container point, as Leaflet reports it.
  EM.handlers.pointer = function (p) {
    var map = EM.leafletMap(), point = L.point(p.x, p.y);
    map.fire(p.type || "click", { containerPoint: point, latlng: map.containerPointToLatLng(point) });
    return JSON.stringify(true);
  };
})();
