/* eventmap page: the host API (what bridge.js and a static page call), and
 * the glue between Leaflet, the data (core.js), drawing (draw.js), labels
 * (labels.js) and the reference layers (layers.js).
 *
 * A change from the host (setWindow, setCategories, setSearch, ...) filters
 * the events near the window through the interval index and redraws the one
 * events canvas; it never rebuilds the page.
 *
 * Dataset text reaches the page only through textContent: never as markup.
 * The only file that talks to Qt is bridge.js; it listens to eventmap.notify
 * and forwards Python's calls to eventmap.call.
 */
(function (root) {
  "use strict";

  var Core = root.EventmapCore, Draw = root.EventmapDraw, Labels = root.EventmapLabels, Layers = root.EventmapLayers;
  var Measure = root.EventmapMeasure.Measure;
  var INDIVIDUAL_LIMIT = 15000; // more events than this in view: aggregate into cells
  var UNSURE_ALPHA = 0.45; // markers of events whose date or place is approximate, uncertain or inferred
  var LEGEND_ROWS = 12; // categories listed at most; the rest are counted
  var HIT_RADIUS = 9;
  var num = Core.num;

  var EM = {
    handlers: {},
    listeners: [],
    state: { painted: 0, ready: false, mode: "", shown: 0, inView: 0 },
  };
  root.eventmap = EM;

  var map, cfg, d, canvas, ctx, layers = new Layers.ReferenceLayers(), referenceOn = false;
  var catOn = [], catShown = new Uint32Array(0), searchMask = null, visible = new Uint32Array(0), legendKey = "";
  var win = { lo: -Infinity, hi: Infinity }, cumulative = false, trailLo = null, trailSteps = 0;
  var stampBox = null; // animation frames: a corner block whose colour names the change drawn
  var selected = -1, selectedShown = false, hoverPos = -1, paintSeq = 0, framePending = false, paintPending = [];
  var popup = null, popupPos = -1, measure = null;
  var drawn = null; // what the last frame drew, for hit testing
  var detailsCache = new Map(), detailsWaiting = new Map();
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

  /* ---- which events are shown --------------------------------------------- */

  function passes(i) {
    // Counts what it lets through by category, for the legend.
    var c = d.cat[i];
    if (catOn[c] && (searchMask === null || searchMask[d.index[i]] === 1)) {
      catShown[c]++;
      if (i === selected) selectedShown = true;
      return true;
    }
    return false;
  }

  function filter() {
    var lo = cumulative ? -Infinity : trailLo !== null ? Math.min(trailLo, win.lo) : win.lo;
    catShown.fill(0);
    selectedShown = false;
    var m = Core.queryIntervals(d.intervals, lo, win.hi, d.lo, d.hi, passes, d.buffer);
    visible = d.buffer.subarray(0, m);
    activeSites = null;
    if (cfg.sites.length && m <= 50000) {
      activeSites = new Set();
      for (var j = 0; j < m; j++) activeSites.add(siteKey(d.lat[visible[j]], d.lon[visible[j]]));
    }
    var inWindow = m;
    if (trailLo !== null && !cumulative) for (j = 0, inWindow = 0; j < m; j++) if (d.hi[visible[j]] > win.lo) inWindow++;
    EM.state.shown = inWindow; // events of the trail fade out and are not counted
    updateCount();
    refreshLegend();
    // The hovered marker may be filtered out: its tooltip goes (the next mouse move brings it back).
    if (hoverPos >= 0) { hoverPos = -1; tooltip.remove(); }
    // A popup is open only while its event is shown.
    if (popup && !isShown(popupPos)) closePopup();
  }

  function isShown(pos) {
    // Whether the event at sorted position pos passes the filters now (it is drawn when in view).
    return pos >= 0 && (pos === selected ? selectedShown : visibleHas(pos));
  }

  function visibleHas(pos) {
    for (var k = 0; k < visible.length; k++) if (visible[k] === pos) return true;
    return false;
  }

  function siteKey(lat, lon) {
    return Math.round(lat * 1e4) + ":" + Math.round(lon * 1e4);
  }

  function siteActive(site) {
    // Whether an event shown now is at this site (a site with none is drawn muted).
    return activeSites === null || activeSites.has(siteKey(site.lat, site.lon));
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
    if (info.sources && info.sources.length > 1) {
      // Several reports of one event: each on its own line, and where they disagree.
      var list = el("div", "em-popup-source", "Sources:");
      info.sources.forEach(function (line) { list.appendChild(el("div", "em-popup-source-item", line)); });
      box.appendChild(list);
      (info.conflicts || []).forEach(function (line) { box.appendChild(el("div", "em-popup-conflict", "⚠ " + line)); });
    } else if (info.source) box.appendChild(el("div", "em-popup-source", "Source: " + info.source));
    if (info.date_basis) box.appendChild(el("div", "em-popup-source", "Dated: " + info.date_basis));
    if (info.url) { // only http(s) links arrive: eventmap.geo.links.is_http_link decides, in Python
      var a = el("a", "em-popup-link", "Open source link");
      a.href = info.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer nofollow";
      box.appendChild(a);
    }
    if (info.more && info.more.length) box.appendChild(moreTable(info.more));
    return box;
  }

  function moreTable(rows) {
    // The event's other properties ([name, value] text pairs), compact.
    var more = el("div", "em-popup-more");
    more.appendChild(el("div", "em-popup-more-title", "More"));
    var table = el("table", "em-more-table");
    rows.forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", "", row[0]));
      tr.appendChild(el("td", "", row[1]));
      table.appendChild(tr);
    });
    more.appendChild(table);
    return more;
  }

  function openPopup(pos) {
    // Never for an event the filters hide (its marker is not drawn).
    if (!isShown(pos)) return;
    details(pos).then(function (info) {
      if (selected !== pos || !isShown(pos)) return;
      var room = popupRoom();
      popup = L.popup({
        maxWidth: 340, maxHeight: room.maxHeight, offset: [0, -4],
        autoPanPaddingTopLeft: room.topLeft, autoPanPaddingBottomRight: room.bottomRight,
      })
        .setLatLng(shownPosition(pos))
        .setContent(popupContent(info))
        .openOn(map);
      popupPos = pos;
      EM.state.popup = { index: d.index[pos], title: info.title };
      EM.notify("popupOpened", { index: d.index[pos] });
    });
  }

  function closePopup() {
    if (popup) map.closePopup(popup);
    popup = null;
    popupPos = -1;
    EM.state.popup = null;
  }

  function popupRoom() {
    // Where a popup may be, clear of the title card (top), the legend, scale
    // and attribution (bottom) and the edges: Leaflet pans it inside.
    var container = map.getContainer(), origin = container.getBoundingClientRect(), size = map.getSize();
    var top = 10, bottom = 10;
    container.querySelectorAll(".em-title, .leaflet-top .leaflet-control").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.width && r.height && r.top - origin.top < size.y / 3) top = Math.max(top, r.bottom - origin.top + 8);
    });
    container.querySelectorAll(".leaflet-bottom .leaflet-control").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.width && r.height && origin.bottom - r.bottom < size.y / 3) bottom = Math.max(bottom, origin.bottom - r.top + 8);
    });
    // The popup's tip sits on the marker; it needs its own height above that.
    return { topLeft: [10, top], bottomRight: [10, bottom], maxHeight: Math.max(100, size.y - top - bottom - 40) };
  }

  function drawnPoint(pos) {
    // Where the marker of sorted position `pos` was drawn, in container pixels, or null.
    if (drawn && drawn.mode === "points") {
      for (var k = 0; k < drawn.n; k++) if (drawn.pos[k] === pos) return [drawn.x[k], drawn.y[k]];
    }
    return null;
  }

  function shownPosition(pos) {
    // Where the marker was drawn (co-located events are spread on a ring).
    var p = drawnPoint(pos);
    return p ? map.containerPointToLatLng(p) : L.latLng(d.lat[pos], d.lon[pos]);
  }

  /* ---- frames --------------------------------------------------------------- */

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
    if (stampBox) stampBox.style.background = Draw.stampColor(ack);
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

    var origin = map.getPixelOrigin();
    var view = {
      scale: 256 * Math.pow(2, map.getZoom()), ox: origin.x + topLeft.x, oy: origin.y + topLeft.y,
      size: size, zoom: map.getZoom(), ratio: ratio,
    };
    var boxes = controlBoxes();

    // Which visible events fall in the view (with a margin for marker size).
    var m = 12, n = visible.length, xs = new Float32Array(Math.min(n, INDIVIDUAL_LIMIT + 1));
    var ys = new Float32Array(xs.length), ps = new Uint32Array(xs.length), count = 0, i, k, x, y;
    for (k = 0; k < n; k++) {
      i = visible[k];
      x = d.x[i] * view.scale - view.ox;
      y = d.y[i] * view.scale - view.oy;
      if (x < -m || y < -m || x > size.x + m || y > size.y + m) continue;
      if (count < xs.length) { xs[count] = x; ys[count] = y; ps[count] = i; }
      count++;
    }
    EM.state.inView = count;
    // Markers first; site labels avoid them; reference labels avoid both.
    if (count > INDIVIDUAL_LIMIT) drawCells(view, boxes);
    else drawPoints(xs, ys, ps, count, boxes);
    var sites = placeSites(view, boxes);
    // Reference labels (countries, seas, places, divisions) take what is left.
    if (referenceOn) {
      EMReference.drawLines(view.scale, view.ox, view.oy, size, topLeft);
      EMReference.placeLabels(view.scale, view.ox, view.oy, size, boxes, topLeft);
    } else {
      layers.drawLabels(ctx, view, boxes);
    }
    Draw.drawSites(ctx, sites);
    if (!revealed && d) {
      // The map stays hidden until its first complete frame, so no picture
      // of the page ever shows the basemap without its events.
      revealed = true;
      map.getContainer().style.visibility = "";
    }
  }

  function colors() {
    return cfg.categories.map(function (c) { return c.color; });
  }

  function drawPoints(xs, ys, ps, n, boxes) {
    var groups = Draw.fanOut(xs, ys, n, Draw.RADIUS), R = Draw.RADIUS;
    if (groups) {
      Draw.drawLeaders(ctx, groups, xs, ys);
      groups.forEach(function (g) {
        if (g.r) boxes.push([g.x - g.r - R, g.y - g.r - R, g.x + g.r + R, g.y + g.r + R]);
        else boxes.push([xs[g.members[0]] - R, ys[g.members[0]] - R, xs[g.members[0]] + R, ys[g.members[0]] + R]);
      });
    }
    var trail = trailLo !== null && !cumulative, dim = d.dim;
    var alpha = trail || dim ? function (i) {
      // A fading trail (animations), and lighter markers for dates or places the data is not sure of.
      return (trail ? Draw.trailAlpha(d.hi[i], win.lo, trailLo, trailSteps) : 1) * (dim && dim[i] ? UNSURE_ALPHA : 1);
    } : null;
    Draw.drawMarkers(ctx, xs, ys, ps, n, d.cat, colors(), window.devicePixelRatio || 1, alpha);
    var grid = new Core.Grid(20);
    for (var k = 0; k < n; k++) {
      grid.add(xs[k], ys[k], k);
      if (ps[k] === selected) Draw.drawSelection(ctx, xs[k], ys[k]);
    }
    drawn = { mode: "points", n: n, x: xs, y: ys, pos: ps, grid: grid };
    EM.state.mode = "points";
  }

  function drawCells(view, boxes) {
    var cells = Draw.binCells(visible, d.x, d.y, d.cat, view.scale, view.ox, view.oy, view.size, cfg.categories.length);
    Draw.drawCells(ctx, cells, colors());
    cells.forEach(function (c) { boxes.push([c.x - c.r, c.y - c.r, c.x + c.r, c.y + c.r]); });
    drawn = { mode: "cells", cells: cells };
    EM.state.mode = "cells";
  }

  function placeSites(view, boxes) {
    ctx.font = "bold 12px sans-serif";
    var sites = cfg.sites.map(function (s) {
      return { name: s.name, x: Core.mercatorX(s.lon) * view.scale - view.ox, y: Core.mercatorY(s.lat) * view.scale - view.oy, active: siteActive(s) };
    });
    var placed = Labels.placeSiteLabels(sites, function (text) { return ctx.measureText(text).width; }, view.size, boxes, Draw.RADIUS + 4);
    EM.state.siteLabels = placed.map(function (p) { return p.name; });
    EM.state.siteBoxes = placed.map(function (p) { return p.box; });
    EM.state.activeSites = placed.filter(function (p) { return p.active; }).map(function (p) { return p.name; });
    return placed;
  }

  function controlBoxes() {
    // The title box, legend, zoom buttons, scale and attribution: no label under them.
    var container = map.getContainer(), origin = container.getBoundingClientRect(), boxes = [];
    container.querySelectorAll(".leaflet-control, .em-title").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.width && r.height) boxes.push([r.left - origin.left - 3, r.top - origin.top - 3, r.right - origin.left + 3, r.bottom - origin.top + 3]);
    });
    return boxes;
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
    var best = Core.nearestPoint(drawn.grid, drawn.x, drawn.y, point.x, point.y, HIT_RADIUS);
    return best >= 0 ? { pos: drawn.pos[best], x: drawn.x[best], y: drawn.y[best] } : null;
  }

  // The pointer's position for the status bar, at most once per frame.
  var pointerAt = null;
  function notePointer(latlng) {
    var first = pointerAt === null;
    pointerAt = latlng;
    if (!first) return;
    requestAnimationFrame(function () {
      var p = pointerAt;
      pointerAt = null;
      if (p) EM.notify("pointer", { lat: p.lat, lon: L.Util.wrapNum(p.lng, [-180, 180], true) });
    });
  }

  function onMouseMove(e) {
    notePointer(e.latlng);
    if (measure.rulerOn) { measure.move(e.latlng); return; }
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
    if (measure.rulerOn) {
      var metres = measure.click(e.latlng);
      if (metres !== null) EM.notify("measured", { metres: metres });
      return;
    }
    var h = hit(e.containerPoint);
    if (!h) {
      EM.notify("mapClicked", { lat: e.latlng.lat, lon: L.Util.wrapNum(e.latlng.lng, [-180, 180], true) });
      return;
    }
    if (h.cell) {
      map.setView(map.containerPointToLatLng([h.cell.x, h.cell.y]), Math.min(map.getZoom() + 2, map.getMaxZoom()));
      return;
    }
    // In the app the page only reports the click: Python's model selects, and the page follows.
    if (cfg.mode !== "app") select(h.pos, false);
    EM.notify("selected", { index: d.index[h.pos] });
  }

  function viewReport() {
    var c = map.getCenter(), b = map.getBounds();
    return {
      center: [c.lat, c.lng], zoom: map.getZoom(),
      bounds: [[b.getSouth(), b.getWest()], [b.getNorth(), b.getEast()]],
      size: [map.getSize().x, map.getSize().y],
    };
  }

  var viewTimer = null;
  function reportView() {
    // Debounced: one report when a pan or zoom has settled, not one per animation frame.
    clearTimeout(viewTimer);
    viewTimer = setTimeout(function () { EM.notify("viewChanged", viewReport()); }, 120);
  }

  function select(pos, fly) {
    selected = pos;
    selectedShown = pos >= 0 && visibleHas(pos);
    if (popup && popupPos !== pos) closePopup();
    if (pos < 0 || !selectedShown) { requestFrame(); return; }
    if (fly) {
      var target = L.latLng(d.lat[pos], d.lon[pos]);
      var zoom = Math.max(map.getZoom(), 6);
      map.stop();
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
      L.DomEvent.disableClickPropagation(box);
      legendKey = "";
      fillLegend(box);
      return box;
    };
    EM.legend = legend;
    if (cfg.showLegend) legend.addTo(map);
  }

  function fillLegend(box) {
    // The categories of the events shown (all of them with cfg.legendAll),
    // rebuilt only when that list changes: a slider move rarely touches it.
    var listed = Core.legendRows(catShown, catOn, !!cfg.legendAll, LEGEND_ROWS);
    var key = listed.rows.map(function (r) { return r.cat + (r.off ? "-" : ""); }).join(",") + "+" + listed.more;
    if (key === legendKey) return;
    legendKey = key;
    box.textContent = "";
    box.appendChild(el("div", "em-legend-title", "Category"));
    listed.rows.forEach(function (r) {
      var c = cfg.categories[r.cat], row = el("div", "em-legend-row");
      var sw = el("span", "em-swatch");
      sw.style.background = c.color;
      row.appendChild(sw);
      row.appendChild(el("span", "", c.name));
      row.dataset.index = String(r.cat);
      if (r.off) row.classList.add("em-off");
      box.appendChild(row);
    });
    if (listed.more) box.appendChild(el("div", "em-legend-more", "and " + listed.more.toLocaleString("en-US") + " more"));
    if (!listed.rows.length) box.appendChild(el("div", "em-legend-more", "no events shown"));
    EM.state.legend = listed.rows.map(function (r) { return cfg.categories[r.cat].name; });
  }

  function refreshLegend() {
    var box = EM.legend && EM.legend.getContainer();
    if (box && box.parentNode) fillLegend(box);
  }

  function fitPadding(options) {
    // Keep the events clear of the title box (top) and the legend (bottom right).
    var size = map.getSize(), small = size.x < 500 || size.y < 350;
    // cfg.fitTop: more room at the top (an animation's date in large type).
    options.paddingTopLeft = small ? [10, Math.max(10, cfg.fitTop || 0)] : [30, Math.max(cfg.showTitle ? 75 : 20, cfg.fitTop || 0)];
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

  EM.handlers.fitBounds = function (p) {
    // A story stop's view: [[south, west], [north, east]], flown to or set at once.
    var b = L.latLngBounds(p.bounds);
    if (p.animate) {
      // Stop any pan in progress first (a popup's autopan): its end would
      // otherwise count as the end of this flight.
      map.stop();
      map.once("moveend", function () { requestFrame(p.seq); });
      map.flyToBounds(b, { duration: 0.8 });
    } else {
      map.fitBounds(b, { animate: false });
      requestFrame(p.seq);
    }
  };

  EM.handlers.flyTo = function (p) {
    // A place from the gazetteer: fly there, and report the frame once arrived.
    map.stop();
    map.once("moveend", function () { requestFrame(p.seq); });
    map.flyTo([p.lat, p.lon], p.zoom, { duration: p.duration === undefined ? 0.8 : p.duration });
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
    if (p.show) { legendKey = ""; EM.legend.addTo(map); } else EM.legend.remove();
    requestFrame(p.seq);
  };

  EM.handlers.repaint = function (p) {
    requestFrame(p.seq);
  };

  EM.handlers.setLink = function (p) {
    // p.indices: two dataset positions to join with their geodesic (or null), p.label its text.
    var ends = null;
    if (p.indices && p.indices.length === 2 && p.indices.every(function (i) { return i >= 0 && i < d.n; })) {
      ends = p.indices.map(function (i) { var pos = d.posOf[i]; return [d.lat[pos], d.lon[pos]]; });
    }
    measure.setLink(ends, p.label || "");
    requestFrame(p.seq);
  };

  EM.handlers.setRuler = function (p) {
    measure.setRuler(!!p.on);
    requestFrame(p.seq);
  };

  EM.handlers.getState = function () {
    var v = viewReport();
    var shown = [];
    if (visible.length <= 5000) for (var k = 0; k < visible.length; k++) shown.push(d.index[visible[k]]);
    return JSON.stringify({
      ready: EM.state.ready, painted: EM.state.painted, mode: EM.state.mode,
      shown: EM.state.shown, inView: EM.state.inView, visible: shown.sort(function (a, b) { return a - b; }),
      center: v.center, zoom: v.zoom, bounds: v.bounds, size: v.size,
      siteLabels: EM.state.siteLabels, activeSites: EM.state.activeSites, siteBoxes: EM.state.siteBoxes,
      referenceLabels: referenceOn ? EMReference.state.placed : null,
      referenceMs: referenceOn ? { add: EMReference.state.addMs, lines: EMReference.state.linesMs, labels: EMReference.state.labelMs } : null,
      localTiles: layers.localTiles || null,
      selected: selected >= 0 ? d.index[selected] : null,
      popup: EM.state.popup || null, title: titleBox ? titleBox.textContent : "", legend: EM.state.legend || [],
      ruler: measure.state(),
      windowLabel: windowBox ? windowBox.textContent : "",
      count: countBox ? countBox.textContent : "",
    });
  };

  EM.leafletMap = function () {
    return map;
  };

  EM.markerPoint = function (index) {
    // Where the event at dataset position `index` is drawn now, in container pixels, or null.
    return d && index >= 0 && index < d.n ? drawnPoint(d.posOf[index]) : null;
  };

  /* ---- start ---------------------------------------------------------------- */

  function load(source, binary) {
    if (source.data) return Promise.resolve(source.data);
    return fetch(source.url).then(function (r) {
      if (!r.ok) throw new Error("could not load " + source.url + " (" + r.status + ")");
      return binary ? r.arrayBuffer() : r.json();
    });
  }

  // What the interactive controls (controls.js) read: they drive the page through EM.call like the app.
  EM.config = function () { return cfg; };
  EM.data = function () { return d; };
  EM.shownPositions = function () { return visible; };
  EM.leafletMap = function () { return map; };

  EM.start = function (leafletMap, config) {
    map = leafletMap;
    cfg = config;
    if (cfg.interactive) {
      // Room for the time bar below and the panel on the right (controls.js draws them).
      var box = map.getContainer().style;
      box.position = "absolute";
      box.left = box.top = "0";
      box.width = "calc(100% - 330px)";
      box.height = "calc(100% - 118px)";
      map.invalidateSize(false);
    }
    win = { lo: num(cfg.window.lo, -Infinity), hi: num(cfg.window.hi, Infinity) };
    cumulative = !!cfg.cumulative;
    var hidden = new Set(cfg.hidden || []);
    catOn = cfg.categories.map(function (_, i) { return !hidden.has(i); });
    catShown = new Uint32Array(cfg.categories.length);
    // Quarter steps let the first view fit the events snugly (everything is vector).
    map.options.zoomSnap = cfg.zoomSnap !== undefined ? cfg.zoomSnap : 0.25;
    map.getContainer().style.visibility = "hidden";
    if (cfg.zoomControl === false && map.zoomControl) map.zoomControl.remove();
    map.getContainer().style.background = cfg.sea;
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Basemap: Natural Earth");
    if (cfg.attribution) map.attributionControl.addAttribution(cfg.attribution);
    if (cfg.view) map.setView([cfg.view[0], cfg.view[1]], cfg.view[2], { animate: false });
    else map.fitBounds(cfg.fit, fitPadding({ animate: false }));

    var pane = map.createPane("eventmapEvents");
    pane.style.zIndex = 450;
    pane.style.pointerEvents = "none";
    canvas = L.DomUtil.create("canvas", "em-canvas", pane);
    ctx = canvas.getContext("2d");
    tooltip = L.tooltip({ direction: "top", offset: [0, -8], className: "em-tooltip" });
    addTitle();
    measure = new Measure(map);
    if (cfg.zoomControl !== false) measure.addButton();
    if (cfg.frameStamp) {
      stampBox = document.createElement("div");
      stampBox.className = "em-stamp";
      stampBox.style.cssText = "position:absolute;left:0;top:0;width:4px;height:4px;z-index:10000;pointer-events:none";
      map.getContainer().appendChild(stampBox);
    }

    map.on("move", function () { requestFrame(); });
    map.on("zoomanim", function () { canvas.style.visibility = "hidden"; if (referenceOn) EMReference.setVisible(false); });
    map.on("zoomend", function () { canvas.style.visibility = ""; if (referenceOn) EMReference.setVisible(true); requestFrame(); });
    map.on("resize", function () { requestFrame(); });
    map.on("mousemove", onMouseMove);
    map.on("mouseout", function () { hoverPos = -1; tooltip.remove(); pointerAt = null; EM.notify("pointer", null); });
    map.on("click", onClick);
    map.on("moveend", reportView);
    map.on("resize", reportView);
    map.on("popupclose", function (e) {
      if (e.popup === popup) { popup = null; popupPos = -1; }
      EM.state.popup = null;
    });

    var reference = cfg.reference && window.EMReference ? load(cfg.reference, false) : Promise.resolve(null);
    Promise.all([load(cfg.basemap, false), load(cfg.events, cfg.mode === "app"), reference])
      .then(function (loaded) {
        layers.addBasemap(map, loaded[0], !loaded[2]);
        if (loaded[2]) {
          EMReference.add(map, loaded[2], loaded[0], { sea: cfg.sea });
          referenceOn = true;
        }
        var tilesDrawn = cfg.localTiles ? layers.addLocalTiles(map, cfg.localTiles) : null;
        if (cfg.tiles) layers.addTiles(map, cfg.tiles, function (name) { EM.notify("tilesFailed", { name: name }); });
        d = Core.prepare(cfg.mode === "app" ? Core.fromBinary(loaded[1]) : Core.fromJson(loaded[1]));
        if (cfg.search) EM.handlers.setSearch({ indices: cfg.search });
        filter();
        addLegend();
        // A user's tile file is local: the first frame waits for its tiles, so a picture has them.
        return (tilesDrawn || Promise.resolve()).then(function () {
          EM.state.ready = true;
          EM.notify("ready", { n: d.n });
          EM.notify("viewChanged", viewReport());
          requestFrame(0);
        });
      })
      .catch(function (err) {
        EM.notify("error", { message: String(err && err.message ? err.message : err) });
      });
  };
})(window);
