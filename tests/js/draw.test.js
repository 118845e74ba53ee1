// Unit tests of the geometry in resources/page/draw.js: run with `node --test tests/js/`.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Draw = require("../../resources/page/draw.js");

function segmentsCross(a, b, c, d) {
  const orient = (p, q, r) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return orient(a, b, c) * orient(a, b, d) < 0 && orient(c, d, a) * orient(c, d, b) < 0;
}

test("markers at one place fan out on a ring, each its own slot", () => {
  const n = 6, xs = new Float32Array(n).fill(200), ys = new Float32Array(n).fill(150);
  const groups = Draw.fanOut(xs, ys, n, 6);
  assert.equal(groups.length, 1);
  const g = groups[0];
  assert.equal(g.members.length, 6);
  assert.ok(g.r >= 12);
  for (let k = 0; k < n; k++) assert.ok(Math.abs(Math.hypot(xs[k] - 200, ys[k] - 150) - g.r) < 1e-3);
  // No two markers on the ring overlap (a marker is 12 px across).
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.ok(Math.hypot(xs[i] - xs[j], ys[i] - ys[j]) >= 12);
  // Leader lines start where the markers really are.
  g.from.forEach((p) => assert.deepEqual(p, [200, 150]));
});

test("leader lines of nearby markers never cross", () => {
  const pts = [[100, 100], [104, 101], [101, 105], [97, 103], [103, 97], [99, 96]];
  const xs = Float32Array.from(pts, (p) => p[0]), ys = Float32Array.from(pts, (p) => p[1]);
  const groups = Draw.fanOut(xs, ys, pts.length, 6);
  assert.equal(groups.length, 1);
  const g = groups[0];
  const lines = g.members.map((k, j) => [g.from[j], [xs[k], ys[k]]]);
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) assert.ok(!segmentsCross(lines[i][0], lines[i][1], lines[j][0], lines[j][1]), `lines ${i} and ${j} cross`);
  }
  // Each marker moved in its own direction from the centre.
  g.members.forEach((k, j) => {
    const before = Math.atan2(g.from[j][1] - g.y, g.from[j][0] - g.x), after = Math.atan2(ys[k] - g.y, xs[k] - g.x);
    const diff = Math.abs(((after - before + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
    assert.ok(diff < Math.PI / 2, `marker ${k} turned ${diff}`);
  });
});

test("markers apart stay where they are", () => {
  const xs = Float32Array.from([10, 100, 300]), ys = Float32Array.from([10, 100, 300]);
  const groups = Draw.fanOut(xs, ys, 3, 6);
  assert.equal(groups.length, 3);
  assert.ok(groups.every((g) => g.r === 0 && g.from === null));
  assert.deepEqual(Array.from(xs), [10, 100, 300]);
});

test("too many markers in view: no fan-out", () => {
  const n = Draw.FAN_LIMIT + 1;
  assert.equal(Draw.fanOut(new Float32Array(n), new Float32Array(n), n, 6), null);
});

test("cells count the points in view and take their most common category", () => {
  // World coordinates at scale 1000, view origin (0, 0), 90 x 60 px: cells of 30 px.
  const px = Float64Array.from([0.005, 0.006, 0.007, 0.05, 0.2]), py = Float64Array.from([0.005, 0.006, 0.007, 0.04, 0.2]);
  const cat = Uint16Array.from([1, 1, 0, 2, 0]);
  const cells = Draw.binCells(Uint32Array.from([0, 1, 2, 3, 4]), px, py, cat, 1000, 0, 0, { x: 90, y: 60 }, 3, 30);
  assert.equal(cells.length, 2); // the last point is out of view
  const first = cells.find((c) => c.count === 3);
  assert.equal(first.cat, 1);
  assert.ok(Math.abs(first.x - 6) < 1e-9 && Math.abs(first.y - 6) < 1e-9);
  assert.equal(cells.find((c) => c.count === 1).cat, 2);
});

test("leader lines never cross in random clusters", () => {
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let trial = 0; trial < 300; trial++) {
    const n = 2 + Math.floor(rand() * 10);
    const xs = new Float32Array(n), ys = new Float32Array(n);
    for (let k = 0; k < n; k++) { xs[k] = 300 + rand() * 10; ys[k] = 300 + rand() * 10; }
    const groups = Draw.fanOut(xs, ys, n, 6);
    for (const g of groups) {
      if (!g.from) continue;
      const lines = g.members.map((k, j) => [g.from[j], [xs[k], ys[k]]]);
      for (let i = 0; i < lines.length; i++) {
        for (let j = i + 1; j < lines.length; j++) assert.ok(!segmentsCross(lines[i][0], lines[i][1], lines[j][0], lines[j][1]), `trial ${trial}: lines ${i} and ${j} cross`);
      }
    }
  }
});

test("markers are stamped in category order, stable within a category", () => {
  const ps = Uint32Array.from([0, 1, 2, 3, 4]), cat = Uint32Array.from([70001, 2, 70001, 0, 2]);
  assert.deepEqual(Array.from(Draw.markerOrder(ps, 5, cat)), [3, 1, 4, 0, 2]);
});
