// Unit tests of resources/page/labels.js: run with `node --test tests/js/`.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Labels = require("../../resources/page/labels.js");

const SIZE = { x: 800, y: 600 };
const measure = (text) => 7 * text.length; // 7 px a character

function box(p) {
  return [p.tx - 2, p.ty - Labels.LABEL_HEIGHT / 2, p.tx + p.w + 2, p.ty + Labels.LABEL_HEIGHT / 2];
}

test("a lone site is labelled to its right, on its own line", () => {
  const placed = Labels.placeSiteLabels([{ name: "Tarbela", x: 300, y: 300 }], measure, SIZE, [], 10);
  assert.equal(placed.length, 1);
  const p = placed[0];
  assert.equal(p.tx, 310);
  assert.equal(p.ty, 300);
  assert.equal(p.w, 49);
  assert.equal(p.leader, false);
});

test("labels of nearby sites never overlap each other or the sites' dots", () => {
  const sites = [
    { name: "Mirpura village", x: 400, y: 300 }, { name: "Kel village", x: 405, y: 302 },
    { name: "Islamabad", x: 398, y: 310 }, { name: "Rawalpindi", x: 410, y: 296 }, { name: "Pabbi", x: 402, y: 305 },
  ];
  const boxes = [];
  const placed = Labels.placeSiteLabels(sites, measure, SIZE, boxes, 10);
  assert.equal(placed.length, sites.length);
  const labelBoxes = placed.map(box);
  for (let i = 0; i < labelBoxes.length; i++) {
    for (let j = i + 1; j < labelBoxes.length; j++) assert.ok(!Labels.overlaps(labelBoxes[i], [labelBoxes[j]]), `${placed[i].name} / ${placed[j].name}`);
    for (const s of sites) assert.ok(!Labels.overlaps(labelBoxes[i], [[s.x - 4, s.y - 4, s.x + 4, s.y + 4]]), `${placed[i].name} over ${s.name}`);
  }
  // Pushed away from the crowd, some get leader lines.
  assert.ok(placed.some((p) => p.leader));
});

test("labels keep clear of the page's boxes (title, legend) and inside the map", () => {
  const legend = [600, 450, 800, 600];
  const placed = Labels.placeSiteLabels([{ name: "Gwadar", x: 590, y: 460 }], measure, SIZE, [legend], 10);
  assert.ok(!Labels.overlaps(box(placed[0]), [legend]));
  const edge = Labels.placeSiteLabels([{ name: "Far east", x: 795, y: 300 }], measure, SIZE, [], 10)[0];
  assert.ok(Labels.inside(box(edge), SIZE), JSON.stringify(edge));
  assert.ok(edge.tx + edge.w < 795, "goes to the left of a site at the right edge");
});

test("sites far outside the view get no label, and activity is kept", () => {
  const placed = Labels.placeSiteLabels(
    [{ name: "Off", x: -500, y: 10 }, { name: "Quiet", x: 100, y: 100, active: false }], measure, SIZE, [], 10);
  assert.deepEqual(placed.map((p) => [p.name, p.active]), [["Quiet", false]]);
});

test("centred labels give way to what is already placed, in order", () => {
  const boxes = [[95, 95, 140, 110]]; // an event-site label
  const placed = Labels.placeCentredLabels(
    [{ name: "Russia", x: 400, y: 100 }, { name: "Pakistan", x: 110, y: 100 }, { name: "Rus", x: 405, y: 102 }],
    measure, SIZE, boxes);
  // Pakistan would overprint the site label; the small label under Russia's too.
  assert.deepEqual(placed.map((p) => p.name), ["Russia"]);
  assert.equal(placed[0].x, 400 - 21);
  // Cut at the edge: left out.
  assert.deepEqual(Labels.placeCentredLabels([{ name: "Edge", x: 5, y: 300 }], measure, SIZE, []), []);
});
