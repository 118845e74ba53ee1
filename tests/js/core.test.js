// Unit tests of resources/page/core.js: run with `node --test tests/js/`.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Core = require("../../resources/page/core.js");

const DAY = 86400000;

function brute(lo, hi, a, b) {
  const out = [];
  for (let i = 0; i < lo.length; i++) if (lo[i] < b && hi[i] > a) out.push(i);
  return out;
}

function query(index, lo, hi, a, b, accept) {
  const out = new Uint32Array(lo.length);
  const m = Core.queryIntervals(index, a, b, lo, hi, accept || null, out);
  return Array.from(out.subarray(0, m)).sort((p, q) => p - q);
}

test("interval index finds exactly the events overlapping a window", () => {
  // Spans from a second to centuries, sorted by start as the payload is.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const n = 3000, spans = [1000, 60000, DAY, 30 * DAY, 365 * DAY, 100 * 365 * DAY];
  const starts = Array.from({ length: n }, () => rand() * 50 * 365 * DAY).sort((a, b) => a - b);
  const lo = Float64Array.from(starts);
  const hi = Float64Array.from(starts, (s, i) => s + spans[i % spans.length] * (0.5 + rand()));
  const index = Core.buildIntervalIndex(lo, hi);
  for (let k = 0; k < 200; k++) {
    const a = rand() * 50 * 365 * DAY, b = a + spans[k % spans.length] * rand();
    assert.deepEqual(query(index, lo, hi, a, b), brute(lo, hi, a, b), `window ${a}..${b}`);
  }
  // Open-ended windows.
  assert.deepEqual(query(index, lo, hi, -Infinity, lo[100]), brute(lo, hi, -Infinity, lo[100]));
  assert.equal(query(index, lo, hi, -Infinity, Infinity).length, n);
});

test("a window's end is exclusive and its start is inclusive of overlap", () => {
  const lo = Float64Array.from([0, DAY, 2 * DAY]);
  const hi = Float64Array.from([DAY, 2 * DAY, 3 * DAY]);
  const index = Core.buildIntervalIndex(lo, hi);
  assert.deepEqual(query(index, lo, hi, DAY, 2 * DAY), [1]);
  assert.deepEqual(query(index, lo, hi, DAY - 1, DAY + 1), [0, 1]);
});

test("unbounded events are found in every window they reach", () => {
  const lo = Float64Array.from([-Infinity, 0, 10 * DAY]);
  const hi = Float64Array.from([5 * DAY, Infinity, 11 * DAY]);
  const index = Core.buildIntervalIndex(lo, hi);
  assert.equal(index.unbounded.length, 2);
  assert.deepEqual(query(index, lo, hi, 6 * DAY, 7 * DAY), [1]);
  assert.deepEqual(query(index, lo, hi, -10 * DAY, -9 * DAY), [0]);
  assert.deepEqual(query(index, lo, hi, 10 * DAY, 12 * DAY), [1, 2]);
});

test("the filter callback drops events", () => {
  const lo = Float64Array.from([0, 1, 2, 3]);
  const hi = Float64Array.from([10, 10, 10, 10]);
  const index = Core.buildIntervalIndex(lo, hi);
  assert.deepEqual(query(index, lo, hi, 0, 5, (i) => i % 2 === 0), [0, 2]);
});

test("Web Mercator: the equator is the middle, the edges are 180° and 85.05°", () => {
  assert.equal(Core.mercatorX(-180), 0);
  assert.equal(Core.mercatorX(180), 1);
  assert.equal(Core.mercatorX(0), 0.5);
  assert.ok(Math.abs(Core.mercatorY(0) - 0.5) < 1e-12);
  assert.ok(Math.abs(Core.mercatorY(Core.MAX_LAT)) < 1e-9);
  assert.ok(Math.abs(Core.mercatorY(-Core.MAX_LAT) - 1) < 1e-9);
  // Beyond the poles' cut it clamps instead of going to infinity.
  assert.equal(Core.mercatorY(90), Core.mercatorY(Core.MAX_LAT));
  // Leaflet's EPSG:3857 at zoom 0 (256 px): Moscow at about y = 80.1 px.
  assert.ok(Math.abs(Core.mercatorY(55.7558) * 256 - 80.1) < 0.2);
});

