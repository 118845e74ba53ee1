/* eventmap page script: draws the events on a canvas over the offline basemap,
 * and answers time-window, category, search and selection changes in place.
 *
 * The events arrive once, as columns sorted by start time (inline JSON in a
 * static export, or a binary payload fetched from the app's eventmap: scheme).
 * A window change touches only the events near the window (a sorted index per
 * span class), never the whole dataset, and never rebuilds the page.
 *
 * Dataset text reaches the page only through textContent: never as markup.
 * The only file that talks to Qt is bridge.js; it listens to eventmap.notify
 * and forwards Python's calls to eventmap.call.
 */
(function () {
  "use strict";

  var MAX_LAT = 85.0511287798;
  var INDIVIDUAL_LIMIT = 15000; // more events than this in view: aggregate into cells
  var CELL = 30; // aggregation cell, px
  var RADIUS = 6;
  var HIT_RADIUS = 9;

  var EM = {
    handlers: {},
    listeners: [],
    state: { painted: 0, ready: false, mode: "", shown: 0, inView: 0 },
  };
  window.eventmap = EM;

  var map, cfg, d, canvas, ctx, basemapLayer;
  var catOn = [], searchMask = null, visible = new Uint32Array(0);
  var win = { lo: -Infinity, hi: Infinity }, cumulative = false, trailLo = null, trailSteps = 0;
  var stampBox = null; // animation frames: a corner block whose colour names the change drawn
  var selected = -1, hoverPos = -1, paintSeq = 0, framePending = false, paintPending = [];
  var drawn = null; // what the last frame drew, for hit testing
  var countryLabels = [];
  var detailsCache = new Map(), detailsWaiting = new Map(), sprites = new Map();
  var titleBox, windowBox, countBox, tooltip, revealed = false, activeSites = null;

  /* ---- messages to and from the host ------------------------------------ */

  EM.notify = function (name, payload) {
    for (var i = 0; i < EM.listeners.length; i++) EM.listeners[i](name, payload);
  };

  EM.call = function (name, payload) {
    var handler = EM.handlers[name];
    if (!handler) throw new Error("eventmap: unknown call " + name);
    return handler(payload || {});
  };

  /* ---- data --------------------------------------------------------------- */

  function num(v, fallback) {
    return v === null || v === undefined ? fallback : v;
  }

  function fromJson(p) {
    var n = p.n, i;
    var out = {
      n: n,
      lo: new Float64Array(n), hi: new Float64Array(n),
      lat: Float64Array.from(p.lat), lon: Float64Array.from(p.lon),
      index: Uint32Array.from(p.index), cat: Uint16Array.from(p.cat),
      text: p.text || null,
    };
    for (i = 0; i < n; i++) {
      out.lo[i] = num(p.lo[i], -Infinity);
      out.hi[i] = num(p.hi[i], Infinity);
    }
    return out;
  }

  function fromBinary(buf) {
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
    var index = take(Uint32Array, 4), cat = take(Uint16Array, 2);
    return { n: n, lo: lo, hi: hi, lat: lat, lon: lon, index: index, cat: cat, text: null };
  }

  function prepare(data) {
    var n = data.n, i;
    data.x = new Float64Array(n);
    data.y = new Float64Array(n);
    data.posOf = new Int32Array(n);
    for (i = 0; i < n; i++) {
      var lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, data.lat[i]));
      var s = Math.sin((lat * Math.PI) / 180);
      data.x[i] = (data.lon[i] + 180) / 360;
      data.y[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      data.posOf[data.index[i]] = i;
    }
    // Interval index: events grouped by span length (powers of two of seconds),
    // each group sorted by start. A window [lo, hi) needs only the events of
    // each group starting in [lo - longest span of the group, hi).
    var groups = new Map(), unbounded = [];
    for (i = 0; i < n; i++) {
      var a = data.lo[i], b = data.hi[i];
      if (!isFinite(a) || !isFinite(b)) { unbounded.push(i); continue; }
      var k = Math.max(0, Math.floor(Math.log2(Math.max(b - a, 1000) / 1000)));
      var g = groups.get(k);
      if (!g) groups.set(k, (g = { pos: [], max: 0 }));
      g.pos.push(i);
      if (b - a > g.max) g.max = b - a;
    }
    data.groups = [];
    groups.forEach(function (g) {
      var pos = Uint32Array.from(g.pos);
      var starts = new Float64Array(pos.length);
      for (var j = 0; j < pos.length; j++) starts[j] = data.lo[pos[j]];
      data.groups.push({ pos: pos, lo: starts, max: g.max });
    });
    data.unbounded = Uint32Array.from(unbounded);
    data.buffer = new Uint32Array(n);
    return data;
  }

  function lowerBound(arr, value) {
    var a = 0, b = arr.length;
    while (a < b) {
      var mid = (a + b) >>> 1;
      if (arr[mid] < value) a = mid + 1; else b = mid;
    }
    return a;
  }

  function passes(i) {
    return catOn[d.cat[i]] && (searchMask === null || searchMask[d.index[i]] === 1);
  }

  function filter() {
    var lo = cumulative ? -Infinity : trailLo !== null ? Math.min(trailLo, win.lo) : win.lo, hi = win.hi;
    var out = d.buffer, m = 0, g, j, i, a, b;
    for (var k = 0; k < d.groups.length; k++) {
      g = d.groups[k];
      a = lo === -Infinity ? 0 : lowerBound(g.lo, lo - g.max);
      b = hi === Infinity ? g.lo.length : lowerBound(g.lo, hi);
      for (j = a; j < b; j++) {
        i = g.pos[j];
        if (d.hi[i] > lo && passes(i)) out[m++] = i;
      }
    }
    for (j = 0; j < d.unbounded.length; j++) {
      i = d.unbounded[j];
      if (d.lo[i] < hi && d.hi[i] > lo && passes(i)) out[m++] = i;
    }
    visible = out.subarray(0, m);
    activeSites = null;
    if (cfg.sites.length && m <= 50000) {
      activeSites = new Set();
      for (j = 0; j < m; j++) activeSites.add(siteKey(d.lat[visible[j]], d.lon[visible[j]]));
    }
    var inWindow = m;
    if (trailLo !== null && !cumulative) for (j = 0, inWindow = 0; j < m; j++) if (d.hi[visible[j]] > win.lo) inWindow++;
    EM.state.shown = inWindow; // events of the trail fade out and are not counted
    updateCount();
    // The hovered marker may be filtered out: its tooltip goes (the next mouse move brings it back).
    if (hoverPos >= 0) { hoverPos = -1; tooltip.remove(); }
  }

  /* ---- details (popup and tooltip text) ---------------------------------- */

  function details(pos) {
    if (d.text) return Promise.resolve(d.text[pos]);
    var index = d.index[pos];
    if (detailsCache.has(index)) return Promise.resolve(detailsCache.get(index));
    return new Promise(function (resolve) {
      var waiting = detailsWaiting.get(index);
      if (waiting) { waiting.push(resolve); return; }
      detailsWaiting.set(index, [resolve]);
      EM.notify("detailsRequested", { index: index });
    });
  }

  EM.handlers.details = function (p) {
    detailsCache.set(p.index, p.details);
    var waiting = detailsWaiting.get(p.index) || [];
    detailsWaiting.delete(p.index);
    waiting.forEach(function (resolve) { resolve(p.details); });
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function popupContent(info) {
    var box = el("div", "em-popup");
    box.appendChild(el("div", "em-popup-title", info.title));
    var meta = [info.when, info.place].filter(Boolean).join(" · ");
    box.appendChild(el("div", "em-popup-when", meta));
    if (info.category) {
      var chip = el("span", "em-chip", info.category);
      var c = cfg.categories.filter(function (x) { return x.name === info.category; })[0];
      if (c) chip.style.background = c.color;
      box.appendChild(chip);
    }
    if (info.summary) box.appendChild(el("p", "em-popup-summary", info.summary));
    if (info.source) box.appendChild(el("div", "em-popup-source", "Source: " + info.source));
    if (info.url && /^https?:\/\/\S+$/i.test(info.url)) {
      var a = el("a", "em-popup-link", "Open source link");
      a.href = info.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer nofollow";
      box.appendChild(a);
    }
    return box;
  }

  function openPopup(pos) {
    details(pos).then(function (info) {
      if (selected !== pos) return;
      var p = shownPosition(pos);
      L.popup({ maxWidth: 340, autoPanPaddingTopLeft: [20, 70], offset: [0, -4] })
        .setLatLng(p)
        .setContent(popupContent(info))
        .openOn(map);
      EM.state.popup = { index: d.index[pos], title: info.title };
      EM.notify("popupOpened", { index: d.index[pos] });
    });
  }

  function shownPosition(pos) {
    // Where the marker was drawn (co-located events are spread on a ring).
    if (drawn && drawn.mode === "points") {
      for (var k = 0; k < drawn.n; k++) {
        if (drawn.pos[k] === pos) return map.containerPointToLatLng([drawn.x[k], drawn.y[k]]);
      }
    }
    return L.latLng(d.lat[pos], d.lon[pos]);
  }

  /* ---- drawing ------------------------------------------------------------ */

  // A task queued with postMessage runs after the current frame's rendering
  // (setTimeout(0) may be clamped to several milliseconds).
  var taskChannel = new MessageChannel(), tasks = [];
  taskChannel.port1.onmessage = function () {
    var task = tasks.shift();
    if (task) task();
  };
  function afterThisFrame(task) {
    tasks.push(task);
    taskChannel.port2.postMessage(0);
  }

  function drawNow() {
    var t0 = performance.now();
    draw();
    EM.state.drawMs = performance.now() - t0;
  }

  // A change from the host (it carries a sequence number) is drawn at once,
  // and acknowledged when the frame holding it has been rendered: the next
  // animation frame, then a task queued from it, which runs after that frame's
  // paint and commit. Redraws for pan and zoom are coalesced to one per frame.
  function requestFrame(ack) {
    if (ack === undefined) {
      if (framePending) return;
      framePending = true;
      requestAnimationFrame(function () {
        framePending = false;
        drawNow();
      });
      return;
    }
    drawNow();
    if (stampBox) stampBox.style.background = stampColor(ack);
    paintPending.push(ack);
    if (paintPending.length > 1) return; // already waiting for the next frame
    requestAnimationFrame(function () {
      afterThisFrame(function () {
        var acks = paintPending, producedAt = performance.timeOrigin + performance.now();
        paintPending = [];
        EM.state.painted = ++paintSeq;
        acks.forEach(function (seq) {
          EM.notify("painted", {
            seq: seq, shown: EM.state.shown, inView: EM.state.inView, mode: EM.state.mode,
            filterMs: EM.state.filterMs, drawMs: EM.state.drawMs, producedAt: producedAt,
          });
        });
      });
    });
  }

  function stampColor(seq) {
    // 12 bits of the sequence number, 4 per channel, each in the middle of its band of 16.
    var code = seq % 4096;
    return "rgb(" + [(code >> 8) & 15, (code >> 4) & 15, code & 15].map(function (v) { return v * 16 + 8; }).join(",") + ")";
  }

  function draw() {
    var size = map.getSize(), ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(size.x * ratio) || canvas.height !== Math.round(size.y * ratio)) {
      canvas.width = Math.round(size.x * ratio);
      canvas.height = Math.round(size.y * ratio);
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
    }
    var topLeft = map.containerPointToLayerPoint([0, 0]);
    L.DomUtil.setPosition(canvas, topLeft);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);

    var scale = 256 * Math.pow(2, map.getZoom());
    var origin = map.getPixelOrigin();
    var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
    var boxes = controlBoxes();

    // Which visible events fall in the view (with a margin for marker size).
    var m = 12, n = visible.length, xs = new Float32Array(Math.min(n, INDIVIDUAL_LIMIT + 1));
    var ys = new Float32Array(xs.length), ps = new Uint32Array(xs.length), count = 0, i, k, x, y;
    for (k = 0; k < n; k++) {
      i = visible[k];
      x = d.x[i] * scale - ox;
      y = d.y[i] * scale - oy;
      if (x < -m || y < -m || x > size.x + m || y > size.y + m) continue;
      if (count < xs.length) { xs[count] = x; ys[count] = y; ps[count] = i; }
      count++;
    }
    EM.state.inView = count;
    // Markers first; site labels avoid them; country labels avoid both.
    if (count > INDIVIDUAL_LIMIT) drawCells(scale, ox, oy, size, boxes);
    else drawPoints(xs, ys, ps, count, boxes);
    var sites = placeSiteLabels(scale, ox, oy, size, boxes);
    drawCountryLabels(scale, ox, oy, size, boxes);
    drawSites(sites);
    EM.state.zoom = map.getZoom();
    if (!revealed && d) {
      // The map stays hidden until its first complete frame, so no picture
      // of the page ever shows the basemap without its events.
      revealed = true;
      map.getContainer().style.visibility = "";
    }
  }

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

  function drawPoints(xs, ys, ps, n, boxes) {
    spreadColocated(xs, ys, n, boxes);
    var cats = cfg.categories, c, k, selectedK = -1, ratio = window.devicePixelRatio || 1;
    // Drawn in device pixels, on whole pixels, so stamped markers stay sharp.
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    for (c = 0; c < cats.length; c++) {
      var sprite = null, offset = 0;
      for (k = 0; k < n; k++) {
        if (d.cat[ps[k]] !== c) continue;
        if (!sprite) { sprite = markerSprite(cats[c].color, ratio); offset = sprite.px / 2; }
        ctx.globalAlpha = trailAlpha(ps[k]);
        ctx.drawImage(sprite.canvas, Math.round(xs[k] * ratio - offset), Math.round(ys[k] * ratio - offset));
      }
    }
    ctx.globalAlpha = 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    for (k = 0; k < n; k++) if (ps[k] === selected) selectedK = k;
    if (selectedK >= 0) {
      ctx.beginPath();
      ctx.arc(xs[selectedK], ys[selectedK], RADIUS + 4, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#111";
      ctx.stroke();
    }
    drawn = { mode: "points", n: n, x: xs, y: ys, pos: ps, grid: hitGrid(xs, ys, n) };
    EM.state.mode = "points";
  }

  function trailAlpha(i) {
    // An event whose window has passed fades out over the trail (animations).
    if (trailLo === null || cumulative || d.hi[i] > win.lo) return 1;
    // Just past: (N / (N + 1)) of full strength, down to nothing N steps later.
    var steps = trailSteps > 0 ? trailSteps : 1;
    return Math.max(0.05, Math.min(1, ((d.hi[i] - trailLo) / (win.lo - trailLo)) * (steps / (steps + 1))));
  }

  function spreadColocated(xs, ys, n, boxes) {
    // Markers closer than a marker's width are gathered around their centre
    // on a ring, with leader lines, so every event stays visible and clickable.
    if (n > 5000) return;
    var near = RADIUS * 4, groups = [], grid = new Map(), k, j;
    for (k = 0; k < n; k++) {
      var gx = Math.floor(xs[k] / near), gy = Math.floor(ys[k] / near), found = null;
      for (var dx = -1; dx <= 1 && !found; dx++) {
        for (var dy = -1; dy <= 1 && !found; dy++) {
          var cell = grid.get(gx + dx + ":" + (gy + dy));
          if (!cell) continue;
          for (j = 0; j < cell.length; j++) {
            var g = cell[j];
            if (Math.hypot(g.sx - xs[k], g.sy - ys[k]) < near) { found = g; break; }
          }
        }
      }
      if (found) {
        found.members.push(k);
        found.x = (found.x * (found.members.length - 1) + xs[k]) / found.members.length;
        found.y = (found.y * (found.members.length - 1) + ys[k]) / found.members.length;
      } else {
        var group = { x: xs[k], y: ys[k], sx: xs[k], sy: ys[k], members: [k] };
        groups.push(group);
        var key = gx + ":" + gy;
        if (grid.has(key)) grid.get(key).push(group); else grid.set(key, [group]);
      }
    }
    groups.forEach(function (g) {
      var m = g.members.length;
      if (m < 2) { boxes.push([xs[g.members[0]] - RADIUS, ys[g.members[0]] - RADIUS, xs[g.members[0]] + RADIUS, ys[g.members[0]] + RADIUS]); return; }
      var r = Math.max(RADIUS + 6, (m * (RADIUS * 2 + 3)) / (2 * Math.PI));
      // Each marker takes the ring slot in its own direction from the centre,
      // so leader lines fan out and never cross.
      var angle = function (k) { return Math.atan2(ys[k] - g.y, xs[k] - g.x); };
      var members = g.members.slice().sort(function (p, q) { return angle(p) - angle(q); });
      var start = Math.hypot(xs[members[0]] - g.x, ys[members[0]] - g.y) > 1 ? angle(members[0]) : -Math.PI / 2;
      ctx.beginPath();
      for (j = 0; j < m; j++) {
        var a = start + (2 * Math.PI * j) / m, kk = members[j];
        var ox = xs[kk], oy = ys[kk];
        xs[kk] = g.x + r * Math.cos(a);
        ys[kk] = g.y + r * Math.sin(a);
        ctx.moveTo(ox, oy);
        ctx.lineTo(xs[kk], ys[kk]);
      }
      ctx.strokeStyle = "rgba(40,40,40,0.55)";
      ctx.lineWidth = 1;
      ctx.stroke();
      boxes.push([g.x - r - RADIUS, g.y - r - RADIUS, g.x + r + RADIUS, g.y + r + RADIUS]);
    });
  }

  function gridKey(gx, gy) {
    return gx * 65599 + gy; // unique while |gy| < 32000 cells of 20 px
  }

  function hitGrid(xs, ys, n) {
    var grid = new Map();
    for (var k = 0; k < n; k++) {
      var key = gridKey(Math.floor(xs[k] / 20), Math.floor(ys[k] / 20));
      var cell = grid.get(key);
      if (cell) cell.push(k); else grid.set(key, [k]);
    }
    return grid;
  }

  function drawCells(scale, ox, oy, size, boxes) {
    var cols = Math.ceil(size.x / CELL) + 1, rows = Math.ceil(size.y / CELL) + 1, cells = cols * rows;
    var nc = cfg.categories.length, perCat = nc <= 32 ? new Uint32Array(cells * nc) : null;
    var counts = new Uint32Array(cells), sx = new Float64Array(cells), sy = new Float64Array(cells);
    var k, i, x, y, c;
    for (k = 0; k < visible.length; k++) {
      i = visible[k];
      x = d.x[i] * scale - ox;
      y = d.y[i] * scale - oy;
      if (x < 0 || y < 0 || x >= size.x || y >= size.y) continue;
      c = ((y / CELL) | 0) * cols + ((x / CELL) | 0);
      counts[c]++;
      sx[c] += x;
      sy[c] += y;
      if (perCat) perCat[c * nc + d.cat[i]]++;
    }
    var list = [];
    ctx.font = "bold 10px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (c = 0; c < cells; c++) {
      var count = counts[c];
      if (!count) continue;
      var best = 0, color = "#555";
      if (perCat) {
        for (var j = 0; j < nc; j++) if (perCat[c * nc + j] > perCat[c * nc + best]) best = j;
        color = cfg.categories[best].color;
      }
      x = sx[c] / count;
      y = sy[c] / count;
      var r = Math.min(CELL / 2, 4 + 2.4 * Math.log(count + 1));
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.globalAlpha = 0.8;
      ctx.fillStyle = color;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 1;
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      if (r >= 9) {
        ctx.fillStyle = "#fff";
        ctx.fillText(count >= 1000 ? (count / 1000).toFixed(count >= 10000 ? 0 : 1) + "k" : String(count), x, y);
      }
      list.push({ x: x, y: y, r: r, count: count });
      boxes.push([x - r, y - r, x + r, y + r]);
    }
    drawn = { mode: "cells", cells: list };
    EM.state.mode = "cells";
  }

  /* ---- labels ------------------------------------------------------------- */

  function controlBoxes() {
    // The title box, legend, zoom buttons, scale and attribution: no label under them.
    var container = map.getContainer(), origin = container.getBoundingClientRect(), boxes = [];
    container.querySelectorAll(".leaflet-control, .em-title").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.width && r.height) boxes.push([r.left - origin.left - 3, r.top - origin.top - 3, r.right - origin.left + 3, r.bottom - origin.top + 3]);
    });
    return boxes;
  }

  function overlaps(box, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) return true;
    }
    return false;
  }

  function placeSiteLabels(scale, ox, oy, size, boxes) {
    ctx.font = "bold 12px sans-serif";
    var placed = [];
    var points = cfg.sites.map(function (s) {
      var lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, s.lat)), sn = Math.sin((lat * Math.PI) / 180);
      return [((s.lon + 180) / 360) * scale - ox, (0.5 - Math.log((1 + sn) / (1 - sn)) / (4 * Math.PI)) * scale - oy];
    });
    // Every site's own dot is an obstacle for every label.
    points.forEach(function (p) { boxes.push([p[0] - 4, p[1] - 4, p[0] + 4, p[1] + 4]); });
    cfg.sites.forEach(function (s, i) {
      var x = points[i][0], y = points[i][1];
      if (x < -50 || y < -20 || x > size.x + 50 || y > size.y + 20) return;
      var w = ctx.measureText(s.name).width, h = 14, gap = RADIUS + 4;
      // Try eight directions at growing distances; far labels get a leader line.
      for (var step = 0; step < 6; step++) {
        var r = gap + step * 12;
        var options = [
          [x + r, y - h / 2], [x - r - w, y - h / 2], [x - w / 2, y - r - h], [x - w / 2, y + r],
          [x + r * 0.7, y - r * 0.7 - h], [x - r * 0.7 - w, y + r * 0.7], [x + r * 0.7, y + r * 0.7], [x - r * 0.7 - w, y - r * 0.7 - h],
        ];
        for (var k = 0; k < options.length; k++) {
          var bx = [options[k][0] - 2, options[k][1], options[k][0] + w + 2, options[k][1] + h];
          if (!overlaps(bx, boxes)) {
            boxes.push(bx);
            placed.push({ name: s.name, x: x, y: y, tx: options[k][0], ty: options[k][1] + h / 2, w: w, leader: step > 0, active: siteActive(s) });
            return;
          }
        }
      }
      boxes.push([x + gap, y - h / 2, x + gap + w, y + h / 2]);
      placed.push({ name: s.name, x: x, y: y, tx: x + gap, ty: y, w: w, leader: false, active: siteActive(s) });
    });
    EM.state.siteLabels = placed.map(function (p) { return p.name; });
    EM.state.activeSites = placed.filter(function (p) { return p.active; }).map(function (p) { return p.name; });
    return placed;
  }

  function siteKey(lat, lon) {
    return Math.round(lat * 1e4) + ":" + Math.round(lon * 1e4);
  }

  function siteActive(site) {
    // Whether an event shown now is at this site (a site with none is drawn muted).
    return activeSites === null || activeSites.has(siteKey(site.lat, site.lon));
  }

  function drawSites(placed) {
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

  var RANK_BY_ZOOM = [3, 6, 12, 30, 70, 140, 400];

  function drawCountryLabels(scale, ox, oy, size, boxes) {
    var zoom = Math.round(map.getZoom());
    var limit = RANK_BY_ZOOM[Math.min(zoom, RANK_BY_ZOOM.length - 1)];
    ctx.font = "11px sans-serif";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    for (var k = 0; k < countryLabels.length; k++) {
      var c = countryLabels[k];
      if (c.rank >= limit) continue;
      var x = c.x * scale - ox, y = c.y * scale - oy;
      if (x < -100 || y < -20 || x > size.x + 100 || y > size.y + 20) continue;
      var w = ctx.measureText(c.name).width;
      var box = [x - w / 2 - 2, y - 7, x + w / 2 + 2, y + 7];
      if (overlaps(box, boxes)) continue;
      boxes.push(box);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.7)";
      ctx.strokeText(c.name, x - w / 2, y);
      ctx.fillStyle = "#6d6a60";
      ctx.fillText(c.name, x - w / 2, y);
    }
  }

  /* ---- pointer ------------------------------------------------------------ */

  function hit(point) {
    if (!drawn) return null;
    if (drawn.mode === "cells") {
      for (var c = 0; c < drawn.cells.length; c++) {
        var cell = drawn.cells[c];
        if (Math.hypot(cell.x - point.x, cell.y - point.y) <= cell.r + 2) return { cell: cell };
      }
      return null;
    }
    var gx = Math.floor(point.x / 20), gy = Math.floor(point.y / 20), best = -1, bestDist = HIT_RADIUS;
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        var list = drawn.grid.get(gridKey(gx + dx, gy + dy));
        if (!list) continue;
        for (var j = 0; j < list.length; j++) {
          var k = list[j], dist = Math.hypot(drawn.x[k] - point.x, drawn.y[k] - point.y);
          if (dist <= bestDist) { bestDist = dist; best = k; }
        }
      }
    }
    return best >= 0 ? { pos: drawn.pos[best], x: drawn.x[best], y: drawn.y[best] } : null;
  }

  function onMouseMove(e) {
    var h = hit(e.containerPoint);
    map.getContainer().style.cursor = h ? "pointer" : "";
    var pos = h && h.pos !== undefined ? h.pos : -1;
    if (pos === hoverPos) return;
    hoverPos = pos;
    if (pos < 0) { tooltip.remove(); return; }
    details(pos).then(function (info) {
      if (hoverPos !== pos) return;
      tooltip.setLatLng(map.containerPointToLatLng([h.x, h.y])).setContent(el("span", "", info.title));
      tooltip.addTo(map);
    });
  }

  function onClick(e) {
    var h = hit(e.containerPoint);
    if (!h) {
      EM.notify("mapClicked", { lat: e.latlng.lat, lon: L.Util.wrapNum(e.latlng.lng, [-180, 180], true) });
      return;
    }
    if (h.cell) {
      map.setView(map.containerPointToLatLng([h.cell.x, h.cell.y]), Math.min(map.getZoom() + 2, map.getMaxZoom()));
      return;
    }
    select(h.pos, false);
    EM.notify("selected", { index: d.index[h.pos] });
  }

  function select(pos, fly) {
    selected = pos;
    if (pos < 0) { map.closePopup(); requestFrame(); return; }
    if (fly) {
      var target = L.latLng(d.lat[pos], d.lon[pos]);
      var zoom = Math.max(map.getZoom(), 6);
      map.once("moveend", function () { openPopup(pos); requestFrame(); });
      map.flyTo(target, zoom, { duration: 0.5 });
    } else {
      openPopup(pos);
    }
    requestFrame();
  }

  /* ---- the controls drawn in the page ------------------------------------ */

  function addTitle() {
    var box = el("div", "em-title leaflet-control");
    titleBox = el("div", "em-title-text", cfg.title);
    windowBox = el("span", "em-window", cfg.windowLabel || "");
    countBox = el("span", "em-count", "");
    var line = el("div", "em-title-sub");
    line.appendChild(windowBox);
    line.appendChild(countBox);
    box.appendChild(titleBox);
    box.appendChild(line);
    if (!cfg.showTitle) box.style.display = "none";
    L.DomEvent.disableClickPropagation(box);
    map.getContainer().appendChild(box);
  }

  function updateCount() {
    if (!countBox) return;
    var total = d ? d.n : 0;
    countBox.textContent = " · " + EM.state.shown.toLocaleString("en-US") + " of " + total.toLocaleString("en-US") + (total === 1 ? " event" : " events");
  }

  function addLegend() {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = el("div", "em-legend");
      box.appendChild(el("div", "em-legend-title", "Category"));
      cfg.categories.forEach(function (c, i) {
        var row = el("div", "em-legend-row");
        var sw = el("span", "em-swatch");
        sw.style.background = c.color;
        row.appendChild(sw);
        row.appendChild(el("span", "", c.name));
        row.dataset.index = String(i);
        if (!catOn[i]) row.classList.add("em-off");
        box.appendChild(row);
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    if (cfg.showLegend) legend.addTo(map);
    EM.legend = legend;
  }

  function refreshLegend() {
    var box = EM.legend.getContainer();
    if (!box) return;
    box.querySelectorAll(".em-legend-row").forEach(function (row) {
      row.classList.toggle("em-off", !catOn[Number(row.dataset.index)]);
    });
  }

  function fitPadding(options) {
    // Keep the events clear of the title box (top) and the legend (bottom right).
    var size = map.getSize(), small = size.x < 500 || size.y < 350;
    options.paddingTopLeft = small ? [10, 10] : [30, cfg.showTitle ? 75 : 20];
    options.paddingBottomRight = small ? [10, 10] : [cfg.showLegend ? 130 : 30, 30];
    return options;
  }

  /* ---- calls from the host ------------------------------------------------ */

  EM.handlers.setWindow = function (p) {
    win = { lo: num(p.lo, -Infinity), hi: num(p.hi, Infinity) };
    if (p.cumulative !== undefined) cumulative = !!p.cumulative;
    trailLo = p.trailLo === undefined || p.trailLo === null ? null : p.trailLo;
    trailSteps = p.trailSteps || 0;
    if (p.label !== undefined && windowBox) windowBox.textContent = p.label;
    var t0 = performance.now();
    filter();
    EM.state.filterMs = performance.now() - t0;
    requestFrame(p.seq);
  };

  EM.handlers.setCategories = function (p) {
    var hidden = new Set(p.hidden || []);
    catOn = cfg.categories.map(function (_, i) { return !hidden.has(i); });
    refreshLegend();
    filter();
    requestFrame(p.seq);
  };

  EM.handlers.setSearch = function (p) {
    // p.indices: dataset positions matching the search, or null for no search.
    if (p.indices === null || p.indices === undefined) searchMask = null;
    else {
      searchMask = new Uint8Array(d.n);
      for (var i = 0; i < p.indices.length; i++) searchMask[p.indices[i]] = 1;
    }
    filter();
    requestFrame(p.seq);
  };

  EM.handlers.select = function (p) {
    var pos = p.index === null || p.index === undefined || p.index < 0 ? -1 : d.posOf[p.index];
    select(pos, p.fly !== false && pos >= 0);
  };

  EM.handlers.fitAll = function (p) {
    map.fitBounds(cfg.fit, fitPadding({}));
    requestFrame(p.seq);
  };

  EM.handlers.setView = function (p) {
    map.setView([p.lat, p.lon], p.zoom, { animate: false });
    requestFrame(p.seq);
  };

  EM.handlers.setTitle = function (p) {
    titleBox.textContent = p.title;
    titleBox.parentNode.style.display = p.show === false ? "none" : "";
    requestFrame(p.seq);
  };

  EM.handlers.setLegend = function (p) {
    if (p.show) EM.legend.addTo(map); else EM.legend.remove();
    requestFrame(p.seq);
  };

  EM.handlers.repaint = function (p) {
    requestFrame(p.seq);
  };

  EM.handlers.getState = function () {
    var c = map.getCenter(), b = map.getBounds();
    var shown = [];
    if (visible.length <= 5000) for (var k = 0; k < visible.length; k++) shown.push(d.index[visible[k]]);
    return JSON.stringify({
      ready: EM.state.ready, painted: EM.state.painted, mode: EM.state.mode,
      shown: EM.state.shown, inView: EM.state.inView, visible: shown.sort(function (a, b) { return a - b; }),
      center: [c.lat, c.lng], zoom: map.getZoom(),
      bounds: [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]],
      size: [map.getSize().x, map.getSize().y],
      siteLabels: EM.state.siteLabels, activeSites: EM.state.activeSites, selected: selected >= 0 ? d.index[selected] : null,
      popup: EM.state.popup || null, title: titleBox ? titleBox.textContent : "",
      windowLabel: windowBox ? windowBox.textContent : "",
      count: countBox ? countBox.textContent : "",
    });
  };

  // Where an event is drawn, in container pixels (tests click there).
  EM.handlers.markerPoint = function (p) {
    var pos = d.posOf[p.index];
    if (drawn && drawn.mode === "points") {
      for (var k = 0; k < drawn.n; k++) if (drawn.pos[k] === pos) return JSON.stringify([drawn.x[k], drawn.y[k]]);
    }
    return JSON.stringify(null);
  };

  /* ---- start ---------------------------------------------------------------- */

  function load(source, binary) {
    if (source.data) return Promise.resolve(source.data);
    return fetch(source.url).then(function (r) {
      if (!r.ok) throw new Error("could not load " + source.url + " (" + r.status + ")");
      return binary ? r.arrayBuffer() : r.json();
    });
  }

  function addBasemap(geojson) {
    basemapLayer = L.geoJSON(geojson, {
      interactive: false,
      renderer: L.canvas({ padding: 0.3 }),
      smoothFactor: 0.8,
      style: { color: "#8c8c8c", weight: 0.7, fillColor: "#f4f1e8", fillOpacity: 1, opacity: 1 },
    }).addTo(map);
    countryLabels = [];
    (geojson.features || []).forEach(function (f) {
      var p = f.properties || {};
      if (!p.label || !p.name) return;
      var lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, p.label[1])), sn = Math.sin((lat * Math.PI) / 180);
      countryLabels.push({
        name: String(p.name), rank: p.area_rank === undefined ? 999 : p.area_rank,
        x: (p.label[0] + 180) / 360, y: 0.5 - Math.log((1 + sn) / (1 - sn)) / (4 * Math.PI),
      });
    });
    countryLabels.sort(function (a, b) { return a.rank - b.rank; });
  }

  function addTiles(t) {
    var layer = L.tileLayer(t.url, { attribution: t.attribution, maxZoom: t.maxZoom, subdomains: t.subdomains });
    var loaded = 0, failed = 0, reported = false;
    layer.on("tileload", function () { loaded++; });
    layer.on("tileerror", function () {
      failed++;
      if (!reported && loaded === 0 && failed >= 3) {
        reported = true;
        map.removeLayer(layer);
        EM.notify("tilesFailed", { name: t.name });
      }
    });
    layer.addTo(map);
  }

  EM.start = function (leafletMap, config) {
    map = leafletMap;
    cfg = config;
    win = { lo: num(cfg.window.lo, -Infinity), hi: num(cfg.window.hi, Infinity) };
    cumulative = !!cfg.cumulative;
    var hidden = new Set(cfg.hidden || []);
    catOn = cfg.categories.map(function (_, i) { return !hidden.has(i); });
    // Quarter steps let the first view fit the events snugly (everything is vector).
    map.options.zoomSnap = cfg.zoomSnap !== undefined ? cfg.zoomSnap : 0.25;
    map.getContainer().style.visibility = "hidden";
    if (cfg.zoomControl === false && map.zoomControl) map.zoomControl.remove();
    map.getContainer().style.background = cfg.sea;
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Basemap: Natural Earth");
    if (cfg.view) map.setView([cfg.view[0], cfg.view[1]], cfg.view[2], { animate: false });
    else map.fitBounds(cfg.fit, fitPadding({ animate: false }));

    var pane = map.createPane("eventmapEvents");
    pane.style.zIndex = 450;
    pane.style.pointerEvents = "none";
    canvas = L.DomUtil.create("canvas", "em-canvas", pane);
    ctx = canvas.getContext("2d");
    tooltip = L.tooltip({ direction: "top", offset: [0, -8], className: "em-tooltip" });
    addTitle();
    if (cfg.frameStamp) {
      stampBox = el("div", "em-stamp");
      stampBox.style.cssText = "position:absolute;left:0;top:0;width:4px;height:4px;z-index:10000;pointer-events:none";
      map.getContainer().appendChild(stampBox);
    }

    map.on("move", function () { requestFrame(); });
    map.on("zoomanim", function () { canvas.style.visibility = "hidden"; });
    map.on("zoomend", function () { canvas.style.visibility = ""; requestFrame(); });
    map.on("resize", function () { requestFrame(); });
    map.on("mousemove", onMouseMove);
    map.on("mouseout", function () { hoverPos = -1; tooltip.remove(); });
    map.on("click", onClick);
    map.on("popupclose", function () { EM.state.popup = null; });

    Promise.all([load(cfg.basemap, false), load(cfg.events, cfg.mode === "app")])
      .then(function (loaded) {
        addBasemap(loaded[0]);
        if (cfg.tiles) addTiles(cfg.tiles);
        d = prepare(cfg.mode === "app" ? fromBinary(loaded[1]) : fromJson(loaded[1]));
        if (cfg.search) EM.handlers.setSearch({ indices: cfg.search });
        addLegend();
        filter();
        EM.state.ready = true;
        EM.notify("ready", { n: d.n });
        requestFrame(0);
      })
      .catch(function (err) {
        EM.notify("error", { message: String(err && err.message ? err.message : err) });
      });
  };
})();
