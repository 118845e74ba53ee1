/* eventmap page core: the event data, the sorted interval index, Web Mercator,
 * one spatial grid and great-circle distance. No DOM, no Leaflet: every
 * function here is pure and tested under Node (tests/js/core.test.js).
 *
 * The events arrive once, as columns sorted by start time: inline JSON in a
 * static export, or a binary payload fetched from the app's eventmap: scheme.
 */
(function (root) {
  "use strict";

  var MAX_LAT = 85.0511287798;
  var EARTH_RADIUS = 6371008.8; // mean radius, metres

  /* ---- Web Mercator, in world units (0..1 across and down) -------------- */

  function mercatorX(lon) {
    return (lon + 180) / 360;
  }

  function mercatorY(lat) {
    var clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
    var s = Math.sin((clamped * Math.PI) / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  /* ---- great circles ------------------------------------------------------ */

  function toRad(deg) { return (deg * Math.PI) / 180; }
  function toDeg(rad) { return (rad * 180) / Math.PI; }

  function greatCircleDistance(lat1, lon1, lat2, lon2) {
    // Haversine on the mean sphere, metres (well within 0.5 % of the ellipsoid).
    var p1 = toRad(lat1), p2 = toRad(lat2), dp = p2 - p1, dl = toRad(lon2 - lon1);
    var a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function greatCirclePoints(lat1, lon1, lat2, lon2, segments) {
    // Points along the shorter great circle, [lat, lon] each; longitudes are
    // kept continuous (they may pass 180) so a polyline never jumps across the map.
    var n = Math.max(1, segments || 64);
    var p1 = toRad(lat1), l1 = toRad(lon1), p2 = toRad(lat2), l2 = toRad(lon2);
    var a = [Math.cos(p1) * Math.cos(l1), Math.cos(p1) * Math.sin(l1), Math.sin(p1)];
    var b = [Math.cos(p2) * Math.cos(l2), Math.cos(p2) * Math.sin(l2), Math.sin(p2)];
    var dot = Math.max(-1, Math.min(1, a[0] * b[0] + a[1] * b[1] + a[2] * b[2]));
    var omega = Math.acos(dot), out = [], prevLon = lon1;
    for (var i = 0; i <= n; i++) {
      var t = i / n, lat, lon;
      if (omega < 1e-12) {
        lat = lat1 + (lat2 - lat1) * t;
        lon = lon1 + (lon2 - lon1) * t;
      } else {
        var s = Math.sin(omega), wa = Math.sin((1 - t) * omega) / s, wb = Math.sin(t * omega) / s;
        var x = wa * a[0] + wb * b[0], y = wa * a[1] + wb * b[1], z = wa * a[2] + wb * b[2];
        lat = toDeg(Math.atan2(z, Math.sqrt(x * x + y * y)));
        lon = toDeg(Math.atan2(y, x));
      }
      while (lon - prevLon > 180) lon -= 360;
      while (lon - prevLon < -180) lon += 360;
      prevLon = lon;
      out.push([lat, lon]);
    }
    return out;
  }

  function formatDistance(metres) {
    if (metres < 1000) return Math.round(metres) + " m";
    var km = metres / 1000;
    return (km < 100 ? km.toFixed(1) : Math.round(km).toLocaleString("en-US")) + " km";
  }

  /* ---- the event columns --------------------------------------------------- */

  function num(v, fallback) {
    return v === null || v === undefined ? fallback : v;
  }

  function fromJson(p) {
    var n = p.n, i;
    var out = {
      n: n,
      lo: new Float64Array(n), hi: new Float64Array(n),
      lat: Float64Array.from(p.lat), lon: Float64Array.from(p.lon),
      index: Uint32Array.from(p.index), cat: (p.cat.some(function (c) { return c > 65535; }) ? Uint32Array : Uint16Array).from(p.cat),
      text: p.text || null,
      dim: p.dim ? Uint8Array.from(p.dim) : null,
    };
    for (i = 0; i < n; i++) {
      out.lo[i] = num(p.lo[i], -Infinity);
      out.hi[i] = num(p.hi[i], Infinity);
    }
    return out;
  }

  function fromBinary(buf) {
    // The layout of eventmap.geo.page.payload.pack_columns.
    var view = new DataView(buf);
    var headerLength = view.getUint32(0, true);
    var header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerLength)));
    var n = header.n, offset = 4 + headerLength;
    function take(Type, bytes) {
      var a = new Type(buf, offset, n);
      offset += Math.ceil((n * bytes) / 8) * 8;
      return a;
    }
    var lo = take(Float64Array, 8), hi = take(Float64Array, 8);
    var lat = take(Float32Array, 4), lon = take(Float32Array, 4);
    // Category codes are uint16, or uint32 for more than 65,536 categories.
    var index = take(Uint32Array, 4), cat = header.cat === 4 ? take(Uint32Array, 4) : take(Uint16Array, 2);
    // Optional: one byte an event, non-zero when its date or place is not sure (drawn lighter).
    var dim = header.dim ? take(Uint8Array, 1) : null;
    return { n: n, lo: lo, hi: hi, lat: lat, lon: lon, index: index, cat: cat, text: null, dim: dim };
  }

  function prepare(data) {
    // Projected positions, dataset position -> sorted position, the interval index.
    var n = data.n, i;
    data.x = new Float64Array(n);
    data.y = new Float64Array(n);
    data.posOf = new Int32Array(n);
    for (i = 0; i < n; i++) {
      data.x[i] = mercatorX(data.lon[i]);
      data.y[i] = mercatorY(data.lat[i]);
      data.posOf[data.index[i]] = i;
    }
    data.intervals = buildIntervalIndex(data.lo, data.hi);
    data.buffer = new Uint32Array(n);
    return data;
  }

  /* ---- the sorted interval index ---------------------------------------- */

  function buildIntervalIndex(lo, hi) {
    // Events grouped by span length (powers of two of seconds), each group
    // sorted by start. A window [a, b) needs only the events of each group
    // starting in [a - longest span of the group, b): a window change touches
    // the events near the window, never the whole dataset.
    var n = lo.length, groups = new Map(), unbounded = [], i;
    for (i = 0; i < n; i++) {
      var a = lo[i], b = hi[i];
      if (!isFinite(a) || !isFinite(b)) { unbounded.push(i); continue; }
      var k = Math.max(0, Math.floor(Math.log2(Math.max(b - a, 1000) / 1000)));
      var g = groups.get(k);
      if (!g) groups.set(k, (g = { pos: [], max: 0 }));
      g.pos.push(i);
      if (b - a > g.max) g.max = b - a;
    }
    var list = [];
    groups.forEach(function (g) {
      // The payload is sorted by start, so each group is too; sort only if it is not.
      for (var s = 1; s < g.pos.length; s++) {
        if (lo[g.pos[s]] < lo[g.pos[s - 1]]) { g.pos.sort(function (p, q) { return lo[p] - lo[q] || p - q; }); break; }
      }
      var pos = Uint32Array.from(g.pos);
      var starts = new Float64Array(pos.length);
      for (var j = 0; j < pos.length; j++) starts[j] = lo[pos[j]];
      list.push({ pos: pos, lo: starts, max: g.max });
    });
    return { groups: list, unbounded: Uint32Array.from(unbounded) };
  }

  function lowerBound(arr, value) {
    var a = 0, b = arr.length;
    while (a < b) {
      var mid = (a + b) >>> 1;
      if (arr[mid] < value) a = mid + 1; else b = mid;
    }
    return a;
  }

  function queryIntervals(index, lo, hi, los, his, accept, out) {
    // Writes into `out` the positions whose [los, his) overlaps [lo, hi) and
    // that `accept` (or null) takes; returns how many.
    var m = 0, g, j, i, a, b;
    for (var k = 0; k < index.groups.length; k++) {
      g = index.groups[k];
      a = lo === -Infinity ? 0 : lowerBound(g.lo, lo - g.max);
      b = hi === Infinity ? g.lo.length : lowerBound(g.lo, hi);
      for (j = a; j < b; j++) {
        i = g.pos[j];
        if (his[i] > lo && (accept === null || accept(i))) out[m++] = i;
      }
    }
    for (j = 0; j < index.unbounded.length; j++) {
      i = index.unbounded[j];
      if (los[i] < hi && his[i] > lo && (accept === null || accept(i))) out[m++] = i;
    }
    return m;
  }

  /* ---- the legend ------------------------------------------------------------ */

  function legendRows(counts, on, keepAll, limit) {
    // Which categories the legend lists, in legend order: those with an event
    // shown (or every category with keepAll, hidden ones marked off), at most
    // `limit` rows and a count of the rest. -> {rows: [{cat, off}], more}
    var rows = [], more = 0;
    for (var c = 0; c < counts.length; c++) {
      if (!keepAll && !(on[c] && counts[c] > 0)) continue;
      if (rows.length < limit) rows.push({ cat: c, off: !on[c] });
      else more++;
    }
    return { rows: rows, more: more };
  }

  /* ---- a spatial hash grid (container pixels) ------------------------------ */

  function Grid(cell) {
    this.cell = cell;
    this.cells = new Map();
  }

  Grid.prototype.key = function (gx, gy) {
    return gx * 2097152 + gy; // unique while |gy| < 2^20 cells
  };

  Grid.prototype.add = function (x, y, value) {
    var key = this.key(Math.floor(x / this.cell), Math.floor(y / this.cell));
    var list = this.cells.get(key);
    if (list) list.push(value); else this.cells.set(key, [value]);
  };

  Grid.prototype.near = function (x, y, visit) {
    // Calls visit(value) for everything in the 3x3 cells around (x, y), until it returns true.
    var gx = Math.floor(x / this.cell), gy = Math.floor(y / this.cell);
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        var list = this.cells.get(this.key(gx + dx, gy + dy));
        if (!list) continue;
        for (var j = 0; j < list.length; j++) if (visit(list[j]) === true) return true;
      }
    }
    return false;
  };

  function nearestPoint(grid, xs, ys, x, y, radius) {
    // The index k of the point nearest (x, y) within radius (grid of point indices), or -1.
    var best = -1, bestDist = radius;
    grid.near(x, y, function (k) {
      var dist = Math.hypot(xs[k] - x, ys[k] - y);
      if (dist <= bestDist) { bestDist = dist; best = k; }
    });
    return best;
  }

  var api = {
    MAX_LAT: MAX_LAT, EARTH_RADIUS: EARTH_RADIUS,
    mercatorX: mercatorX, mercatorY: mercatorY,
    greatCircleDistance: greatCircleDistance, greatCirclePoints: greatCirclePoints, formatDistance: formatDistance,
    num: num, fromJson: fromJson, fromBinary: fromBinary, prepare: prepare,
    buildIntervalIndex: buildIntervalIndex, lowerBound: lowerBound, queryIntervals: queryIntervals, legendRows: legendRows,
    Grid: Grid, nearestPoint: nearestPoint,
  };
  root.EventmapCore = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
