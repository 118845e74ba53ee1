/* eventmap reference layers: what is drawn under the events so a reader knows
 * where they are. The offline basemap (country shapes) as a Leaflet layer,
 * online tiles when the user turns them on, and the reference labels (country
 * names), which give way to event-site labels in the one collision pass.
 *
 * Each layer is added by `addLayers(map, cfg, basemap)` and its labels are
 * drawn by `drawReferenceLabels(ctx, view, boxes)` after the site labels.
 */
(function (root) {
  "use strict";

  var Core = root.EventmapCore || (typeof require !== "undefined" ? require("./core.js") : null);
  var Labels = root.EventmapLabels || (typeof require !== "undefined" ? require("./labels.js") : null);

  // Country labels shown at each zoom: those of area rank below the limit.
  var RANK_BY_ZOOM = [3, 6, 12, 30, 70, 140, 400];

  function countryLabels(geojson) {
    // The basemap's label points, in world units, biggest countries first.
    var out = [];
    (geojson.features || []).forEach(function (f) {
      var p = f.properties || {};
      if (!p.label || !p.name) return;
      out.push({
        name: String(p.name), rank: p.area_rank === undefined ? 999 : p.area_rank,
        x: Core.mercatorX(p.label[0]), y: Core.mercatorY(p.label[1]),
      });
    });
    out.sort(function (a, b) { return a.rank - b.rank; });
    return out;
  }

  function visibleCountryLabels(labels, zoom, view) {
    // The labels for this zoom, in container pixels (view: scale, ox, oy).
    var limit = RANK_BY_ZOOM[Math.min(Math.max(0, Math.round(zoom)), RANK_BY_ZOOM.length - 1)], out = [];
    for (var k = 0; k < labels.length; k++) {
      var c = labels[k];
      if (c.rank < limit) out.push({ name: c.name, x: c.x * view.scale - view.ox, y: c.y * view.scale - view.oy });
    }
    return out;
  }

  function ReferenceLayers() {
    this.basemap = null;
    this.countries = [];
    this.tiles = null;
  }

  ReferenceLayers.prototype.addBasemap = function (map, geojson, outlines) {
    // Without outlines (the reference layers draw coast and borders, disputed
    // ones dashed) the countries are only the land's fill.
    outlines = outlines !== false;
    this.basemap = L.geoJSON(geojson, {
      interactive: false,
      renderer: L.canvas({ padding: 0.3 }),
      smoothFactor: 0.8,
      style: { color: "#8c8c8c", weight: outlines ? 0.7 : 0, stroke: outlines, fillColor: "#f4f1e8", fillOpacity: 1, opacity: 1 },
    }).addTo(map);
    this.countries = countryLabels(geojson);
  };

  ReferenceLayers.prototype.addTiles = function (map, t, onFailed) {
    var layer = L.tileLayer(t.url, { attribution: t.attribution, maxZoom: t.maxZoom, subdomains: t.subdomains });
    var loaded = 0, failed = 0, reported = false;
    layer.on("tileload", function () { loaded++; });
    layer.on("tileerror", function () {
      failed++;
      if (!reported && loaded === 0 && failed >= 3) {
        reported = true;
        map.removeLayer(layer);
        onFailed(t.name);
      }
    });
    layer.addTo(map);
    this.tiles = layer;
  };

  function escapeText(text) {
    var box = document.createElement("span");
    box.textContent = String(text);
    return box.innerHTML;
  }

  ReferenceLayers.prototype.addLocalTiles = function (map, t) {
    // A PMTiles or MBTiles file the user opened, served by the app under tiles/.
    // Returns a promise kept once the first view's tiles are drawn.
    var pane = map.createPane("emLocalTiles");
    pane.style.zIndex = 405; // over the country fill, under the events
    pane.style.pointerEvents = "none";
    var options = {
      pane: "emLocalTiles", className: "em-local-tiles", minZoom: 0, maxZoom: 22, minNativeZoom: t.minZoom, maxNativeZoom: t.maxZoom,
      // The file's own text: Leaflet writes attributions as markup, so it goes in escaped.
      attribution: escapeText(t.attribution || ""),
    };
    if (t.bounds) options.bounds = t.bounds;
    var layer;
    if (t.kind === "vector" && root.protomapsL) {
      layer = root.protomapsL.leafletLayer(L.extend(options, { url: t.url + ".mvt", flavor: "light", lang: "en", maxDataZoom: t.maxZoom }));
    } else {
      layer = L.tileLayer(t.url, options);
    }
    var stats = (this.localTiles = { loaded: 0, failed: 0, kind: t.kind });
    layer.on("tileload", function () { stats.loaded++; });
    layer.on("tileerror", function () { stats.failed++; });
    var drawn = new Promise(function (resolve) {
      layer.once("load", resolve);
      setTimeout(resolve, 10000); // never hold the map for a file that cannot answer
    });
    layer.addTo(map);
    return drawn;
  };

  ReferenceLayers.prototype.drawLabels = function (ctx, view, boxes) {
    // Reference labels go last: they take only the room event sites left.
    ctx.font = "11px sans-serif";
    var placed = Labels.placeCentredLabels(
      visibleCountryLabels(this.countries, view.zoom, view),
      function (text) { return ctx.measureText(text).width; },
      view.size, boxes
    );
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    placed.forEach(function (p) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.7)";
      ctx.strokeText(p.name, p.x, p.y);
      ctx.fillStyle = "#6d6a60";
      ctx.fillText(p.name, p.x, p.y);
    });
    return placed;
  };

  var api = { RANK_BY_ZOOM: RANK_BY_ZOOM, countryLabels: countryLabels, visibleCountryLabels: visibleCountryLabels, ReferenceLayers: ReferenceLayers };
  root.EventmapLayers = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