test("great-circle distance matches known distances", () => {
  // Islamabad - Moscow: 3,653.8 km on the mean sphere (geopy's great_circle),
  // 3,658.3 km on WGS 84; a degree of longitude on the equator: 111.2 km.
  const d = Core.greatCircleDistance(33.6844, 73.0479, 55.7558, 37.6173);
  assert.ok(Math.abs(d / 1000 - 3653.78) < 0.5, String(d));
  assert.ok(Math.abs(Core.greatCircleDistance(0, 0, 0, 1) - 111195) < 50);
  assert.equal(Core.greatCircleDistance(10, 20, 10, 20), 0);
  // Antipodes: half the circumference.
  assert.ok(Math.abs(Core.greatCircleDistance(0, 0, 0, 180) - Math.PI * Core.EARTH_RADIUS) < 1);
  // Across the date line it takes the short way.
  assert.ok(Core.greatCircleDistance(0, 179.5, 0, -179.5) < 112000);
});

test("great-circle points run from one end to the other on the circle", () => {
  const pts = Core.greatCirclePoints(33.6844, 73.0479, 55.7558, 37.6173, 32);
  assert.equal(pts.length, 33);
  assert.deepEqual(pts[0].map((v) => +v.toFixed(6)), [33.6844, 73.0479]);
  assert.deepEqual(pts[32].map((v) => +v.toFixed(6)), [55.7558, 37.6173]);
  // Each step is the same length, and the steps add up to the distance.
  const total = Core.greatCircleDistance(33.6844, 73.0479, 55.7558, 37.6173);
  let sum = 0;
  for (let i = 1; i < pts.length; i++) {
    const step = Core.greatCircleDistance(pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1]);
    assert.ok(Math.abs(step - total / 32) < 1);
    sum += step;
  }
  assert.ok(Math.abs(sum - total) < 1);
  // A geodesic between two points on one parallel bulges towards the pole.
  const mid = Core.greatCirclePoints(50, -100, 50, 0, 2)[1];
  assert.ok(mid[0] > 60, String(mid));
  // Across the date line, longitudes stay continuous (no jump across the map).
  const across = Core.greatCirclePoints(0, 170, 0, -170, 4);
  for (let i = 1; i < across.length; i++) assert.ok(Math.abs(across[i][1] - across[i - 1][1]) < 10);
});

test("distances are written for people", () => {
  assert.equal(Core.formatDistance(512.3), "512 m");
  assert.equal(Core.formatDistance(12345), "12.3 km");
  assert.equal(Core.formatDistance(3653784), "3,654 km");
});

test("the spatial grid finds the nearest point within a radius", () => {
  const xs = [10, 30, 31, 200], ys = [10, 30, 33, 200];
  const grid = new Core.Grid(20);
  xs.forEach((x, k) => grid.add(x, ys[k], k));
  assert.equal(Core.nearestPoint(grid, xs, ys, 29, 29, 9), 1);
  assert.equal(Core.nearestPoint(grid, xs, ys, 32, 34, 9), 2);
  assert.equal(Core.nearestPoint(grid, xs, ys, 100, 100, 9), -1);
  // Negative coordinates (left of or above the view) work too.
  grid.add(-15, -15, 4);
  assert.equal(Core.nearestPoint(grid, xs.concat([-15]), ys.concat([-15]), -12, -14, 9), 4);
});

