/* eventmap measuring: the geodesic line between two selected events (the
 * host says which, with the label it shows in its status bar), and a ruler a
 * user toggles to measure between any two points: click, click, and the
 * great circle between them is drawn with its length. Labels are text nodes.
 */
(function (root) {
  "use strict";

  var Core = root.EventmapCore;
  var LINE = { color: "#1b1b1b", weight: 2, opacity: 0.85, dashArray: "6 5", interactive: false };
  var RULER = { color: "#b3261e", weight: 2.5, opacity: 0.95, interactive: false };

  function text(tag, className, value) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = String(value);
    return node;
  }

  function geodesic(a, b) {
    // Enough segments that the curve stays smooth at any zoom.
    var km = Core.greatCircleDistance(a[0], a[1], b[0], b[1]) / 1000;
    return Core.greatCirclePoints(a[0], a[1], b[0], b[1], Math.max(8, Math.min(256, Math.ceil(km / 20))));
  }

  function Measure(map) {
    this.map = map;
    this.link = null;
    this.rulerOn = false;
    this.points = [];
    this.ruler = null;
    this.rubber = null;
    this.button = null;
  }

  Measure.prototype.setLink = function (points, label) {
    // The line between two selected events, or none (points null).
    if (this.link) { this.link.remove(); this.link = null; }
    if (!points || points.length !== 2) return;
    var line = L.polyline(geodesic(points[0], points[1]), LINE);
    if (label) {
      line.bindTooltip(text("span", "em-measure-text", label), { permanent: true, direction: "center", className: "em-measure-label" });
    }
    this.link = line.addTo(this.map);
  };

  Measure.prototype.addButton = function () {
    // A toggle under the zoom buttons (pictures have neither).
    var self = this, control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar em-ruler-control");
      var a = L.DomUtil.create("a", "em-ruler-button", bar);
      a.href = "#";
      a.title = "Measure a distance: click two points";
      a.setAttribute("role", "button");
      a.textContent = "\u2194"; // ↔
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); self.setRuler(!self.rulerOn); });
      self.button = a;
      return bar;
    };
    control.addTo(this.map);
  };

  Measure.prototype.setRuler = function (on) {
    this.rulerOn = !!on;
    if (this.button) this.button.classList.toggle("em-on", this.rulerOn);
    this.map.getContainer().classList.toggle("em-measuring", this.rulerOn);
    if (!this.rulerOn) this.clearRuler();
  };

  Measure.prototype.clearRuler = function () {
    this.points = [];
    if (this.ruler) { this.ruler.remove(); this.ruler = null; }
    if (this.rubber) { this.rubber.remove(); this.rubber = null; }
  };

  Measure.prototype.click = function (latlng) {
    // A click while the ruler is on: the first point, the second (measured), or a new first.
    var p = [latlng.lat, latlng.lng];
    if (this.points.length !== 1) {
      this.clearRuler();
      this.points = [p];
      this.rubber = L.polyline([p, p], { color: RULER.color, weight: 1.5, opacity: 0.7, dashArray: "4 4", interactive: false }).addTo(this.map);
      return null;
    }
    this.points.push(p);
    if (this.rubber) { this.rubber.remove(); this.rubber = null; }
    var metres = Core.greatCircleDistance(this.points[0][0], this.points[0][1], p[0], p[1]);
    var line = L.polyline(geodesic(this.points[0], p), RULER);
    line.bindTooltip(text("span", "em-measure-text", Core.formatDistance(metres)), { permanent: true, direction: "center", className: "em-measure-label" });
    this.ruler = line.addTo(this.map);
    return metres;
  };

  Measure.prototype.move = function (latlng) {
    if (this.rubber && this.points.length === 1) this.rubber.setLatLngs(geodesic(this.points[0], [latlng.lat, latlng.lng]));
  };

  Measure.prototype.state = function () {
    var p = this.points;
    return {
      on: this.rulerOn, points: p,
      metres: p.length === 2 ? Core.greatCircleDistance(p[0][0], p[0][1], p[1][0], p[1][1]) : null,
      link: this.link ? this.link.getLatLngs().length : 0,
    };
  };

  root.EventmapMeasure = { Measure: Measure, geodesic: geodesic };
})(window);
