/* eventmap label placer: where labels go so that none overprints another, a
 * marker or the page's own boxes (title, legend, scale). Pure: positions in
 * container pixels in, positions out; text widths come from a `measure`
 * function, so Node tests run it without a canvas (tests/js/labels.test.js).
 *
 * A box is [left, top, right, bottom]. `boxes` holds what is already taken;
 * every label placed is added to it, so later labels (and later kinds of
 * label: reference labels come after event sites) give way.
 */
(function (root) {
  "use strict";

  var LABEL_HEIGHT = 14;

  function overlaps(box, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) return true;
    }
    return false;
  }

  function inside(box, size) {
    return box[0] >= 0 && box[1] >= 0 && box[2] <= size.x && box[3] <= size.y;
  }

  function labelSpots(x, y, w, h, r) {
    // Eight directions around (x, y) at distance r: right, left, above, below, then the diagonals.
    return [
      [x + r, y - h / 2], [x - r - w, y - h / 2], [x - w / 2, y - r - h], [x - w / 2, y + r],
      [x + r * 0.7, y - r * 0.7 - h], [x - r * 0.7 - w, y + r * 0.7], [x + r * 0.7, y + r * 0.7], [x - r * 0.7 - w, y - r * 0.7 - h],
    ];
  }

  function placeSiteLabels(sites, measure, size, boxes, gap) {
    // sites: [{name, x, y, active}] in container pixels. Each label tries eight
    // directions at growing distances (a far one gets a leader line), keeps
    // clear of `boxes` and inside the map; failing that it is left out.
    // Returns [{name, x, y, tx, ty, w, leader, active, box}] (tx, ty: left, middle of the text).
    var placed = [], h = LABEL_HEIGHT;
    gap = gap === undefined ? 10 : gap;
    // Every site's own dot is an obstacle for every label.
    sites.forEach(function (s) { boxes.push([s.x - 4, s.y - 4, s.x + 4, s.y + 4]); });
    sites.forEach(function (s) {
      var x = s.x, y = s.y;
      if (x < -50 || y < -20 || x > size.x + 50 || y > size.y + 20) return;
      var w = measure(s.name);
      for (var step = 0; step < 6; step++) {
        var spots = labelSpots(x, y, w, h, gap + step * 12);
        for (var k = 0; k < spots.length; k++) {
          var bx = [spots[k][0] - 2, spots[k][1], spots[k][0] + w + 2, spots[k][1] + h];
          if (!overlaps(bx, boxes) && inside(bx, size)) {
            boxes.push(bx);
            placed.push({ name: s.name, x: x, y: y, tx: spots[k][0], ty: spots[k][1] + h / 2, w: w, leader: step > 0, active: s.active !== false, box: bx });
            return;
          }
        }
      }
      // No free spot: the name is left out rather than printed over another.
    });
    return placed;
  }

  function placeCentredLabels(labels, measure, size, boxes, margin) {
    // labels: [{name, x, y}] in container pixels, most important first. Each is
    // centred on its point, or left out if it would overprint something.
    var placed = [];
    margin = margin === undefined ? 2 : margin;
    for (var k = 0; k < labels.length; k++) {
      var c = labels[k], x = c.x, y = c.y;
      if (x < -100 || y < -20 || x > size.x + 100 || y > size.y + 20) continue;
      var w = measure(c.name);
      var box = [x - w / 2 - margin, y - 7, x + w / 2 + margin, y + 7];
      if (overlaps(box, boxes) || !inside(box, size)) continue;
      boxes.push(box);
      placed.push({ name: c.name, x: x - w / 2, y: y, w: w });
    }
    return placed;
  }

  var api = { LABEL_HEIGHT: LABEL_HEIGHT, overlaps: overlaps, inside: inside, placeSiteLabels: placeSiteLabels, placeCentredLabels: placeCentredLabels };
  root.EventmapLabels = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
