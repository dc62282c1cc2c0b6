// The browser half of geodata/fastpoints.py: a canvas points layer fed with columnar binary data,
// and the live view that filters zones, article events and points by date and kind without
// rebuilding the map. Read geodata/fastpoints.py's docstring for the data layout and the contract.
// Plain ES2017 on top of Leaflet; defined once per page (the guard below).
(function () {
  "use strict";
  if (window.AtlasPoints) return;
  var DAY_MS = 86400000;
  var NO_START = 65535;
  var LEVELS = 8; // opacity steps used for fading (one canvas state change per kind and step)

  function decode(b64) {
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  // First index whose value is > x (values sorted ascending).
  function upper(values, x) {
    var lo = 0, hi = values.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (values[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  function lower(values, x) {
    var lo = 0, hi = values.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (values[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // 1 for an event reaching the day, fading to `oldest` at the window's start (as layers.event_opacity).
  function fade(age, span, oldest) {
    return 1 - (1 - oldest) * Math.min(Math.max(age, 0) / span, 1);
  }

  function sprite(colour, ring, hollow) {
    var c = document.createElement("canvas");
    c.width = c.height = 12;
    var g = c.getContext("2d");
    g.beginPath();
    g.arc(6, 6, 4.5, 0, 2 * Math.PI);
    if (!hollow) { g.fillStyle = colour; g.globalAlpha = 0.8; g.fill(); g.globalAlpha = 1; }
    g.lineWidth = hollow ? 2 : 1;
    g.strokeStyle = hollow ? colour : ring;
    g.stroke();
    return c;
  }

  var AtlasPoints = L.Layer.extend({
    initialize: function (o) {
      var began = performance.now();
      var n = o.count, buf = decode(o.data);
      this.o = o;
      this.n = n;
      this.lon = new Int32Array(buf, 0, n);
      this.lat = new Int32Array(buf, 4 * n, n);
      this.start = new Uint16Array(buf, 8 * n, n);
      this.end = new Uint16Array(buf, 10 * n, n);
      this.kind = new Uint8Array(buf, 12 * n, n);
      this.flags = new Uint8Array(buf, 13 * n, n);
      this.radius = new Uint8Array(buf, 14 * n, n);
      // Web Mercator at zoom 0 (a 256 px world), computed once; a redraw only scales and shifts.
      this.px = new Float64Array(n);
      this.py = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var phi = this.lat[i] * 1e-5 * Math.PI / 180;
        this.px[i] = (this.lon[i] * 1e-5 + 180) / 360 * 256;
        this.py[i] = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2 * 256;
      }
      this.sel = new Int32Array(n);
      this.nsel = 0;
      this.bucket = new Int32Array(n);
      this.draws = 0;
      this.kindOn = new Uint8Array(o.kinds.length);
      this.state = null;
      this.sprites = o.kinds.map(function (k) {
        return [sprite(k.colour, o.ring, false), sprite(k.colour, o.ring, true)];
      });
      window.atlas.timings.decode = performance.now() - began;
    },

    onAdd: function (map) {
      this._map = map;
      if (!map.getPane("atlasPoints")) {
        var pane = map.createPane("atlasPoints");
        pane.style.zIndex = 450;
        pane.style.pointerEvents = "none";
      }
      this.canvas = L.DomUtil.create("canvas", "atlas-points");
      map.getPane("atlasPoints").appendChild(this.canvas);
      map.on("moveend zoomend resize viewreset", this.redraw, this);
      map.on("zoomstart", this._hide, this);
      map.on("click", this._click, this);
      this.redraw();
    },

    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this.redraw, this);
      map.off("zoomstart", this._hide, this);
      map.off("click", this._click, this);
      L.DomUtil.remove(this.canvas);
    },

    // state: {day, first (null: all before), span, kinds: [keys], on}
    setState: function (state) {
      var began = performance.now();
      this.state = state;
      var wanted = {};
      state.kinds.forEach(function (k) { wanted[k] = true; });
      for (var k = 0; k < this.o.kinds.length; k++) this.kindOn[k] = wanted[this.o.kinds[k].key] ? 1 : 0;
      this._filter();
      window.atlas.timings.filter = performance.now() - began;
      this.redraw();
    },

    // The indices (in encoding order) of the points the state shows.
    _filter: function () {
      var s = this.state, n = 0;
      if (!s || !s.on) { this.nsel = 0; return; }
      var hi = upper(this.start, s.day);
      var lo = s.first === null ? 0 : lower(this.start, Math.max(s.first - this.o.maxDuration, 0));
      for (var i = lo; i < hi; i++) {
        if (this.kindOn[this.kind[i]] && (s.first === null || this.end[i] >= s.first)) this.sel[n++] = i;
      }
      this.nsel = n;
    },

    selected: function () { return Array.from(this.sel.subarray(0, this.nsel)); },

    _hide: function () { if (this.canvas) this.canvas.style.visibility = "hidden"; },

    redraw: function () {
      var began = performance.now(), map = this._map;
      if (!map || !this.canvas) return;
      var size = map.getSize(), c = this.canvas;
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(c, topLeft);
      if (c.width !== size.x || c.height !== size.y) { c.width = size.x; c.height = size.y; }
      var g = c.getContext("2d");
      g.clearRect(0, 0, size.x, size.y);
      var s = this.state, nsel = this.nsel;
      if (s && nsel) this._paint(g, map, topLeft, size, s);
      c.style.visibility = "visible";
      window.atlas.timings.draw = performance.now() - began;
      this.draws += 1;
      window.atlas.draws = (window.atlas.draws || 0) + 1;
    },

    _paint: function (g, map, topLeft, size, s) {
      var scale = Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y;
      var nk = this.o.kinds.length, nb = nk * 2 * LEVELS;
      var counts = new Int32Array(nb + 1), order = this.bucket, sel = this.sel, nsel = this.nsel;
      var keys = new Int32Array(nsel), oldest = this.o.oldest;
      // Counting sort of the visible points by (kind, hollow, fade level): one pass to bucket,
      // one to draw, whatever the number of points.
      for (var j = 0; j < nsel; j++) {
        var i = sel[j];
        var level = Math.round((fade(s.day - this.end[i], s.span, oldest) - oldest) / (1 - oldest) * (LEVELS - 1));
        var hollow = (this.radius[i] > 0 || (this.flags[i] & 1)) ? 1 : 0;
        var key = (this.kind[i] * 2 + hollow) * LEVELS + level;
        keys[j] = key;
        counts[key + 1]++;
      }
      for (var b = 0; b < nb; b++) counts[b + 1] += counts[b];
      for (j = 0; j < nsel; j++) order[counts[keys[j]]++] = sel[j];
      // Many events share a place (datasets code them at a town's centre): a sprite already drawn
      // in the same 2 px cell with the same look is not drawn again (drawImage is the cost).
      var from = 0, w = size.x + 8, h = size.y + 8, sw = (w >> 1) + 8, stamp = this._stamps(sw * ((h >> 1) + 8));
      for (b = 0; b < nb; b++) {
        var to = counts[b];
        if (to === from) continue;
        var lvl = b % LEVELS, rest = (b - lvl) / LEVELS, img = this.sprites[rest >> 1][rest & 1];
        var seq = this._nextSeq();
        g.globalAlpha = oldest + (1 - oldest) * lvl / (LEVELS - 1);
        for (j = from; j < to; j++) {
          var p = order[j], x = this.px[p] * scale - ox, y = this.py[p] * scale - oy;
          if (!(x > -8 && y > -8 && x < w && y < h)) continue;
          var cell = ((y + 8) >> 1) * sw + ((x + 8) >> 1);
          if (stamp[cell] === seq) continue;
          stamp[cell] = seq;
          g.drawImage(img, x - 6, y - 6);
        }
        from = to;
      }
      g.globalAlpha = 1;
      if (map.getZoom() >= this.o.circleZoom) this._circles(g, map, scale, ox, oy, size);
    },

    _stamps: function (cells) {
      if (!this.stamp || this.stamp.length < cells) { this.stamp = new Uint32Array(cells); this.seq = 0; }
      return this.stamp;
    },

    _nextSeq: function () {
      if (this.seq >= 0xfffffff0) { this.stamp.fill(0); this.seq = 0; }
      return ++this.seq;
    },

    // Uncertainty circles of points located only to a region, when zoomed in enough to read them.
    _circles: function (g, map, scale, ox, oy, size) {
      var radii = this.o.radii, metres = 40075016.686 / (256 * scale);
      g.setLineDash([6, 4]);
      g.lineWidth = 1;
      g.strokeStyle = this.o.ring;
      for (var j = 0; j < this.nsel; j++) {
        var i = this.sel[j];
        if (!this.radius[i]) continue;
        var x = this.px[i] * scale - ox, y = this.py[i] * scale - oy;
        var r = radii[this.radius[i]] * 1000 / (metres * Math.cos(this.lat[i] * 1e-5 * Math.PI / 180));
        if (x + r < 0 || y + r < 0 || x - r > size.x || y - r > size.y) continue;
        g.beginPath();
        g.arc(x, y, r, 0, 2 * Math.PI);
        g.stroke();
      }
      g.setLineDash([]);
    },

    // The visible point nearest to a container pixel (within `tolerance` px), or -1.
    nearest: function (point, tolerance) {
      var map = this._map, scale = Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      var pane = map._getMapPanePos(), best = -1, bestD = tolerance * tolerance;
      for (var j = 0; j < this.nsel; j++) {
        var i = this.sel[j];
        var dx = this.px[i] * scale - origin.x + pane.x - point.x;
        var dy = this.py[i] * scale - origin.y + pane.y - point.y;
        var d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = i; }
      }
      return best;
    },

    // A click on a point: a small popup built from the binary data (text nodes only: nothing from
    // the data becomes markup), and the click's position snapped to the point, so the server-side
    // handler (st_folium's `last_clicked`) can look up every event at that place.
    _click: function (e) {
      var i = this.nearest(e.containerPoint, 7);
      if (i < 0) return;
      var lat = this.lat[i] * 1e-5, lon = this.lon[i] * 1e-5, here = 0;
      for (var j = 0; j < this.nsel; j++) {
        var k = this.sel[j];
        if (this.lat[k] === this.lat[i] && this.lon[k] === this.lon[i]) here++;
      }
      e.latlng = L.latLng(lat, lon);
      var box = document.createElement("div");
      var title = document.createElement("b");
      title.textContent = this.o.label + ": " + this.o.kinds[this.kind[i]].key.replace(/_/g, " ");
      box.appendChild(title);
      var when = this._iso(this.start[i]) + (this.end[i] !== this.start[i] ? " – " + this._iso(this.end[i]) : "");
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(when + (here > 1 ? " (" + here + " events here in the window)" : "")));
      box.appendChild(document.createElement("br"));
      var more = document.createElement("i");
      more.textContent = "Details: the table under the map.";
      box.appendChild(more);
      this.lastClicked = i;
      L.popup({maxWidth: 300}).setLatLng(e.latlng).setContent(box).openOn(this._map);
    },

    _iso: function (day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); },
  });

  // Zones, bands, article events and the reference layer are few: drawn by folium once for every
  // date, then shown or hidden here (removed from / put back into their GeoJson layer) and faded.
  function Live(map) {
    this.map = map;
    this.items = [];
    var items = this.items;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.GeoJSON)) return;
      layer.eachLayer(function (f) {
        var p = f.feature && f.feature.properties;
        if (!p || !p.layer) return;
        items.push({layer: f, group: layer, p: p, base: {opacity: f.options.opacity, fill: f.options.fillOpacity}});
      });
    });
  }

  Live.prototype.shows = function (p, s) {
    if (p.layer === "reference") return s.reference;
    if (s.kinds.indexOf(p.kind) < 0) return false;
    if (p.layer === "zones" || p.layer === "bands") {
      return p.valid_from <= s.dayIso && (p.valid_to === null || p.valid_to === undefined || p.valid_to >= s.dayIso);
    }
    if (p.layer === "events") {
      return p.date_start <= s.dayIso && (s.firstIso === null || p.date_end >= s.firstIso);
    }
    return true;
  };

  Live.prototype.setState = function (s) {
    var day = Date.parse(s.dayIso) / DAY_MS;
    for (var k = 0; k < this.items.length; k++) {
      var it = this.items[k], on = this.shows(it.p, s), has = it.group.hasLayer(it.layer);
      if (on && !has) it.group.addLayer(it.layer);
      if (!on && has) it.group.removeLayer(it.layer);
      if (on && it.p.layer === "events" && it.layer.setStyle) {
        var f = fade(day - Date.parse(it.p.date_end) / DAY_MS, s.span, s.oldest);
        it.layer.setStyle({opacity: it.base.opacity * f, fillOpacity: it.base.fill * f});
      }
    }
    document.querySelectorAll(".atlas-legend [data-key]").forEach(function (row) {
      var key = row.getAttribute("data-key");
      row.style.display = key === "imported" ? (s.imported ? "" : "none") : (s.kinds.indexOf(key) < 0 ? "none" : "");
    });
  };

  window.AtlasPoints = AtlasPoints;
  window.AtlasLive = Live;
  window.atlas = window.atlas || {draws: 0, steps: 0, timings: {}};
  window.atlas.timings.loaded = Date.now();
  // The page (or the Streamlit app around the map's frame) calls this with each new view.
  window.atlas.setState = function (s) {
    var key = JSON.stringify(s);
    if (key === window.atlas.key) return; // the server confirming what the page already shows
    window.atlas.key = key;
    window.atlas.state = s;
    window.atlas.steps += 1;
    if (window.atlas.live) window.atlas.live.setState(s);
    if (window.atlas.points) {
      window.atlas.points.setState({day: s.day, first: s.first, span: s.span, kinds: s.kinds, on: s.imported});
    }
  };
})();
