// The reference layers' pure helpers: where a country's name goes when only part of it is in view.
const test = require("node:test");
const assert = require("node:assert");
const R = require("../../resources/page/reference.js");

const { mercator, countryShapes, visibleSpot, clipToRect } = R.internal;

function pixel(lon, lat, view) {
  const m = mercator(lon, lat);
  return [m[0] * view.scale - view.ox, m[1] * view.scale - view.oy];
}

function contains(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i], b = ring[j];
    if ((a[1] > y) !== (b[1] > y) && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

// A big country (lon 20..180, lat 45..75) with its label point far east.
const BIG = { type: "FeatureCollection", features: [{
  type: "Feature", properties: { name: "Bigland", label: [100, 62], area_rank: 0 },
  geometry: { type: "Polygon", coordinates: [[[20, 45], [180, 45], [180, 75], [20, 75], [20, 45]]] },
}] };

function viewAt(lon, lat, zoom, size) {
  const scale = 256 * Math.pow(2, zoom), m = mercator(lon, lat);
  return { scale, ox: m[0] * scale - size.x / 2, oy: m[1] * scale - size.y / 2, size };
}

test("a country whose label point is off screen is named inside the part in view", () => {
  const size = { x: 800, y: 500 };
  const view = viewAt(40, 42, 4, size); // Moscow to the Caucasus: the label point (100 E) is far off
  const shape = countryShapes(BIG)[0];
  const spots = visibleSpot(shape, view.scale, view.ox, view.oy, size, 60);
  assert.ok(spots && spots.length, "a spot is found");
  const ring = BIG.features[0].geometry.coordinates[0].map((p) => pixel(p[0], p[1], view));
  for (const [x, y] of spots) {
    assert.ok(x > 30 && x < size.x - 30 && y > 12 && y < size.y - 12, `in view: ${x},${y}`);
    assert.ok(contains(ring, x, y), `inside the country: ${x},${y}`);
  }
});

test("the label point is used when it is in view", () => {
  const size = { x: 800, y: 500 };
  const view = viewAt(100, 62, 3, size);
  const spots = visibleSpot(countryShapes(BIG)[0], view.scale, view.ox, view.oy, size, 60);
  assert.deepStrictEqual(spots.map((s) => s.map(Math.round)), [[400, 250]]);
});

test("a country out of view gets no spot", () => {
  const size = { x: 800, y: 500 };
  const view = viewAt(-100, 40, 5, size);
  assert.strictEqual(visibleSpot(countryShapes(BIG)[0], view.scale, view.ox, view.oy, size, 60), null);
});

test("clipping keeps the part of a polygon inside the rectangle", () => {
  const clipped = clipToRect([[-10, -10], [10, -10], [10, 10], [-10, 10]], 0, 0, 20, 20);
  const xs = clipped.map((p) => p[0]), ys = clipped.map((p) => p[1]);
  assert.strictEqual(Math.min(...xs), 0);
  assert.strictEqual(Math.max(...xs), 10);
  assert.strictEqual(Math.min(...ys), 0);
  assert.strictEqual(Math.max(...ys), 10);
});

test("the label pass's box grid answers overlaps exactly as testing every box does", () => {
  const { BoxGrid } = R.internal;
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const box = (w) => { const x = rand() * 1200 - 100, y = rand() * 800 - 100; return [x, y, x + rand() * w, y + rand() * w]; };
  const boxes = Array.from({ length: 3000 }, () => box(30));
  boxes.push([0, 0, 1200, 60]); // a title bar across the map: bigger than the grid's cells
  const grid = new BoxGrid(boxes);
  const brute = (q) => boxes.some((b) => q[0] < b[2] && q[2] > b[0] && q[1] < b[3] && q[3] > b[1]);
  for (let i = 0; i < 2000; i++) {
    const q = box(120);
    assert.strictEqual(grid.overlaps(q), brute(q));
    if (i % 10 === 0) { grid.add(q); boxes.push(q); }
  }
});
