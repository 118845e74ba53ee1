/* eventmap page: the controls of an interactive page (an export anyone opens in a browser).
 *
 * In the app, Qt draws the time slider, the year filter, the filters, the event
 * list and the story panel, and sends changes through the bridge. In an
 * interactive export the same page script runs with no host, and this module
 * draws those controls in the page. They drive the page through the same host
 * API the app calls (eventmap.call: setWindow, setCategories, setSearch,
 * select, fitBounds), so there is one map code path.
 *
 * Every text from the dataset goes into the DOM as textContent, never markup.
 */
(function (root) {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var UNITS = ["all", "year", "month", "day"];
  var LIST_LIMIT = 300;

  /* ---- pure helpers (unit-tested with node --test) ------------------------ */

  function floorTo(unit, ms) {
    var t = new Date(ms);
    if (unit === "year") return Date.UTC(t.getUTCFullYear(), 0, 1);
    if (unit === "month") return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1);
    return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  }

  function addUnits(unit, ms, count) {
    var t = new Date(ms);
    if (unit === "year") return Date.UTC(t.getUTCFullYear() + count, 0, 1);
    if (unit === "month") return Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + count, 1);
    return ms + count * 86400000;
  }

  /** The windows [lo, hi) of ``unit`` covering [first, last]: at most ``limit`` of them. */
  function periods(unit, first, last, limit) {
    var out = [], lo = floorTo(unit, first);
    while (lo <= last && out.length < (limit || 5000)) {
      var hi = addUnits(unit, lo, 1);
      out.push([lo, hi]);
      lo = hi;
    }
    return out;
  }

  function label(unit, lo, hi) {
    if (unit === "all" || !isFinite(lo) || !isFinite(hi)) return "All time";
    var t = new Date(lo);
    if (unit === "year") return String(t.getUTCFullYear());
    if (unit === "month") return MONTHS[t.getUTCMonth()] + " " + t.getUTCFullYear();
    return t.getUTCDate() + " " + MONTHS[t.getUTCMonth()] + " " + t.getUTCFullYear();
  }

  function windowLabel(lo, hi) {
    // A stop's window, at the coarsest unit that states it exactly.
    if (!isFinite(lo) && !isFinite(hi)) return "All time";
    if (!isFinite(lo)) return "until " + label("day", hi - 86400000, hi);
    if (!isFinite(hi)) return "from " + label("day", lo, lo + 86400000);
    for (var u = 1; u < UNITS.length; u++) {
      var unit = UNITS[u];
      if (floorTo(unit, lo) === lo && floorTo(unit, hi) === hi) {
        var first = label(unit, lo, addUnits(unit, lo, 1)), last = label(unit, addUnits(unit, hi, -1), hi);
        return first === last ? first : first + " – " + last;
      }
    }
    return label("day", lo, lo + 1) + " – " + label("day", hi - 1, hi);
  }

  /** How many events overlap each period: an event of a month or a year counts in every period it covers. */
  function histogram(lo, hi, n, bins) {
    var counts = new Array(bins.length).fill(0);
    if (!bins.length) return counts;
    var start = bins[0][0], end = bins[bins.length - 1][1];
    for (var i = 0; i < n; i++) {
      var a = lo[i] === null || lo[i] === undefined ? -Infinity : lo[i], b = hi[i] === null || hi[i] === undefined ? Infinity : hi[i];
      if (b <= start || a >= end) continue;
      var k = firstBin(bins, a);
      for (; k < bins.length && bins[k][0] < b; k++) counts[k]++;
    }
    return counts;
  }

  function firstBin(bins, ms) {
    var low = 0, high = bins.length - 1;
    if (ms <= bins[0][0]) return 0;
    while (low < high) {
      var mid = (low + high) >> 1;
      if (bins[mid][1] <= ms) low = mid + 1; else high = mid;
    }
    return low;
  }

  /** The first and last instant the events touch ([first, last], ms); a default year when none is dated.
   * A loop, not Math.min.apply: spreading 100,000s of values overflows the call stack. */
  function dataRange(lo, hi, n) {
    var first = Infinity, last = -Infinity;
    for (var i = 0; i < n; i++) {
      if (lo[i] !== null && isFinite(lo[i])) { first = Math.min(first, lo[i]); last = Math.max(last, lo[i]); }
      if (hi[i] !== null && isFinite(hi[i])) { first = Math.min(first, hi[i] - 1); last = Math.max(last, hi[i] - 1); }
    }
    return isFinite(first) ? [first, last] : [Date.UTC(2000, 0, 1), Date.UTC(2000, 11, 31)];
  }

  function fold(text) {
    var s = String(text || "").toLowerCase();
    return s.normalize ? s.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : s;
  }

  /** Positions whose text holds every word of ``query`` (null for a blank query). */
  function searchPositions(texts, query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) return null;
    var out = [];
    for (var i = 0; i < texts.length; i++) {
      var t = texts[i], hay = fold([t.title, t.place, t.summary, t.source, t.category, t.when].join(" "));
      if (words.every(function (w) { return hay.indexOf(w) >= 0; })) out.push(i);
    }
    return out;
  }

  function isoMs(text, open) {
    if (text === null || text === undefined) return open;
    var ms = Date.parse(text);
    return isNaN(ms) ? open : ms;
  }

  /** Caption text as DOM nodes: text, and http(s) links as anchors (never markup). */
  function captionNodes(doc, caption) {
    var out = [], re = /https?:\/\/[^\s<>"']+/g, last = 0, m;
    while ((m = re.exec(caption)) !== null) {
      var url = m[0].replace(/[.,;:!?)]+$/, "");
      if (m.index > last) out.push(doc.createTextNode(caption.slice(last, m.index)));
      var a = doc.createElement("a");
      a.href = url;
      a.textContent = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer nofollow";
      out.push(a);
      last = m.index + url.length;
    }
    if (last < caption.length) out.push(doc.createTextNode(caption.slice(last)));
    return out;
  }

  var pure = {
    floorTo: floorTo, addUnits: addUnits, periods: periods, label: label, windowLabel: windowLabel,
    histogram: histogram, dataRange: dataRange, fold: fold, searchPositions: searchPositions, isoMs: isoMs,
  };
  if (typeof module !== "undefined" && module.exports) { module.exports = pure; return; }

  /* ---- the controls ------------------------------------------------------ */

  var EM = root.eventmap;
  if (!EM) return;
  var doc = root.document, ui = null;

  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function button(text, title, onClick) {
    var b = el("button", "em-btn", text);
    b.type = "button";
    b.title = title;
    b.addEventListener("click", onClick);
    return b;
  }

  EM.listeners.push(function (name) {
    if (name === "ready" && EM.config().interactive && !ui) build();
    if (name === "painted" && ui) afterPaint();
  });

  function build() {
    var cfg = EM.config(), data = EM.data(), inter = cfg.interactive;
    var range = dataRange(data.lo, data.hi, data.n), first = range[0], last = range[1];
    ui = {
      cfg: cfg, data: data, first: first, last: last, unit: "all", index: 0, bins: [], cumulative: false,
      hidden: new Set(), search: "", playing: null, story: inter.story || null, stop: -1,
    };
    var years = periods("year", first, last, 1000);

    // Bottom bar: play, unit, year, cumulative, label, slider over the histogram.
    var bar = el("div", "em-ui em-timebar");
    ui.play = button("▶", "Play (Space)", togglePlay);
    ui.unitSelect = el("select", "em-select");
    ui.unitSelect.title = "Window length";
    [["all", "All time"], ["year", "Year"], ["month", "Month"], ["day", "Day"]].forEach(function (o) {
      var opt = el("option", "", o[1]);
      opt.value = o[0];
      ui.unitSelect.appendChild(opt);
    });
    ui.unitSelect.addEventListener("change", function () { setUnit(ui.unitSelect.value, ui.index); });
    ui.yearSelect = el("select", "em-select");
    ui.yearSelect.title = "Year";
    var any = el("option", "", "Year…");
    any.value = "";
    ui.yearSelect.appendChild(any);
    years.forEach(function (p) {
      var opt = el("option", "", label("year", p[0], p[1]));
      opt.value = String(p[0]);
      ui.yearSelect.appendChild(opt);
    });
    ui.yearSelect.addEventListener("change", function () { if (ui.yearSelect.value) setYear(Number(ui.yearSelect.value)); });
    var cum = el("label", "em-check");
    ui.cumulativeBox = el("input");
    ui.cumulativeBox.type = "checkbox";
    ui.cumulativeBox.addEventListener("change", function () { ui.cumulative = ui.cumulativeBox.checked; applyWindow(); });
    cum.appendChild(ui.cumulativeBox);
    cum.appendChild(doc.createTextNode(" up to"));
    ui.windowText = el("span", "em-window-text", "All time");
    var row = el("div", "em-row");
    [ui.play, ui.unitSelect, ui.yearSelect, cum, ui.windowText].forEach(function (n) { row.appendChild(n); });
    ui.histogram = el("canvas", "em-histogram");
    ui.slider = el("input", "em-slider");
    ui.slider.type = "range";
    ui.slider.min = 0;
    ui.slider.addEventListener("input", function () { setIndex(Number(ui.slider.value)); });
    bar.appendChild(row);
    bar.appendChild(ui.histogram);
    bar.appendChild(ui.slider);

    // Side panel: search, categories, the list, the story.
    var side = el("div", "em-ui em-side");
    ui.searchBox = el("input", "em-search");
    ui.searchBox.type = "search";
    ui.searchBox.placeholder = "Search events";
    ui.searchBox.addEventListener("input", function () { setSearch(ui.searchBox.value); });
    side.appendChild(ui.searchBox);
    var cats = el("div", "em-cats");
    cfg.categories.forEach(function (c, code) {
      var item = el("label", "em-check");
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.addEventListener("change", function () {
        if (box.checked) ui.hidden.delete(code); else ui.hidden.add(code);
        EM.call("setCategories", { hidden: Array.from(ui.hidden), seq: 0 });
      });
      var swatch = el("span", "em-swatch");
      swatch.style.background = c.color;
      item.appendChild(box);
      item.appendChild(swatch);
      item.appendChild(doc.createTextNode(c.name));
      cats.appendChild(item);
    });
    side.appendChild(cats);
    ui.listHead = el("div", "em-list-head", "");
    ui.list = el("ol", "em-list");
    side.appendChild(ui.listHead);
    side.appendChild(ui.list);
    if (ui.story && ui.story.stops && ui.story.stops.length) side.appendChild(buildStory());

    var container = root.document.body;
    container.appendChild(bar);
    container.appendChild(side);
    doc.addEventListener("keydown", onKey);
    setUnit("all", 0);
    EM.interactive.ready = true;
  }

  function buildStory() {
    var box = el("div", "em-story");
    ui.storyTitle = el("div", "em-story-title", ui.story.title || "Story");
    ui.storyCount = el("span", "em-story-count", "");
    ui.caption = el("div", "em-caption", "");
    var nav = el("div", "em-row");
    nav.appendChild(button("◀", "Previous stop", function () { goToStop(Math.max(0, ui.stop - 1)); }));
    nav.appendChild(ui.storyCount);
    nav.appendChild(button("▶", "Next stop", function () { goToStop(Math.min(ui.story.stops.length - 1, ui.stop + 1)); }));
    box.appendChild(ui.storyTitle);
    box.appendChild(nav);
    box.appendChild(ui.caption);
    ui.storyCount.textContent = "Start the story";
    return box;
  }

  /* ---- time ----------------------------------------------------------------- */

  function setUnit(unit, index) {
    ui.unit = unit;
    ui.unitSelect.value = unit;
    ui.bins = unit === "all" ? periods("year", ui.first, ui.last, 1000) : periods(unit, ui.first, ui.last, 5000);
    ui.slider.max = Math.max(0, ui.bins.length - 1);
    ui.slider.disabled = unit === "all";
    ui.index = Math.max(0, Math.min(index || 0, ui.bins.length - 1));
    ui.slider.value = ui.index;
    drawHistogram();
    applyWindow();
  }

  function setIndex(index) {
    ui.index = Math.max(0, Math.min(index, ui.bins.length - 1));
    ui.slider.value = ui.index;
    applyWindow();
  }

  function setYear(startMs) {
    setUnit("year", 0);
    var k = 0;
    while (k < ui.bins.length - 1 && ui.bins[k][0] < startMs) k++;
    setIndex(k);
  }

  function currentWindow() {
    if (ui.unit === "all" || !ui.bins.length) return [-Infinity, Infinity];
    return ui.bins[ui.index];
  }

  function applyWindow(lo, hi, text) {
    if (lo === undefined) {
      var w = currentWindow();
      lo = w[0]; hi = w[1];
      text = ui.unit === "all" ? "All time" : label(ui.unit, lo, hi);
    }
    if (ui.cumulative && isFinite(hi)) text = "up to " + text;
    ui.windowText.textContent = text;
    ui.shownWindow = { lo: lo, hi: hi, label: text };
    if (ui.unit !== "year") ui.yearSelect.value = "";
    else ui.yearSelect.value = String(lo);
    EM.call("setWindow", { lo: isFinite(lo) ? lo : null, hi: isFinite(hi) ? hi : null, label: text, cumulative: ui.cumulative, seq: 0 });
    drawHistogram();
  }

  function drawHistogram() {
    var canvas = ui.histogram, ratio = root.devicePixelRatio || 1;
    var width = canvas.clientWidth || 600, height = canvas.clientHeight || 36;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    var g = canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    var counts = histogram(ui.data.lo, ui.data.hi, ui.data.n, ui.bins);
    var top = counts.reduce(function (a, b) { return Math.max(a, b); }, 1), w = width / Math.max(1, counts.length);
    for (var k = 0; k < counts.length; k++) {
      var h = counts[k] ? Math.max(2, (counts[k] / top) * (height - 4)) : 0;
      var on = ui.unit === "all" || (ui.cumulative ? k <= ui.index : k === ui.index);
      g.fillStyle = on ? "#3b6ea5" : "#b8c4d0";
      g.fillRect(k * w + 0.5, height - h, Math.max(1, w - 1), h);
    }
  }

  function togglePlay() {
    if (ui.playing) { clearInterval(ui.playing); ui.playing = null; ui.play.textContent = "▶"; return; }
    if (ui.unit === "all") setUnit("year", 0);
    else if (ui.index >= ui.bins.length - 1) setIndex(0);
    ui.play.textContent = "❚❚";
    ui.playing = setInterval(function () {
      if (ui.index >= ui.bins.length - 1) { togglePlay(); return; }
      setIndex(ui.index + 1);
    }, 900);
  }

  /* ---- filters, list, story ------------------------------------------------------------ */

  function setSearch(text) {
    ui.search = text;
    var found = searchPositions(ui.data.text || [], text);
    var indices = found === null ? null : found.map(function (pos) { return ui.data.index[pos]; });
    EM.call("setSearch", { indices: indices, seq: 0 });
  }

  function afterPaint() {
    // The list shows the events the map shows now, in time order.
    var positions = EM.shownPositions(), n = positions.length, shown = Math.min(n, LIST_LIMIT);
    ui.list.textContent = "";
    for (var k = 0; k < shown; k++) {
      var pos = positions[k], t = ui.data.text[pos];
      var item = el("li", "em-item");
      item.appendChild(el("span", "em-item-when", t.when));
      item.appendChild(el("span", "em-item-title", t.title));
      if (t.place) item.appendChild(el("span", "em-item-place", t.place));
      item.addEventListener("click", (function (index) {
        return function () { EM.call("select", { index: index, fly: true }); };
      })(ui.data.index[pos]));
      ui.list.appendChild(item);
    }
    ui.listHead.textContent = n.toLocaleString("en-US") + (n === 1 ? " event" : " events") + (n > shown ? " (first " + shown + " listed)" : "");
  }

  function goToStop(index) {
    var stops = ui.story.stops;
    if (!stops.length) return;
    index = Math.max(0, Math.min(index, stops.length - 1));
    var stop = stops[index];
    ui.stop = index;
    var hiddenNames = new Set(stop.hidden_categories || []);
    ui.hidden = new Set();
    ui.cfg.categories.forEach(function (c, code) { if (hiddenNames.has(c.name)) ui.hidden.add(code); });
    doc.querySelectorAll(".em-cats input").forEach(function (box, code) { box.checked = !ui.hidden.has(code); });
    EM.call("setCategories", { hidden: Array.from(ui.hidden), seq: 0 });
    ui.searchBox.value = stop.search || "";
    setSearch(stop.search || "");
    var lo = isoMs(stop.window && stop.window[0], -Infinity), hi = isoMs(stop.window && stop.window[1], Infinity);
    ui.cumulative = !!stop.cumulative;
    ui.cumulativeBox.checked = ui.cumulative;
    ui.unit = "custom";
    ui.unitSelect.value = "";
    applyWindow(lo, hi, windowLabel(lo, hi));
    var b = stop.bounds;
    EM.call("fitBounds", { bounds: [[b[0], b[1]], [b[2], b[3]]], animate: true, seq: 0 });
    var target = -1;
    if (stop.selected) {
      for (var pos = 0; pos < ui.data.n; pos++) if (ui.data.text[pos].id === stop.selected) { target = ui.data.index[pos]; break; }
    }
    EM.call("select", { index: target, fly: false });
    ui.storyCount.textContent = "Stop " + (index + 1) + " of " + stops.length;
    ui.caption.textContent = "";
    captionNodes(doc, stop.caption || "").forEach(function (node) { ui.caption.appendChild(node); });
  }

  function onKey(e) {
    if (e.target && (e.target.tagName === "INPUT" || e.target.tagName === "SELECT")) return;
    if (e.key === " ") { togglePlay(); e.preventDefault(); }
    else if (e.key === "ArrowRight") { if (ui.story && ui.stop >= 0) goToStop(ui.stop + 1); else setIndex(ui.index + 1); }
    else if (e.key === "ArrowLeft") { if (ui.story && ui.stop >= 0) goToStop(ui.stop - 1); else setIndex(ui.index - 1); }
  }

  EM.interactive = {
    ready: false,
    goToStop: function (i) { goToStop(i); },
    setUnit: function (u, i) { setUnit(u, i); },
    setIndex: function (i) { setIndex(i); },
    setYear: function (y) { setYear(Date.UTC(y, 0, 1)); },
    setSearch: function (t) { ui.searchBox.value = t; setSearch(t); },
    state: function () {
      return JSON.stringify({
        ready: !!(ui && EM.interactive.ready), window: ui && ui.shownWindow, stop: ui ? ui.stop : -1,
        shown: EM.state.shown, listed: ui ? ui.list.children.length : 0, caption: ui && ui.caption ? ui.caption.textContent : "",
        selected: EM.state.popup ? EM.state.popup.index : -1,
      });
    },
  };
})(typeof window !== "undefined" ? window : this);
