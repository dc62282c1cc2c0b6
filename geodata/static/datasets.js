// The datasets of the page's maps, held once per page (geodata/livemap.py's docstring says what each
// carries). Streamlit's st.components.v2 sends a component's whole script with every mount, so the
// datasets travel in mounts of a component of their own whose script is only this file
// (livemap.data_script, a few kilobytes), not in mounts of the map component (Leaflet and
// livemap.js, about 200 KB each time). The map components' scripts include this file too, and every
// copy uses the first one made on the page (globalThis.AtlasData), so all of them see one set of
// datasets. Plain ES2017, no Leaflet; also run in Node by tests/test_livemap.py.
var AtlasData = (function () {
  "use strict";
  var root = typeof globalThis !== "undefined" ? globalThis : window;
  if (root.AtlasData) return root.AtlasData;

  var held = {};
  var listeners = [];
  var debug = root.atlas = root.atlas || {maps: [], datasets: held, timings: {}, steps: 0, draws: 0};

  // A moment of the first map on the page's timeline (the browser's Performance API, read by
  // bench/bench_first_map.py --breakdown beside navigation and resource timing). Marked once per
  // dataset version and map, never per step, so a long session does not pile them up.
  function note(name) {
    if (typeof performance !== "undefined" && performance.mark) performance.mark("atlas: " + name);
  }

  // Typed columns arrive as one mount's bytes (geodata/livemap.py's pack_columns): a uint32 length,
  // a JSON header naming each column's type, offset and length, then the columns. Each is copied
  // out to a typed array of its own (the bytes need not start on a multiple of 4 in Streamlit's
  // message). Returns the header, its `columns` replaced by the arrays by name.
  var TYPES = {int32: Int32Array, uint16: Uint16Array, uint8: Uint8Array};
  function unpack(bytes) {
    var length = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
    var header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)));
    var columns = {};
    header.columns.forEach(function (c) {
      var at = bytes.byteOffset + c[2];
      columns[c[0]] = new TYPES[c[1]](bytes.buffer.slice(at, at + c[3]));
    });
    header.columns = columns;
    return header;
  }

  function decode(data) {
    if (data.columns) return {meta: data.meta, columns: data.columns};
    return JSON.parse(data.json);
  }

  // The listeners (the maps) hear of new datasets once per batch: Streamlit mounts each dataset on
  // its own, and on a first load they arrive one after another; rebuilding and redrawing on each
  // (the 100k points redrawn for the zones, again for the events...) cost a redraw per dataset.
  var pending = null;
  function changed() {
    if (pending !== null) return;
    pending = setTimeout(function () {
      pending = null;
      listeners.slice().forEach(function (f) { f(); });
    }, 0);
  }

  // A dataset is kept while any mount holds it (`mounts`): when the page moves a mount (an element
  // inserted above it), Streamlit may mount the new one before it unmounts the old one. Returns
  // the mount's cleanup.
  function receive(data) {
    var now = held[data.name];
    if (!now || now.version !== data.version) {
      var began = performance.now();
      note("received " + data.name);
      now = held[data.name] = {version: data.version, value: decode(data), mounts: 0};
      debug.timings["decode " + data.name] = performance.now() - began;
      note("decoded " + data.name);
      changed();
    }
    now.mounts += 1;
    var name = data.name, version = data.version;
    return function () {
      var still = held[name];
      if (still && still.version === version && --still.mounts === 0) {
        delete held[name];
        changed();
      }
    };
  }

  // The value of dataset `name`, or null while the page does not hold it.
  function dataset(name) { return held[name] ? held[name].value : null; }

  // Call `f` after datasets arrive or go; returns the function that stops it.
  function listen(f) {
    listeners.push(f);
    return function () { var at = listeners.indexOf(f); if (at >= 0) listeners.splice(at, 1); };
  }

  // The entry point of the datasets' own component.
  function mount(component) {
    var data = component.data || {};
    if (ArrayBuffer.isView(data)) data = unpack(data);  // the points (bytes: a Uint8Array)
    return data.role === "dataset" ? receive(data) : undefined;
  }

  root.AtlasData = {held: held, dataset: dataset, listen: listen, note: note, mount: mount, unpack: unpack};
  return root.AtlasData;
})();
