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

  // The page's own store of datasets: the larger ones (at least KEEP.least characters or bytes)
  // are kept in the browser's IndexedDB under their version (a hash of their content), and the
  // cookie KEEP.cookie lists the versions kept (geodata/livemap.py's KEPT_COOKIE, read by the server
  // when a session begins: ui/map_data.py). A new session in the same browser is then sent only the
  // name and version of a dataset kept ({kept: true}) and reads it from here. Only the KEEP.most
  // latest written are kept. The writing waits until the page is idle, after the first draw.
  var KEEP = {database: "atlas-datasets", objects: "datasets", cookie: "atlas_datasets", most: 8,
    least: 16384, version: /^[0-9a-f]{16}$/, idle: 3000};
  var kept = debug.kept = {written: [], restored: {}, missing: []};
  var opened = null;

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function openStore() {
    if (opened) return opened;
    if (!root.indexedDB) return Promise.reject(new Error("no IndexedDB in this page"));
    var r = root.indexedDB.open(KEEP.database, 1);
    r.onupgradeneeded = function () {
      r.result.createObjectStore(KEEP.objects, {keyPath: "version"}).createIndex("at", "at");
    };
    opened = request(r);
    opened.catch(function () { opened = null; });
    return opened;
  }

  function whenIdle(f) {
    if (root.requestIdleCallback) root.requestIdleCallback(f, {timeout: KEEP.idle});
    else setTimeout(f, 500);
  }

  // The cookie lists what the store holds now (written after each change of the store).
  function listKept(db) {
    return request(db.transaction(KEEP.objects).objectStore(KEEP.objects).getAllKeys()).then(function (keys) {
      var versions = keys.filter(function (v) { return KEEP.version.test(v); });
      document.cookie = KEEP.cookie + "=" + versions.join(".") + "; path=/; max-age=31536000; SameSite=Strict";
      return versions;
    });
  }

  // Keep `raw` (a mount's data as it arrived: a dataset's text or its packed bytes) under `version`;
  // then drop the oldest beyond KEEP.most.
  function keep(name, version, raw) {
    var size = ArrayBuffer.isView(raw) ? raw.byteLength : (raw.json || "").length;
    if (size < KEEP.least || !KEEP.version.test(version)) return;
    if (ArrayBuffer.isView(raw)) raw = raw.slice();  // its own copy, not a view into Streamlit's message
    whenIdle(function () {
      openStore().then(function (db) {
        var tx = db.transaction(KEEP.objects, "readwrite"), store = tx.objectStore(KEEP.objects);
        store.put({version: version, name: name, at: Date.now(), data: raw});
        request(store.count()).then(function (count) {
          var extra = count - KEEP.most;
          if (extra <= 0) return;
          store.index("at").openKeyCursor().onsuccess = function (event) {
            var cursor = event.target.result;
            if (!cursor || extra-- <= 0) return;
            store.delete(cursor.primaryKey);
            cursor.continue();
          };
        });
        return new Promise(function (resolve, reject) {
          tx.oncomplete = resolve;
          tx.onerror = tx.onabort = function () { reject(tx.error); };
        }).then(function () { kept.written.push(name + " " + version); return listKept(db); });
      }).catch(function (error) { debug.keepError = String(error); });
    });
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
  // the mount's cleanup. `raw` is the mount's data as it arrived (kept in the browser when large),
  // or null when it came from the browser's store.
  function receive(data, raw) {
    var now = held[data.name];
    if (!now || now.version !== data.version) {
      var began = performance.now();
      note((raw ? "received " : "restored ") + data.name);
      now = held[data.name] = {version: data.version, value: decode(data), mounts: 0};
      debug.timings["decode " + data.name] = performance.now() - began;
      note("decoded " + data.name);
      changed();
      if (raw) keep(data.name, data.version, raw);
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

  // A mount that names a dataset the cookie says the browser keeps: read it from the store, or, when
  // it is not there (storage cleared, another server on this host), report its version as the
  // state `missing`: the server then sends it whole in a new run. The mounts of one moment are read
  // in one transaction and received together, so the maps draw once for all of them.
  var asking = null;
  function receiveKept(component, data) {
    var now = held[data.name];
    if (now && now.version === data.version) return receive(data, null);
    var ask = {component: component, data: data, gone: false, cleanup: null};
    note("asked the browser's store for " + data.name);
    if (!asking) { asking = []; setTimeout(readAsked, 0); }
    asking.push(ask);
    return function () { ask.gone = true; if (ask.cleanup) ask.cleanup(); };
  }

  function readAsked() {
    var asks = asking, began = performance.now();
    asking = null;
    openStore().then(function (db) {
      var store = db.transaction(KEEP.objects).objectStore(KEEP.objects);
      return Promise.all(asks.map(function (a) {
        return request(store.get(a.data.version)).catch(function () { return null; });
      }));
    }).catch(function () { return []; }).then(function (found) {
      asks.forEach(function (a, i) {
        if (a.gone) return;
        var f = found[i];
        try {
          if (!f || f.name !== a.data.name) throw new Error(a.data.name + " is not kept");
          a.cleanup = receive(ArrayBuffer.isView(f.data) ? unpack(f.data) : f.data, null);
          kept.restored[a.data.name] = a.data.version;
          debug.timings["restore " + a.data.name] = performance.now() - began;
        } catch (error) {  // not kept after all, or unreadable: asked for whole
          note("missing " + a.data.name);
          kept.missing.push(a.data.name + " " + a.data.version);
          if (a.component.setStateValue) a.component.setStateValue("missing", a.data.version);
        }
      });
    });
  }

  // The entry point of the datasets' own component.
  function mount(component) {
    var data = component.data || {};
    if (ArrayBuffer.isView(data)) return receive(unpack(data), data);  // the points (bytes: a Uint8Array)
    if (data.role !== "dataset") return undefined;
    return data.kept ? receiveKept(component, data) : receive(data, data);
  }

  root.AtlasData = {held: held, dataset: dataset, listen: listen, note: note, mount: mount, unpack: unpack,
    keep: KEEP};
  return root.AtlasData;
})();
