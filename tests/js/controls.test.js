// Unit tests for the interactive page's time and search helpers (resources/page/controls.js).
const test = require("node:test");
const assert = require("node:assert");
const C = require("../../resources/page/controls.js");

test("periods cover the range in calendar units", () => {
  const years = C.periods("year", Date.UTC(2014, 5, 1), Date.UTC(2016, 0, 1));
  assert.deepStrictEqual(years.map((p) => new Date(p[0]).getUTCFullYear()), [2014, 2015, 2016]);
  const months = C.periods("month", Date.UTC(2024, 10, 20), Date.UTC(2025, 1, 3));
  assert.deepStrictEqual(months.map((p) => C.label("month", p[0], p[1])), ["Nov 2024", "Dec 2024", "Jan 2025", "Feb 2025"]);
  assert.strictEqual(C.periods("day", 0, 10 * 86400000, 3).length, 3); // capped
});

test("window labels state the window at its coarsest exact unit", () => {
  assert.strictEqual(C.windowLabel(Date.UTC(2020, 0, 1), Date.UTC(2021, 0, 1)), "2020");
  assert.strictEqual(C.windowLabel(Date.UTC(2024, 9, 1), Date.UTC(2024, 10, 1)), "Oct 2024");
  assert.strictEqual(C.windowLabel(Date.UTC(2019, 0, 1), Date.UTC(2022, 0, 1)), "2019 – 2021");
  assert.strictEqual(C.windowLabel(-Infinity, Infinity), "All time");
  assert.strictEqual(C.windowLabel(-Infinity, Date.UTC(2017, 0, 1)), "until 31 Dec 2016");
});

test("the histogram spreads a long event over every period it covers", () => {
  const bins = C.periods("year", Date.UTC(2014, 0, 1), Date.UTC(2016, 11, 31));
  const lo = [Date.UTC(2014, 0, 1), Date.UTC(2015, 5, 1), null];
  const hi = [Date.UTC(2017, 0, 1), Date.UTC(2015, 5, 2), Date.UTC(2014, 3, 1)];
  assert.deepStrictEqual(C.histogram(lo, hi, 3, bins), [2, 2, 1]);
});

test("search folds case and accents and needs every word", () => {
  const texts = [{ title: "Trade forum", place: "Moscow", summary: "", source: "", category: "trade", when: "" },
                 { title: "Exercise Druzhba", place: "Tarbela", summary: "Señor", source: "", category: "exercise", when: "" }];
  assert.deepStrictEqual(C.searchPositions(texts, "moscow FORUM"), [0]);
  assert.deepStrictEqual(C.searchPositions(texts, "senor"), [1]);
  assert.deepStrictEqual(C.searchPositions(texts, "forum tarbela"), []);
  assert.strictEqual(C.searchPositions(texts, "   "), null);
});

test("the data's range is found for half a million events (no spread of arguments)", () => {
  const n = 500000, lo = new Float64Array(n), hi = new Float64Array(n);
  for (let i = 0; i < n; i++) { lo[i] = Date.UTC(2010, 0, 1) + i * 60000; hi[i] = lo[i] + 86400000; }
  lo[7] = -Infinity; hi[9] = Infinity;
  const [first, last] = C.dataRange(lo, hi, n);
  assert.strictEqual(first, Date.UTC(2010, 0, 1));
  assert.strictEqual(last, lo[n - 1] + 86400000 - 1);
  assert.deepStrictEqual(C.dataRange([null], [null], 1), [Date.UTC(2000, 0, 1), Date.UTC(2000, 11, 31)]);
});
