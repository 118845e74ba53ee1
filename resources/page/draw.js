/* eventmap drawing: markers stamped on the events canvas, aggregated cells
 * when too many events are in view, the fan-out of co-located markers, and
 * site labels. The geometry (fanOut, binCells) is pure and tested under Node
 * (tests/js/draw.test.js); the rest paints on a 2D context.
 */
(function (root) {
  "use strict";

  var Core = root.EventmapCore || (typeof require !== "undefined" ? require("./core.js") : null);

  var RADIUS = 6;
  var CELL = 30; // aggregation cell, px
  var FAN_LIMIT = 5000; // more markers than this in view: no fan-out

  /* ---- geometry ------------------------------------------------------------ */

  function fanOut(xs, ys, n, radius) {
    // Markers closer than two marker widths are gathered around their centre
    // on a ring so every event stays visible and clickable. Each marker takes
    // the ring slot in its own direction from the centre, so the leader lines
    // (from where it is to where it is drawn) fan out and never cross.
    // Moves xs/ys in place; returns the groups [{x, y, r, members, from}]
    // (r = 0 for a lone marker; from: the members' positions before the move).
    radius = radius || RADIUS;
    if (n > FAN_LIMIT) return null;
    var near = radius * 4, groups = [], grid = new Core.Grid(near), k, j;
    for (k = 0; k < n; k++) {
      var found = null, x = xs[k], y = ys[k];
      grid.near(x, y, function (g) {
        if (Math.hypot(g.sx - x, g.sy - y) < near) { found = g; return true; }
        return false;
      });
      if (found) {
        found.members.push(k);
        found.x = (found.x * (found.members.length - 1) + x) / found.members.length;
        found.y = (found.y * (found.members.length - 1) + y) / found.members.length;
      } else {
        var group = { x: x, y: y, sx: x, sy: y, members: [k], r: 0, from: null };
        groups.push(group);
        grid.add(x, y, group);
      }
    }
    groups.forEach(function (g) {
      var m = g.members.length;
      if (m < 2) return;
      g.r = Math.max(radius + 6, (m * (radius * 2 + 3)) / (2 * Math.PI));
      var angle = function (q) { return Math.atan2(ys[q] - g.y, xs[q] - g.x); };
      var members = g.members.slice().sort(function (p, q) { return angle(p) - angle(q); });
      // Turn the ring so the slots sit as close as they can to the members'
      // own directions (a circular mean over the members with a direction);
      // markers all at one point start from the top.
      var sc = 0, ss = 0;
      for (j = 0; j < m; j++) {
        var q0 = members[j];
        if (Math.hypot(xs[q0] - g.x, ys[q0] - g.y) <= 1) continue;
        sc += Math.cos(angle(q0) - (2 * Math.PI * j) / m);
        ss += Math.sin(angle(q0) - (2 * Math.PI * j) / m);
      }
      var start = sc || ss ? Math.atan2(ss, sc) : -Math.PI / 2;
      g.members = members;
      g.from = [];
      var to = [];
      for (j = 0; j < m; j++) {
        var a = start + (2 * Math.PI * j) / m, q = members[j];
        g.from.push([xs[q], ys[q]]);
        to.push([g.x + g.r * Math.cos(a), g.y + g.r * Math.sin(a)]);
      }
      if (m <= 64) uncross(g.from, to);
      for (j = 0; j < m; j++) {
        xs[members[j]] = to[j][0];
        ys[members[j]] = to[j][1];
      }
    });
    return groups;
  }

  function segmentsCross(a, b, c, d) {
    var o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
    return o1 * o2 < 0 && o3 * o4 < 0;
  }

  function orient(p, q, r) {
    var v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
    return v > 1e-9 ? 1 : v < -1e-9 ? -1 : 0;
  }

  function uncross(from, to) {
    // Swapping the ends of two crossing leader lines makes both shorter in
    // total, so repeating it ends, with no two lines crossing.
    for (var pass = 0; pass < 50; pass++) {
      var changed = false;
      for (var i = 0; i < from.length; i++) {
        for (var j = i + 1; j < from.length; j++) {
          if (segmentsCross(from[i], to[i], from[j], to[j])) {
            var t = to[i];
            to[i] = to[j];
            to[j] = t;
            changed = true;
          }
        }
      }
      if (!changed) return;
    }
  }

  function binCells(order, px, py, cat, scale, ox, oy, size, nc, cell) {
    // Aggregates the points `order` (world coordinates px/py) into square
    // cells of the view: [{x, y, count, r, cat}] with cat the most common
    // category (-1 when there are too many categories to count).
    cell = cell || CELL;
    var cols = Math.ceil(size.x / cell) + 1, rows = Math.ceil(size.y / cell) + 1, cells = cols * rows;
    var perCat = nc <= 32 ? new Uint32Array(cells * nc) : null;
    var counts = new Uint32Array(cells), sx = new Float64Array(cells), sy = new Float64Array(cells);
    var k, i, x, y, c;
    for (k = 0; k < order.length; k++) {
      i = order[k];
      x = px[i] * scale - ox;
      y = py[i] * scale - oy;
      if (x < 0 || y < 0 || x >= size.x || y >= size.y) continue;
      c = ((y / cell) | 0) * cols + ((x / cell) | 0);
      counts[c]++;
      sx[c] += x;
      sy[c] += y;
      if (perCat) perCat[c * nc + cat[i]]++;
    }
    var list = [];
    for (c = 0; c < cells; c++) {
      var count = counts[c];
      if (!count) continue;
      var best = -1;
      if (perCat) {
        best = 0;
        for (var j = 0; j < nc; j++) if (perCat[c * nc + j] > perCat[c * nc + best]) best = j;
      }
      list.push({ x: sx[c] / count, y: sy[c] / count, count: count, r: Math.min(cell / 2, 4 + 2.4 * Math.log(count + 1)), cat: best });
    }
    return list;
  }

  /* ---- painting ------------------------------------------------------------- */

  var sprites = new Map();

  function markerSprite(color, ratio) {
    // One marker drawn once per colour and pixel ratio; stamping it is many
    // times cheaper than filling and stroking thousands of arcs in software.
    var key = color + "@" + ratio, sprite = sprites.get(key);
    if (sprite) return sprite;
    var half = RADIUS + 1.5, px = Math.ceil(2 * half * ratio) + 2;
    var c = document.createElement("canvas");
    c.width = c.height = px;
    var g = c.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.beginPath();
    g.arc(px / (2 * ratio), px / (2 * ratio), RADIUS, 0, 2 * Math.PI);
    g.fillStyle = color;
    g.fill();
    g.lineWidth = 1.5;
    g.strokeStyle = "#ffffff";
    g.stroke();
    sprite = { canvas: c, px: px, ratio: ratio };
    sprites.set(key, sprite);
    return sprite;
  }

  function drawLeaders(ctx, groups, xs, ys) {
    ctx.beginPath();
    groups.forEach(function (g) {
      if (!g.from) return;
      for (var j = 0; j < g.members.length; j++) {
        ctx.moveTo(g.from[j][0], g.from[j][1]);
        ctx.lineTo(xs[g.members[j]], ys[g.members[j]]);
      }
    });
    ctx.strokeStyle = "rgba(40,40,40,0.55)";
    ctx.lineWidth = 1;
    ctx.stroke();
  }

  function markerOrder(ps, n, cat) {
    // The markers k in category order (stable): categories are stamped in
    // legend order, whatever their number (a pass per category would cost
    // categories x markers).
    var order = new Uint32Array(n);
    for (var k = 0; k < n; k++) order[k] = k;
    return order.sort(function (a, b) { return cat[ps[a]] - cat[ps[b]] || a - b; });
  }

  function drawMarkers(ctx, xs, ys, ps, n, cat, colors, ratio, alpha) {
    // Drawn in device pixels, on whole pixels, so stamped markers stay sharp.
    // ``alpha(i)``, if given, is each event's opacity (a fading trail, a
    // lighter uncertain date).
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    var order = markerOrder(ps, n, cat), current = -1, sprite = null, offset = 0;
    for (var j = 0; j < n; j++) {
      var k = order[j], c = cat[ps[k]];
      if (c !== current) {
        current = c;
        sprite = markerSprite(colors[c] || "#6b6b6b", ratio);
        offset = sprite.px / 2;
      }
      if (alpha) ctx.globalAlpha = alpha(ps[k]);
      ctx.drawImage(sprite.canvas, Math.round(xs[k] * ratio - offset), Math.round(ys[k] * ratio - offset));
    }
    ctx.globalAlpha = 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  function trailAlpha(hi, winLo, trailLo, steps) {
    // An event whose window has passed fades out over the trail (animations):
    // just past, (N / (N + 1)) of full strength, down to nothing N steps later.
    if (trailLo === null || hi > winLo) return 1;
    var n = steps > 0 ? steps : 1;
    return Math.max(0.05, Math.min(1, ((hi - trailLo) / (winLo - trailLo)) * (n / (n + 1))));
  }

  function stampColor(seq) {
    // 12 bits of the sequence number, 4 per channel, each in the middle of its band of 16.
    var code = seq % 4096;
    return "rgb(" + [(code >> 8) & 15, (code >> 4) & 15, code & 15].map(function (v) { return v * 16 + 8; }).join(",") + ")";
  }

  function drawSelection(ctx, x, y) {
    ctx.beginPath();
    ctx.arc(x, y, RADIUS + 4, 0, 2 * Math.PI);
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#111";
    ctx.stroke();
  }

  function drawCells(ctx, cells, colors) {
    ctx.font = "bold 10px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    cells.forEach(function (cell) {
      ctx.beginPath();
      ctx.arc(cell.x, cell.y, cell.r, 0, 2 * Math.PI);
      ctx.globalAlpha = 0.8;
      ctx.fillStyle = cell.cat >= 0 ? colors[cell.cat] : "#555";
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 1;
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      if (cell.r >= 9) {
        var count = cell.count;
        ctx.fillStyle = "#fff";
        ctx.fillText(count >= 1000 ? (count / 1000).toFixed(count >= 10000 ? 0 : 1) + "k" : String(count), cell.x, cell.y);
      }
    });
  }

  function drawSites(ctx, placed) {
    ctx.font = "bold 12px sans-serif";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    placed.forEach(function (p) {
      if (p.leader) {
        // End at the nearest point of the label's box, never inside the text.
        var lx = Math.max(p.tx - 2, Math.min(p.tx + p.w + 2, p.x)), ly = Math.max(p.ty - 8, Math.min(p.ty + 8, p.y));
        ctx.beginPath();
        ctx.moveTo(p.x, p.y);
        ctx.lineTo(lx, ly);
        ctx.lineWidth = 1;
        ctx.strokeStyle = "rgba(30,30,30,0.7)";
        ctx.stroke();
      }
      ctx.beginPath();
      ctx.arc(p.x, p.y, 2.5, 0, 2 * Math.PI);
      if (p.active) {
        ctx.fillStyle = "#222";
        ctx.fill();
      } else {
        ctx.lineWidth = 1;
        ctx.strokeStyle = "#8a8a8a";
        ctx.stroke();
      }
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = "rgba(255,255,255,0.92)";
      ctx.strokeText(p.name, p.tx, p.ty);
      ctx.fillStyle = p.active ? "#1b1b1b" : "#8a8a8a";
      ctx.fillText(p.name, p.tx, p.ty);
    });
  }

  var api = {
    RADIUS: RADIUS, CELL: CELL, FAN_LIMIT: FAN_LIMIT,
    fanOut: fanOut, binCells: binCells, markerOrder: markerOrder,
    markerSprite: markerSprite, drawLeaders: drawLeaders, drawMarkers: drawMarkers, drawSelection: drawSelection, trailAlpha: trailAlpha, stampColor: stampColor,
    drawCells: drawCells, drawSites: drawSites,
  };
  root.EventmapDraw = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