test("the binary payload is read as Python packs it", () => {
  // n = 2: header {"n": 2} padded so that 4 + header is a multiple of 8.
  let header = JSON.stringify({ n: 2 });
  while ((header.length + 4) % 8) header += " ";
  const n = 2, size = 4 + header.length + 8 * n * 2 + 8 + 8 + 8 + 8;
  const buf = new ArrayBuffer(size), view = new DataView(buf);
  view.setUint32(0, header.length, true);
  new Uint8Array(buf, 4, header.length).set(new TextEncoder().encode(header));
  let off = 4 + header.length;
  new Float64Array(buf, off, 2).set([0, 5]); off += 16;
  new Float64Array(buf, off, 2).set([10, Infinity]); off += 16;
  new Float32Array(buf, off, 2).set([33.5, -20]); off += 8;
  new Float32Array(buf, off, 2).set([73, 100]); off += 8;
  new Uint32Array(buf, off, 2).set([1, 0]); off += 8;
  new Uint16Array(buf, off, 2).set([3, 1]);
  const d = Core.prepare(Core.fromBinary(buf));
  assert.equal(d.n, 2);
  assert.deepEqual(Array.from(d.cat), [3, 1]);
  assert.deepEqual(Array.from(d.posOf), [1, 0]);
  assert.equal(d.hi[1], Infinity);
  assert.ok(Math.abs(d.x[0] - Core.mercatorX(73)) < 1e-12);
});

test("category codes past 65,535 survive both wire forms", () => {
  // JSON (a standalone page)
  const json = Core.fromJson({ n: 2, index: [0, 1], lo: [0, 1], hi: [1, 2], lat: [0, 0], lon: [0, 0], cat: [70000, 3] });
  assert.deepEqual(Array.from(json.cat), [70000, 3]);
  // binary with uint32 codes: header {"n": 1, "cat": 4}
  let header = JSON.stringify({ n: 1, cat: 4 });
  while ((header.length + 4) % 8) header += " ";
  const buf = new ArrayBuffer(4 + header.length + 6 * 8), view = new DataView(buf);
  view.setUint32(0, header.length, true);
  new Uint8Array(buf, 4, header.length).set(new TextEncoder().encode(header));
  const off = 4 + header.length;
  new Float64Array(buf, off, 1).set([0]);
  new Float64Array(buf, off + 8, 1).set([1]);
  new Uint32Array(buf, off + 40, 1).set([123456]);
  assert.equal(Core.fromBinary(buf).cat[0], 123456);
});

test("the legend lists the categories shown, or all of them when asked", () => {
  const counts = Uint32Array.from([3, 0, 1, 0, 5]), on = [true, true, true, false, false];
  assert.deepEqual(Core.legendRows(counts, on, false, 12), { rows: [{ cat: 0, off: false }, { cat: 2, off: false }], more: 0 });
  const all = Core.legendRows(counts, on, true, 12);
  assert.deepEqual(all.rows.map((r) => [r.cat, r.off]), [[0, false], [1, false], [2, false], [3, true], [4, true]]);
  // Many categories: the first rows and a count of the rest.
  const many = Core.legendRows(new Uint32Array(70000).fill(1), new Array(70000).fill(true), false, 12);
  assert.equal(many.rows.length, 12);
  assert.equal(many.more, 70000 - 12);
});

test("the binary payload carries the optional unsure-marker byte per event", () => {
  const n = 3, header = Buffer.from(JSON.stringify({ n: n, cat: 2, dim: 1 }));
  const pad = (b) => Buffer.concat([b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
  const head = Buffer.concat([header, Buffer.alloc((8 - ((header.length + 4) % 8)) % 8, 32)]);
  const len = Buffer.alloc(4); len.writeUInt32LE(head.length);
  const f64 = (v) => Buffer.from(new Float64Array(v).buffer), f32 = (v) => Buffer.from(new Float32Array(v).buffer);
  const parts = [len, head, f64([1, 2, 3]), f64([2, 3, 4]), pad(f32([10, 11, 12])), pad(f32([20, 21, 22])),
    pad(Buffer.from(new Uint32Array([0, 1, 2]).buffer)), pad(Buffer.from(new Uint16Array([0, 0, 1]).buffer)), pad(Buffer.from([0, 1, 3]))];
  const buf = Buffer.concat(parts);
  const data = Core.fromBinary(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  assert.deepStrictEqual(Array.from(data.dim), [0, 1, 3]);
  assert.deepStrictEqual(Array.from(data.cat), [0, 0, 1]);
});
