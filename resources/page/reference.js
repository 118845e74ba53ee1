/* eventmap reference layers: coast, borders, rivers, lakes, divisions, and
 * the place, division, sea and country labels, under the events.
 *
 * Lines are drawn on a canvas of their own pane, from typed arrays, and only
 * when the view changes (pan, zoom, resize): a time-slider move never touches
 * them. Labels are drawn on a second canvas of their own, placed by the page's
 * one collision pass (eventmap.js calls placeLabels after the event markers
 * and site labels have taken their boxes), and that canvas is redrawn only
 * when the placed labels change. All text goes to the canvas as text.
 */
(function (root) {
  "use strict";

  var MAX_LAT = 85.0511287798, DEG = Math.PI / 180, INV_4PI = 1 / (4 * Math.PI);
  var STYLE = {
    coast: { color: "#7f9fb3", weight: 0.7 },
    border: { color: "#7d776c", weight: 1.1 },
    disputed: { color: "#7d776c", weight: 1.1, dash: [5, 4] },
    admin1: { color: "#aaa496", weight: 0.7, dash: [1.5, 2.5] },
    river: { color: "#8fb8d6" },
    lake: { color: "#8fb8d6", weight: 0.5 },
  };
  // Countries labelled at each zoom: the N largest by area.
  var RANK_BY_ZOOM = [3, 6, 12, 30, 70, 140, 400];
  var FONTS = {
    country: "600 11px sans-serif",
    s: "italic 11px serif",
    l: "italic 10px serif",
    c: "600 11px sans-serif",
    p: "10.5px sans-serif",
    a: "9.5px sans-serif",
  };
  var COLORS = { country: "#5f5b52", s: "#4f7fa3", l: "#4f7fa3", c: "#2f2f2f", p: "#454545", a: "#8b8476" };
  var MAX_CANDIDATES = 400;

  var R = (root.EMReference = {});
  var map, data, canvas, ctx, countries = [], labels = [];
  var viewKey = "", candidates = [], drawnKey = "";
  R.state = { placed: [], countries: [] };

  function decode(line, q) {
    var out = new Array(line.length / 2), x = 0, y = 0;
    for (var i = 0, k = 0; i < line.length; i += 2, k++) {
      x += line[i];
      y += line[i + 1];
      out[k] = [y / q, x / q];
    }
    return out;
  }

  function mercator(lon, lat) {
    lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
    var sn = Math.sin((lat * Math.PI) / 180);
    return [(lon + 180) / 360, 0.5 - Math.log((1 + sn) / (1 - sn)) / (4 * Math.PI)];
  }

  /* Lines as flat typed arrays in Web Mercator units (0..1): no per-point
   * objects, culled by each line's box and thinned to a pixel when drawn. */
  function lineSet(items, lineOf, zoomOf, classOf) {
    var total = 0, n = items.length, i, k;
    var lines = items.map(function (item) { var l = lineOf(item); total += l.length / 2; return l; });
    var set = {
      n: n, xs: new Float64Array(total), ys: new Float64Array(total), start: new Uint32Array(n + 1),
      box: new Float64Array(n * 4), zoom: new Float32Array(n), cls: new Uint8Array(n),
    };
    var q = data.q || 1000, at = 0;
    for (i = 0; i < n; i++) {
      var line = lines[i], x = 0, y = 0, x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      set.start[i] = at;
      for (k = 0; k < line.length; k += 2) {
        x += line[k];
        y += line[k + 1];
        // Web Mercator, inlined: no array per point.
        var lat = y / q, mx = (x / q + 180) / 360;
        if (lat > MAX_LAT) lat = MAX_LAT;
        else if (lat < -MAX_LAT) lat = -MAX_LAT;
        var sn = Math.sin(lat * DEG), my = 0.5 - Math.log((1 + sn) / (1 - sn)) * INV_4PI;
        set.xs[at] = mx;
        set.ys[at] = my;
        if (mx < x0) x0 = mx;
        if (mx > x1) x1 = mx;
        if (my < y0) y0 = my;
        if (my > y1) y1 = my;
        at++;
      }
      set.box[4 * i] = x0; set.box[4 * i + 1] = y0; set.box[4 * i + 2] = x1; set.box[4 * i + 3] = y1;
      set.zoom[i] = zoomOf(items[i]);
      set.cls[i] = classOf ? classOf(items[i]) : 0;
    }
    set.start[n] = at;
    return set;
  }

  function trace(c, set, view, cls, close) {
    // Add the set's lines of class ``cls`` shown at this zoom to the current path.
    var scale = view.scale, ox = view.ox, oy = view.oy, w = view.w, h = view.h, zoom = view.zoom, drawn = 0;
    for (var i = 0; i < set.n; i++) {
      if (set.zoom[i] > zoom + 0.01 || (cls !== undefined && set.cls[i] !== cls)) continue;
      var b = 4 * i;
      if (set.box[b] * scale - ox > w || set.box[b + 2] * scale - ox < 0 || set.box[b + 1] * scale - oy > h || set.box[b + 3] * scale - oy < 0) continue;
      var s = set.start[i], e = set.start[i + 1], lx = set.xs[s] * scale - ox, ly = set.ys[s] * scale - oy;
      c.moveTo(lx, ly);
      for (var k = s + 1; k < e; k++) {
        var x = set.xs[k] * scale - ox, y = set.ys[k] * scale - oy;
        if (k < e - 1 && Math.abs(x - lx) + Math.abs(y - ly) < 0.8) continue;
        c.lineTo(x, y);
        lx = x;
        ly = y;
      }
      if (close) c.closePath();
      drawn++;
    }
    return drawn;
  }

  var lineSets = null, lineCanvas, lineCtx, linesKey = "", sea = "#b9d7ea";

  function lazySet(minZoom, build) {
    var set = null;
    return function (zoom) {
      if (zoom < minZoom) return null;
      if (!set) set = build();
      return set;
    };
  }

  function stroke(set, view, style, cls) {
    if (!set) return;
    lineCtx.beginPath();
    if (!trace(lineCtx, set, view, cls, false)) return;
    lineCtx.lineWidth = style.weight;
    lineCtx.strokeStyle = style.color;
    lineCtx.setLineDash(style.dash || []);
    lineCtx.stroke();
  }

  /* Redraw the lines when the view changed (pan, zoom, resize); a time-slider
   * move leaves them as they are. */
  R.drawLines = function (scale, ox, oy, size, topLeft) {
    if (!lineSets) return;
    var zoom = map.getZoom(), ratio = window.devicePixelRatio || 1;
    L.DomUtil.setPosition(lineCanvas, topLeft);
    var key = [zoom, Math.round(ox * 10), Math.round(oy * 10), size.x, size.y, ratio].join(",");
    if (key === linesKey) return;
    linesKey = key;
    var t0 = performance.now();
    if (lineCanvas.width !== Math.round(size.x * ratio) || lineCanvas.height !== Math.round(size.y * ratio)) {
      lineCanvas.width = Math.round(size.x * ratio);
      lineCanvas.height = Math.round(size.y * ratio);
      lineCanvas.style.width = size.x + "px";
      lineCanvas.style.height = size.y + "px";
    }
    var c = lineCtx, view = { scale: scale, ox: ox, oy: oy, w: size.x, h: size.y, zoom: zoom };
    c.setTransform(ratio, 0, 0, ratio, 0, 0);
    c.clearRect(0, 0, size.x, size.y);
    // Bevel joins and butt caps: much cheaper than round ones in software rendering.
    c.lineJoin = "bevel";
    c.lineCap = "butt";
    var sets = {};
    Object.keys(lineSets).forEach(function (name) { sets[name] = lineSets[name](zoom); });
    c.beginPath();
    if (sets.lakes && trace(c, sets.lakes, view, undefined, true)) {
      c.fillStyle = sea;
      c.fill("evenodd");
      c.lineWidth = STYLE.lake.weight;
      c.strokeStyle = STYLE.lake.color;
      c.setLineDash([]);
      c.stroke();
    }
    [0.7, 1.0, 1.4].forEach(function (w, cls) { stroke(sets.rivers, view, { color: STYLE.river.color, weight: w }, cls); });
    stroke(sets.admin1, view, STYLE.admin1);
    stroke(sets.coast, view, STYLE.coast);
    stroke(sets.borders, view, STYLE.border, 0);
    stroke(sets.borders, view, STYLE.disputed, 1);
    c.setLineDash([]);
    R.state.linesMs = performance.now() - t0;
  };

  /* Add the reference layers to the map; remember the labels and countries. */
  R.add = function (leafletMap, reference, countryGeojson, options) {
    var t0 = performance.now();
    map = leafletMap;
    data = reference;
    options = options || {};
    sea = options.sea || sea;
    var pane = map.createPane("emReference");
    pane.style.zIndex = 410;
    pane.style.pointerEvents = "none";
    lineCanvas = L.DomUtil.create("canvas", "em-reference-lines", pane);
    lineCtx = lineCanvas.getContext("2d");
    function first(item) { return item[0]; }
    // Each set is decoded the first time a zoom shows it (divisions wait for zoom 4).
    lineSets = {
      // Each ring of a lake is one line; big lakes (scalerank 0-2) from zoom 2, the rest by 4 and 5.
      lakes: lazySet(2, function () {
        return lineSet([].concat.apply([], (data.lakes || []).map(function (l) {
          return l.slice(1).map(function (ring) { return [l[0], ring]; });
        })), function (r) { return r[1]; }, function (r) { return r[0] <= 2 ? 2 : r[0] <= 5 ? 4 : 5; });
      }),
      rivers: lazySet(2, function () {
        return lineSet(data.rivers || [], function (r) { return r[2]; }, function (r) { return Math.max(2, Math.floor(r[0])); },
          function (r) { return r[1] >= 0.5 ? 2 : r[1] >= 0.3 ? 1 : 0; });
      }),
      admin1: lazySet(4, function () {
        return lineSet(data.admin1 || [], function (a) { return a[1]; }, function (a) { return Math.floor(a[0]); });
      }),
      coast: lazySet(0, function () { return lineSet(data.coast || [], function (c) { return c; }, function () { return 0; }); }),
      borders: lazySet(0, function () { return lineSet(data.borders || [], function (b) { return b[1]; }, function () { return 0; }, first); }),
    };

    labels = [];  // projected as zooms reach them (the list is sorted by zoom)
    countries = countryShapes(countryGeojson);

    var labelPane = map.createPane("emReferenceLabels");
    labelPane.style.zIndex = 440;
    labelPane.style.pointerEvents = "none";
    canvas = L.DomUtil.create("canvas", "em-reference-labels", labelPane);
    ctx = canvas.getContext("2d");
    R.state.addMs = performance.now() - t0;
  };

  /* ---- countries: label inside the visible part ---------------------------- */

  function ringPoints(ring, step) {
    var out = [];
    for (var i = 0; i < ring.length; i += step) out.push(mercator(ring[i][0], ring[i][1]));
    return out;
  }

  function countryShapes(geojson) {
    var out = [];
    ((geojson && geojson.features) || []).forEach(function (f) {
      var p = f.properties || {}, g = f.geometry;
      if (!p.name || !g) return;
      var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
      var parts = [];
      polys.forEach(function (rings) {
        var ext = rings[0];
        // A coarse outline is enough to find where a label fits.
        var pts = ringPoints(ext, Math.max(1, Math.floor(ext.length / 250)));
        if (pts.length < 3) return;
        var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        pts.forEach(function (pt) {
          if (pt[0] < x0) x0 = pt[0];
          if (pt[0] > x1) x1 = pt[0];
          if (pt[1] < y0) y0 = pt[1];
          if (pt[1] > y1) y1 = pt[1];
        });
        parts.push({ pts: pts, box: [x0, y0, x1, y1] });
      });
      var label = p.label ? mercator(p.label[0], p.label[1]) : null;
      out.push({ name: String(p.name), rank: p.area_rank === undefined ? 999 : p.area_rank, label: label, parts: parts, w: -1 });
    });
    out.sort(function (a, b) { return a.rank - b.rank; });
    return out;
  }

  function clipToRect(pts, x0, y0, x1, y1) {
    // Sutherland-Hodgman against the four edges of the view.
    var edges = [
      function (p) { return p[0] >= x0; }, function (p) { return p[0] <= x1; },
      function (p) { return p[1] >= y0; }, function (p) { return p[1] <= y1; },
    ];
    var cuts = [
      function (a, b) { return [x0, a[1] + ((b[1] - a[1]) * (x0 - a[0])) / (b[0] - a[0])]; },
      function (a, b) { return [x1, a[1] + ((b[1] - a[1]) * (x1 - a[0])) / (b[0] - a[0])]; },
      function (a, b) { return [a[0] + ((b[0] - a[0]) * (y0 - a[1])) / (b[1] - a[1]), y0]; },
      function (a, b) { return [a[0] + ((b[0] - a[0]) * (y1 - a[1])) / (b[1] - a[1]), y1]; },
    ];
    var out = pts;
    for (var e = 0; e < 4 && out.length; e++) {
      var input = out, inside = edges[e], cut = cuts[e];
      out = [];
      for (var i = 0; i < input.length; i++) {
        var a = input[(i + input.length - 1) % input.length], b = input[i];
        if (inside(b)) {
          if (!inside(a)) out.push(cut(a, b));
          out.push(b);
        } else if (inside(a)) out.push(cut(a, b));
      }
    }
    return out;
  }

  function area(pts) {
    var s = 0;
    for (var i = 0, j = pts.length - 1; i < pts.length; j = i++) s += pts[j][0] * pts[i][1] - pts[i][0] * pts[j][1];
    return Math.abs(s) / 2;
  }

  function contains(pts, x, y) {
    var inside = false;
    for (var i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      var a = pts[i], b = pts[j];
      if ((a[1] > y) !== (b[1] > y) && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
    }
    return inside;
  }

  function edgeDistance(pts, x, y) {
    var best = Infinity;
    for (var i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      var ax = pts[j][0], ay = pts[j][1], dx = pts[i][0] - ax, dy = pts[i][1] - ay;
      var t = dx || dy ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy))) : 0;
      best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
    }
    return best;
  }

  function visibleSpot(country, scale, ox, oy, size, w) {
    // Where the country's name goes: its own label point when that is in
    // view, else the roomiest point of the largest part left in view.
    var pad = 4, half = w / 2 + pad;
    if (country.label) {
      var lx = country.label[0] * scale - ox, ly = country.label[1] * scale - oy;
      if (lx > half && lx < size.x - half && ly > 12 && ly < size.y - 12) return [[lx, ly]];
    }
    var best = null, bestArea = 0;
    country.parts.forEach(function (part) {
      var b = part.box;
      if (b[2] * scale - ox < 0 || b[0] * scale - ox > size.x || b[3] * scale - oy < 0 || b[1] * scale - oy > size.y) return;
      var px = part.pts.map(function (p) { return [p[0] * scale - ox, p[1] * scale - oy]; });
      var clipped = clipToRect(px, half, 12, size.x - half, size.y - 12);
      if (clipped.length < 3) return;
      var a = area(clipped);
      if (a > bestArea) { bestArea = a; best = clipped; }
    });
    if (!best || bestArea < w * 16) return null;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    best.forEach(function (p) { x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]); y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]); });
    // The roomiest points first: the label pass takes the first one free.
    var spots = [], n = 10;
    for (var i = 0; i <= n; i++) {
      for (var j = 0; j <= n; j++) {
        var x = x0 + ((x1 - x0) * (i + 0.5)) / (n + 1), y = y0 + ((y1 - y0) * (j + 0.5)) / (n + 1);
        if (!contains(best, x, y)) continue;
        var r = edgeDistance(best, x, y);
        if (r >= 6) spots.push([x, y, r]);
      }
    }
    spots.sort(function (a, b) { return b[2] - a[2]; });
    return spots.length ? spots.slice(0, 6) : null;
  }

  /* ---- the label pass ------------------------------------------------------ */

  function width(item, font) {
    if (item.w < 0) {
      ctx.font = font;
      item.w = ctx.measureText(item.name).width;
    }
    return item.w;
  }

  function computeCandidates(scale, ox, oy, size, zoom) {
    var out = [], k, c;
    var limit = RANK_BY_ZOOM[Math.min(Math.round(zoom), RANK_BY_ZOOM.length - 1)];
    for (k = 0; k < countries.length; k++) {
      c = countries[k];
      if (c.rank >= limit) continue;
      var w = width(c, FONTS.country);
      var spots = visibleSpot(c, scale, ox, oy, size, w);
      if (spots) out.push({ name: c.name, kind: "country", x: spots[0][0], y: spots[0][1], spots: spots, w: w, dot: false });
    }
    var raw = data.labels || [];
    for (k = 0; k < raw.length && out.length < MAX_CANDIDATES; k++) {
      if (k === labels.length) {
        if (raw[k][3] > zoom + 0.01) break;
        var m = mercator(raw[k][1], raw[k][2]);
        labels.push({ name: String(raw[k][0]), x: m[0], y: m[1], zoom: raw[k][3], kind: raw[k][4], w: -1 });
      }
      c = labels[k];
      if (c.zoom > zoom + 0.01) break; // sorted by zoom
      var x = c.x * scale - ox, y = c.y * scale - oy;
      if (x < 0 || y < 0 || x > size.x || y > size.y) continue;
      out.push({ name: c.name, kind: c.kind, x: x, y: y, w: width(c, FONTS[c.kind]), dot: c.kind === "c" || c.kind === "p" });
    }
    return out;
  }

  /* The boxes taken so far, in a uniform grid: with thousands of markers in
   * view a label is tested against the few boxes near it, not all of them
   * (this runs on every slider move). */
  var CELL = 48;

  function BoxGrid(boxes) {
    this.cells = new Map();
    for (var i = 0; i < boxes.length; i++) this.add(boxes[i]);
  }
  BoxGrid.prototype.keys = function (box, visit) {
    var x0 = Math.floor(box[0] / CELL), x1 = Math.floor(box[2] / CELL), y0 = Math.floor(box[1] / CELL), y1 = Math.floor(box[3] / CELL);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 400) { visit("all"); return; } // a huge box (a control over the map)
    for (var x = x0; x <= x1; x++) for (var y = y0; y <= y1; y++) if (visit(x + ":" + y)) return;
  };
  BoxGrid.prototype.add = function (box) {
    var cells = this.cells;
    this.keys(box, function (key) {
      var list = cells.get(key);
      if (!list) cells.set(key, (list = []));
      list.push(box);
      return false;
    });
  };
  BoxGrid.prototype.overlaps = function (box) {
    var cells = this.cells, hit = false;
    function test(list) {
      for (var i = 0; list && i < list.length; i++) {
        var b = list[i];
        if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) return true;
      }
      return false;
    }
    if (test(cells.get("all"))) return true;
    this.keys(box, function (key) { hit = test(cells.get(key)); return hit; });
    return hit;
  };

  function overlaps(box, grid) {
    return grid.overlaps(box);
  }

  function inside(box, size) {
    return box[0] >= 1 && box[1] >= 1 && box[2] <= size.x - 1 && box[3] <= size.y - 1;
  }

  /* Place the reference labels in the boxes left free (after event markers
   * and site labels), add their boxes, and redraw the label canvas if the
   * result changed. ``topLeft`` positions the canvas like the events'. */
  R.placeLabels = function (scale, ox, oy, size, boxes, topLeft) {
    if (!canvas) return [];
    var t0 = performance.now();
    var zoom = map.getZoom(), ratio = window.devicePixelRatio || 1;
    var key = [zoom, Math.round(ox), Math.round(oy), size.x, size.y].join(",");
    if (key !== viewKey) {
      viewKey = key;
      candidates = computeCandidates(scale, ox, oy, size, zoom);
    }
    var placed = [], h = 13, taken = new BoxGrid(boxes);
    for (var k = 0; k < candidates.length; k++) {
      var c = candidates[k], box, tx, ty;
      if (c.dot) {
        // A place: its dot, and the name to the right, else to the left.
        var dot = [c.x - 2.5, c.y - 2.5, c.x + 2.5, c.y + 2.5];
        if (overlaps(dot, taken)) continue;
        var right = [c.x + 4, c.y - h / 2, c.x + 6 + c.w, c.y + h / 2];
        var left = [c.x - 6 - c.w, c.y - h / 2, c.x - 4, c.y + h / 2];
        if (inside(right, size) && !overlaps(right, taken)) { box = right; tx = c.x + 5; }
        else if (inside(left, size) && !overlaps(left, taken)) { box = left; tx = c.x - 5 - c.w; }
        else continue;
        ty = c.y;
        boxes.push(dot);
        taken.add(dot);
      } else {
        var spots = c.spots || [[c.x, c.y]];
        box = null;
        for (var s = 0; s < spots.length && !box; s++) {
          var b = [spots[s][0] - c.w / 2 - 2, spots[s][1] - h / 2, spots[s][0] + c.w / 2 + 2, spots[s][1] + h / 2];
          if (inside(b, size) && !overlaps(b, taken)) {
            box = b;
            tx = spots[s][0] - c.w / 2;
            ty = spots[s][1];
          }
        }
        if (!box) continue;
      }
      boxes.push(box);
      taken.add(box);
      placed.push({ name: c.name, kind: c.kind, x: c.x, y: c.y, tx: tx, ty: ty, dot: c.dot, box: box });
    }
    L.DomUtil.setPosition(canvas, topLeft);
    var drawKey = key + "|" + ratio + "|" + placed.map(function (p) { return p.name + "@" + Math.round(p.tx) + "," + Math.round(p.ty); }).join(";");
    if (drawKey !== drawnKey) {
      drawnKey = drawKey;
      draw(placed, size, ratio);
    }
    R.state.placed = placed.map(function (p) { return { name: p.name, kind: p.kind, x: Math.round(p.tx), y: Math.round(p.ty), box: p.box }; });
    R.state.countries = placed.filter(function (p) { return p.kind === "country"; }).map(function (p) { return p.name; });
    R.state.labelMs = performance.now() - t0;
    return placed;
  };

  function draw(placed, size, ratio) {
    if (canvas.width !== Math.round(size.x * ratio) || canvas.height !== Math.round(size.y * ratio)) {
      canvas.width = Math.round(size.x * ratio);
      canvas.height = Math.round(size.y * ratio);
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    placed.forEach(function (p) {
      if (p.dot) {
        ctx.beginPath();
        if (p.kind === "c") ctx.rect(p.x - 2.5, p.y - 2.5, 5, 5);
        else ctx.arc(p.x, p.y, 2, 0, 2 * Math.PI);
        ctx.fillStyle = "#ffffff";
        ctx.fill();
        ctx.lineWidth = 1;
        ctx.strokeStyle = "#5a5a5a";
        ctx.stroke();
      }
      ctx.font = FONTS[p.kind];
      ctx.lineWidth = 3;
      ctx.strokeStyle = p.kind === "s" || p.kind === "l" ? "rgba(220,235,245,0.8)" : "rgba(255,255,255,0.85)";
      ctx.strokeText(p.name, p.tx, p.ty);
      ctx.fillStyle = COLORS[p.kind];
      ctx.fillText(p.name, p.tx, p.ty);
    });
  }

  // Pure helpers, for the unit tests (tests/js).
  R.internal = { BoxGrid: BoxGrid, mercator: mercator, decode: decode, countryShapes: countryShapes, visibleSpot: visibleSpot, clipToRect: clipToRect };

  /* Hide while Leaflet animates a zoom (the canvas would be scaled wrong). */
  R.setVisible = function (on) {
    if (canvas) canvas.style.visibility = on ? "" : "hidden";
    if (lineCanvas) lineCanvas.style.visibility = on ? "" : "hidden";
  };
  if (typeof module !== "undefined" && module.exports) module.exports = R;
})(typeof window !== "undefined" ? window : globalThis);
