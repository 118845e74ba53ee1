/* The one script that talks to Qt: QWebChannel in, eventmap.notify out.
 *
 * Python calls eventmap.call(name, payload) with JSON (desktop/map/bridge.py);
 * every eventmap.notify(name, payload) goes to the Python object "bridge"
 * as receive(name, JSON text).
 */
(function () {
  "use strict";
  var queue = [], bridge = null;

  function send(name, payload) {
    var text = JSON.stringify(payload === undefined ? null : payload);
    if (bridge) bridge.receive(name, text);
    else queue.push([name, text]);
  }

  function attach() {
    if (!window.eventmap) { setTimeout(attach, 0); return; }
    window.eventmap.listeners.push(send);
  }
  attach();

  if (typeof QWebChannel === "undefined" || typeof qt === "undefined") return;
  new QWebChannel(qt.webChannelTransport, function (channel) {
    bridge = channel.objects.bridge;
    queue.forEach(function (m) { bridge.receive(m[0], m[1]); });
    queue = [];
  });
})();
