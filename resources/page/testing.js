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
})();
