// The page half of geodata/livemap.py: De-escalation Atlas's live map, mounted by Streamlit as a
// component (st.components.v2). Read geodata/livemap.py's docstring for what each mount carries and
// what the page sends back. Plain ES2017 over Leaflet and datasets.js (AtlasData: the datasets,
// loaded just before this file); no build step.
// Everything is inside AtlasLive; `AtlasLive.rules` are checked against geodata.temporal and
// geodata.layers by tests/test_livemap.py (run in Node, where there is no Leaflet and no page).
var AtlasLive = (function () {
  "use strict";
  var DAY_MS = 86400000;

  // ---------------------------------------------------------------------------------------------
  // The rules. Days are whole days since 1970-01-01; null is a missing date.

  // First day of the window of `windowDays` days ending on `day` (null: everything before).
  function windowFirst(day, windowDays) {
    return windowDays === null ? null : day - windowDays + 1;
  }

  // Does the interval [start, end] touch the window [first, day]? (geodata.temporal.in_window_mask)
  function inWindow(start, end, day, first) {
    if (start === null || start > day) return false;
    return first === null || (end !== null && end >= first);
  }

  // Is an instrument valid from `from` to `to` (null: open) in force on `day`? (in_force_mask)
  function inForce(from, to, day) {
    return from !== null && from <= day && (to === null || day <= to);
  }

  // Opacity of an event last seen `age` days before the view's day (geodata.layers.event_opacity).
  function fade(age, span, oldest) {
    return 1 - (1 - oldest) * Math.min(Math.max(age, 0) / span, 1);
  }

  // The same for an event's dates: age counted from its end, or its start when it has no end.
  function eventFade(start, end, day, span, oldest) {
    var last = end !== null ? end : start;
    return last === null ? 1 : fade(day - last, span, oldest);
  }

  function isoDay(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function dayOf(iso) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso || "")) return null;
    var t = Date.parse(iso + "T00:00:00Z");
    return isNaN(t) ? null : Math.round(t / DAY_MS);
  }

  var rules = {windowFirst: windowFirst, inWindow: inWindow, inForce: inForce, fade: fade,
    eventFade: eventFade, isoDay: isoDay, dayOf: dayOf};

  // ---------------------------------------------------------------------------------------------
  // Shared by every mount of the component on the page: the datasets, and the maps drawing them.

  // The datasets are held by AtlasData (datasets.js, loaded just before this file), shared by every
  // map component's script on the page; the maps hear of their arrival from it.
  var datasets = AtlasData.held, note = AtlasData.note;
  var debug = (typeof globalThis !== "undefined" ? globalThis : window);
  var maps = debug.atlas.maps;
  note("script evaluated");
  AtlasData.listen(function () { maps.forEach(function (m) { m.datasetsChanged(); }); });

  // ---------------------------------------------------------------------------------------------
  // The imported events: one canvas, drawn pixel by pixel from typed arrays.

  // First index whose value is > x (values sorted ascending), and first whose value is >= x.
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

  var LEVELS = 8;      // fade steps
  var SPRITE = 5;      // sprite radius in pixels (11 x 11)
  var NO_START = 65535;

  // One sprite per kind, look (filled dot or hollow ring) and fade level, as pixels: the canvas
  // API's drawImage costs about a microsecond a call, too slow for a million points in one frame,
  // so the points are stamped into an ImageData buffer instead and put on the canvas at once.
  function makeSprite(colour, ring, hollow, alpha) {
    var size = 2 * SPRITE + 1, c = document.createElement("canvas");
    c.width = c.height = size;
    var g = c.getContext("2d");
    g.globalAlpha = alpha;
    g.beginPath();
    g.arc(SPRITE + 0.5, SPRITE + 0.5, 4.3, 0, 2 * Math.PI);
    if (!hollow) { g.fillStyle = colour; g.globalAlpha = 0.85 * alpha; g.fill(); g.globalAlpha = alpha; }
    g.lineWidth = hollow ? 2 : 1;
    g.strokeStyle = hollow ? colour : ring;
    g.stroke();
    var pixels = new Uint32Array(g.getImageData(0, 0, size, size).data.buffer);
    var dx = [], dy = [], values = [];
    for (var y = 0; y < size; y++) {
      for (var x = 0; x < size; x++) {
        var v = pixels[y * size + x];
        if (v >>> 24) { dx.push(x - SPRITE); dy.push(y - SPRITE); values.push(v); }
      }
    }
    return {dx: Int32Array.from(dx), dy: Int32Array.from(dy), values: Uint32Array.from(values), offsets: null, width: -1};
  }

  var PointsLayer = (typeof L === "undefined") ? null : L.Layer.extend({
    initialize: function (set, styles, kinds, options) {
      var began = performance.now(), columns = set.columns, n = set.meta.count;
      this.meta = set.meta;
      this.options2 = options;
      this.n = n;
      this.lon = columns.lon;
      this.lat = columns.lat;
      this.start = columns.start;
      this.end = columns.end;
      this.kind = columns.kind;
      this.flags = columns.flags;
      this.radius = columns.radius;
      this.kinds = kinds;
      // Web Mercator at zoom 0 (a 256 px world), computed once; a redraw only scales and shifts.
      this.px = new Float64Array(n);
      this.py = new Float64Array(n);
      var present = new Uint8Array(kinds.length);
      // Per point, computed once: the day its fading counts from (its end, else its start: as
      // rules.eventFade), its look (kind and filled or hollow), and later its pixel in the buffer.
      this.last = new Uint16Array(n);
      this.look = new Uint8Array(n);
      this.pix = new Int32Array(n);
      this.pixKey = null;
      for (var i = 0; i < n; i++) {
        var phi = this.lat[i] * 1e-5 * Math.PI / 180;
        this.px[i] = (this.lon[i] * 1e-5 + 180) / 360 * 256;
        this.py[i] = (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2 * 256;
        present[this.kind[i]] = 1;
        this.last[i] = this.end[i] !== 0 ? this.end[i] : this.start[i];
        this.look[i] = this.kind[i] * 2 + ((this.radius[i] > 0 || (this.flags[i] & 1)) ? 1 : 0);
      }
      this.present = kinds.filter(function (k, j) { return present[j]; });
      this.sel = new Int32Array(n);
      this.order = new Int32Array(Math.max(n, 1));
      this.nsel = 0;
      this.kindOn = new Uint8Array(kinds.length);
      this.sprites = [];
      for (var k = 0; k < kinds.length; k++) {
        var colour = styles[kinds[k]].colour;
        for (var hollow = 0; hollow < 2; hollow++) {
          for (var level = 0; level < LEVELS; level++) {
            var alpha = options.oldest + (1 - options.oldest) * level / (LEVELS - 1);
            this.sprites.push(makeSprite(colour, options.ring, hollow, alpha));
          }
        }
      }
      debug.atlas.timings.points = performance.now() - began;
    },

    onAdd: function (map) {
      this._map = map;
      this.canvas = L.DomUtil.create("canvas", "atlas-points");
      map.getPane("atlasPoints").appendChild(this.canvas);
      map.on("moveend zoomend resize viewreset", this.redraw, this);
      map.on("zoomstart", this._hide, this);
      this.redraw();
    },

    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this.redraw, this);
      map.off("zoomstart", this._hide, this);
      L.DomUtil.remove(this.canvas);
      this.canvas = null;
    },

    // The points `view` shows: kind visible, dates touching the window (rules.inWindow).
    select: function (view) {
      var began = performance.now(), n = 0;
      this.view = view;
      if (view.imported) {
        for (var k = 0; k < this.kinds.length; k++) this.kindOn[k] = view.on[this.kinds[k]] ? 1 : 0;
        var start = this.start, end = this.end, day = view.day, first = view.first;
        var hi = upper(start, day);
        var lo = first === null ? 0 : lower(start, Math.max(first - this.meta.maxDuration, 0));
        for (var i = lo; i < hi; i++) {
          var e = end[i];
          if (this.kindOn[this.kind[i]] && inWindow(start[i], e === 0 ? null : e, day, first)) this.sel[n++] = i;
        }
      }
      this.nsel = n;
      debug.atlas.timings.filter = performance.now() - began;
    },

    selected: function () { return Array.from(this.sel.subarray(0, this.nsel)); },

    _hide: function () { if (this.canvas) this.canvas.style.visibility = "hidden"; },

    redraw: function () {
      var began = performance.now(), map = this._map, c = this.canvas;
      if (!map || !c) return;
      var size = map.getSize();
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(c, topLeft);
      if (c.width !== size.x || c.height !== size.y) { c.width = size.x; c.height = size.y; this.image = null; }
      var g = c.getContext("2d");
      if (this.nsel && this.view) this._paint(g, map, topLeft, size);
      else g.clearRect(0, 0, size.x, size.y);
      c.style.visibility = "visible";
      debug.atlas.timings.draw = performance.now() - began;
      debug.atlas.draws += 1;
    },

    // Two passes over the visible points: first, which look wins each pixel (the newest fade level,
    // then the kind); then one sprite per occupied pixel, older looks first. At 100,000 points the
    // points share about 20,000 pixels at the zoom that shows Syria, so the cost follows the pixels,
    // not the points. The buffer has a sprite's margin all round, so no stamp needs a bounds check;
    // putImageData places it at (-margin, -margin) and the canvas clips the rest.
    _paint: function (g, map, topLeft, size) {
      var w = size.x, h = size.y, m = SPRITE, W = w + 2 * m, H = h + 2 * m, view = this.view;
      var oldest = this.options2.oldest, nk = this.kinds.length, looks = nk * 2;
      if (!this.image) {
        this.image = g.createImageData(W, H);
        this.pixels = new Uint32Array(this.image.data.buffer);
        this.top = new Int32Array(W * H);
        this.touched = new Int32Array(Math.max(this.n, 1));
      }
      var pixels = this.pixels, top = this.top, touched = this.touched, nt = 0;
      pixels.fill(0);
      var scale = Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      var ox = origin.x + topLeft.x - m, oy = origin.y + topLeft.y - m;
      var sel = this.sel, nsel = this.nsel, j, i, pix;
      // Where each point falls in the buffer, kept while the map does not move: a slider step
      // only changes which points are drawn, not where.
      var key = scale + "," + ox + "," + oy + "," + W + "," + H;
      if (this.pixKey !== key) {
        for (i = 0; i < this.n; i++) {
          var x = Math.round(this.px[i] * scale - ox), y = Math.round(this.py[i] * scale - oy);
          this.pix[i] = (x < m || y < m || x >= W - m || y >= H - m) ? -1 : y * W + x;
        }
        this.pixKey = key;
      }
      // The fade level of each age (days since a point's last day): rules.eventFade, in LEVELS steps.
      var span = view.span, levels = new Uint8Array(span + 1);
      for (var age = 0; age <= span; age++) {
        levels[age] = Math.round((fade(age, span, oldest) - oldest) / (1 - oldest) * (LEVELS - 1));
      }
      var day = view.day, last = this.last, look = this.look, where = this.pix;
      for (j = 0; j < nsel; j++) {
        i = sel[j];
        pix = where[i];
        if (pix < 0) continue;
        var a = day - last[i];
        var rank = (a <= 0 ? LEVELS - 1 : a >= span ? levels[span] : levels[a]) * looks + look[i] + 1;
        if (top[pix] === 0) touched[nt++] = pix;
        if (rank > top[pix]) top[pix] = rank;
      }
      // Counting sort of the occupied pixels by their winning rank, then one stamp each.
      var nr = LEVELS * looks + 1, counts = new Int32Array(nr + 1), order = this.order;
      for (j = 0; j < nt; j++) counts[top[touched[j]] + 1]++;
      for (var r = 0; r < nr; r++) counts[r + 1] += counts[r];
      for (j = 0; j < nt; j++) order[counts[top[touched[j]]]++] = touched[j];
      for (j = 0; j < nt; j++) {
        pix = order[j];
        var rank2 = top[pix] - 1, look = rank2 % looks, lvl = (rank2 - look) / looks;
        var sprite = this.sprites[look * LEVELS + lvl];
        if (sprite.width !== W) {
          sprite.offsets = new Int32Array(sprite.dx.length);
          for (var k = 0; k < sprite.dx.length; k++) sprite.offsets[k] = sprite.dy[k] * W + sprite.dx[k];
          sprite.width = W;
        }
        var offsets = sprite.offsets, values = sprite.values;
        for (k = 0; k < offsets.length; k++) pixels[pix + offsets[k]] = values[k];
        top[pix] = 0;
      }
      g.putImageData(this.image, -m, -m);
      debug.atlas.timings.pixels = nt;
      if (!this.painted) { this.painted = true; note("points painted"); }
      if (map.getZoom() >= this.options2.circleZoom) this._circles(g, scale, ox + m, oy + m, w, h);
    },

    // Uncertainty circles of points located only to a region, when zoomed in enough to read them.
    _circles: function (g, scale, ox, oy, w, h) {
      var radii = this.meta.radii, metres = 40075016.686 / (256 * scale);
      g.setLineDash([6, 4]);
      g.lineWidth = 1;
      g.strokeStyle = this.options2.ring;
      for (var j = 0; j < this.nsel; j++) {
        var i = this.sel[j];
        if (!this.radius[i]) continue;
        var x = this.px[i] * scale - ox, y = this.py[i] * scale - oy;
        var r = radii[this.radius[i]] * 1000 / (metres * Math.cos(this.lat[i] * 1e-5 * Math.PI / 180));
        if (x + r < 0 || y + r < 0 || x - r > w || y - r > h) continue;
        g.beginPath();
        g.arc(x, y, r, 0, 2 * Math.PI);
        g.stroke();
      }
      g.setLineDash([]);
    },

    // The visible point nearest to a container pixel (within `tolerance` px), or -1.
    nearest: function (point, tolerance) {
      var map = this._map, scale = Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      var ox = origin.x + topLeft.x, oy = origin.y + topLeft.y, best = -1, bestD = tolerance * tolerance;
      for (var j = 0; j < this.nsel; j++) {
        var i = this.sel[j];
        var dx = this.px[i] * scale - ox - point.x, dy = this.py[i] * scale - oy - point.y;
        var d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = i; }
      }
      return best;
    },

    // How many visible points share point i's exact place.
    here: function (i) {
      var count = 0;
      for (var j = 0; j < this.nsel; j++) {
        var k = this.sel[j];
        if (this.lat[k] === this.lat[i] && this.lon[k] === this.lon[i]) count++;
      }
      return count;
    },
  });

  // ---------------------------------------------------------------------------------------------
  // Building blocks of the page: elements made with text nodes only (nothing becomes markup here
  // except the tooltip and popup HTML geodata.layers escaped on the server).

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  var WINDOW_WORDS = {"7": "the last 7 days", "30": "the last 30 days", "90": "the last 90 days",
    "365": "the last 365 days", "all": "all days before"};

  function windowDays(label) { return label === "all" ? null : parseInt(label, 10); }
  function windowLabel(days) { return days === null ? "all" : String(days); }

  var PANES = [["atlasBase", 210], ["atlasCircles", 300], ["atlasBands", 320], ["atlasZones", 400],
    ["atlasRoutes", 410], ["atlasLabels", 430], ["atlasPoints", 450], ["atlasEvents", 500], ["atlasPosts", 520],
    ["atlasPreview", 540]];
  var INERT = {atlasBase: 1, atlasCircles: 1, atlasBands: 1, atlasLabels: 1, atlasPoints: 1};

  // ---------------------------------------------------------------------------------------------
  // One live map.

  function AtlasMap(component, config) {
    note("map mounted");
    this.parent = component.parentElement;
    this.config = config;
    this.bind(component);
    var start = config.start;
    this.day = start.day;
    this.window = start.window;
    this.on = {};
    var on = this.on;
    config.layers.forEach(function (key) { on[key] = start.layers.indexOf(key) >= 0; });
    this.all = start.day < config.range.core[0] || start.day > config.range.core[1];
    this.playing = null;
    this.built = {};
    this.build();
    this.datasetsChanged();
    this.reported = JSON.stringify(this.params());
    maps.push(this);
    // A phone: the server shows its tables with fewer columns (said once; desktops say nothing).
    if (this.ui.root.getBoundingClientRect().width < 600 && this.setState) this.setState("narrow", true);
  }

  AtlasMap.prototype.bind = function (component) {
    this.setState = component.setStateValue;
    this.setTrigger = component.setTriggerValue;
  };

  AtlasMap.prototype.build = function () {
    var config = this.config, self = this;
    var root = el("div", {className: "atlas"});
    var prev = el("button", {type: "button", className: "atlas-prev", title: "Previous event or zone change",
      "aria-label": "Previous event or zone change", text: "◀ Prev"});
    var play = el("button", {type: "button", className: "atlas-play", "aria-pressed": "false", text: "▶ Play"});
    var next = el("button", {type: "button", className: "atlas-next", title: "Next event or zone change",
      "aria-label": "Next event or zone change", text: "Next ▶"});
    var slider = el("input", {type: "range", className: "atlas-slider", step: "1", "aria-label": "Day"});
    var date = el("input", {type: "date", className: "atlas-date", "aria-label": "Date",
      min: isoDay(config.range.full[0]), max: isoDay(config.range.full[1])});
    var all = el("input", {type: "checkbox", className: "atlas-all-dates"});
    var windowSelect = el("select", {className: "atlas-window", "aria-label": "Events window"},
      config.windows.map(function (label) { return el("option", {value: label, text: WINDOW_WORDS[label] || label}); }));
    var lowEnd = el("span", {className: "atlas-end"}), highEnd = el("span", {className: "atlas-end"});
    var bar = el("div", {className: "atlas-bar", role: "group", "aria-label": "Day shown"}, [
      prev, play, next,
      el("div", {className: "atlas-track"}, [slider, el("div", {className: "atlas-ends"}, [lowEnd, highEnd])]),
      date,
      el("label", {className: "atlas-check"}, [all, document.createTextNode(" All dates")]),
      el("label", {className: "atlas-check"}, [document.createTextNode("Events of "), windowSelect]),
    ]);
    var mapDiv = el("div", {className: "atlas-map"});
    mapDiv.style.height = "min(" + config.height + "px, 75vh)";  // a phone keeps room for the controls
    root.appendChild(bar);
    root.appendChild(mapDiv);
    this.parent.appendChild(root);
    this.ui = {root: root, prev: prev, play: play, next: next, slider: slider, date: date, all: all,
      window: windowSelect, lowEnd: lowEnd, highEnd: highEnd};

    slider.addEventListener("input", function () { self.goTo(parseInt(slider.value, 10)); });
    date.addEventListener("change", function () {
      var day = dayOf(date.value);
      if (day === null) return;
      day = Math.min(Math.max(day, config.range.full[0]), config.range.full[1]);
      if (day < config.range.core[0] || day > config.range.core[1]) self.all = true;
      self.goTo(day);
    });
    all.addEventListener("change", function () { self.all = all.checked; self.goTo(self.day); });
    windowSelect.addEventListener("change", function () { self.window = windowDays(windowSelect.value); self.apply(); });
    prev.addEventListener("click", function () { var d = self.stop(-1); if (d !== null) self.goTo(d); });
    next.addEventListener("click", function () { var d = self.stop(1); if (d !== null) self.goTo(d); });
    play.addEventListener("click", function () { self.togglePlay(); });

    var map = L.map(mapDiv, {zoomControl: true, attributionControl: true, minZoom: 4, maxZoom: 16,
      zoomSnap: 0.5, zoomDelta: 1, worldCopyJump: false});
    map.attributionControl.setPrefix("Leaflet");
    // Leaflet's keyboard handler focuses the map on mousedown and then restores the *window's*
    // scroll; Streamlit scrolls an inner element, so a click on a map partly below the fold would
    // scroll the page between mousedown and mouseup and the click would be lost. Focus without
    // scrolling instead (the map keeps its arrow-key and +/- navigation).
    mapDiv.focus = function () { HTMLElement.prototype.focus.call(mapDiv, {preventScroll: true}); };
    PANES.forEach(function (p) {
      var pane = map.createPane(p[0]);
      pane.style.zIndex = p[1];
      if (INERT[p[0]]) pane.style.pointerEvents = "none";
    });
    var s = config.start;
    if (s.zoom !== null && s.lat !== null && s.lon !== null) map.setView([s.lat, s.lon], s.zoom);
    else map.fitBounds([[config.frame[1], config.frame[0]], [config.frame[3], config.frame[2]]]);
    map.on("moveend", function () { self.report(); });
    map.on("zoomend", function () { self.showLabels(); });
    map.on("click", function (e) { self.clickPoints(e); });
    if (config.tiles) {
      var tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {maxZoom: 19});
      // Credit the tiles only once one has been drawn: offline, none ever is.
      tiles.once("tileload", function () { map.attributionControl.addAttribution(config.osmAttribution); });
      tiles.addTo(map);
    }
    this.map = map;
    this.legend = L.control({position: "bottomright"});
    this.legend.onAdd = function () { return self.buildLegend(); };
    this.legend.addTo(map);
  };

  AtlasMap.prototype.buildLegend = function () {
    var self = this, config = this.config;
    var narrow = this.ui.root.getBoundingClientRect().width < 600;
    var box = el("details", {className: "atlas-legend"});
    if (!narrow) box.setAttribute("open", "");
    box.appendChild(el("summary", {text: "Legend and layers"}));
    this.legendBody = el("div", {className: "atlas-legend-body"});
    box.appendChild(this.legendBody);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    this.legendBox = box;
    this.legendBody.addEventListener("change", function (e) {
      var key = e.target.getAttribute("data-key");
      if (key) { self.on[key] = e.target.checked; self.apply(); }
    });
    return box;
  };

  // The legend's rows: one toggle per layer the data has, then how to read the symbols.
  AtlasMap.prototype.fillLegend = function () {
    var self = this, config = this.config, body = this.legendBody, present = this.present();
    body.textContent = "";
    var groups = [["zones", "Zones in force"], ["events", "Events in the window"], ["base", "Base map"]];
    groups.forEach(function (group) {
      var keys = config.layers.filter(function (k) { return config.styles[k].group === group[0] && present[k]; });
      if (!keys.length) return;
      body.appendChild(el("div", {className: "atlas-legend-group", text: group[1]}));
      keys.forEach(function (key) {
        var style = config.styles[key];
        var box = el("input", {type: "checkbox", "data-key": key});
        box.checked = !!self.on[key];
        var swatch = el("span", {className: "atlas-swatch atlas-swatch-" + style.group + " atlas-swatch-" + key});
        swatch.style.setProperty("--c", style.colour);
        body.appendChild(el("label", {className: "atlas-legend-row", "data-key": key},
          [box, swatch, document.createTextNode(style.label)]));
      });
    });
    var cues = (this.preview && this.preview.length ? ["black ring, “new”: " + config.previewLabel] : []).concat([
      "dashed outline and soft band: boundary known only approximately",
      "● occurred · ◌ planned (dashed ring)",
      "◯ dashed ring and circle: located only to a region, the circle its uncertainty",
      "a number: several events at one place (click for all)",
      "fainter: older within the window"]);
    cues.forEach(function (text) { body.appendChild(el("div", {className: "atlas-cue", text: text})); });
  };

  AtlasMap.prototype.present = function () {
    var present = {}, zones = this.value("zones"), events = this.value("events"), points = this.points;
    if (zones) zones.zones.features.forEach(function (f) { present[f.properties.kind] = true; });
    if (events) events.events.features.forEach(function (f) { present[f.properties.kind] = true; });
    if (points) { present.imported = true; points.present.forEach(function (k) { present[k] = true; }); }
    if (this.value("basemap")) present.reference = true;
    return present;
  };

  AtlasMap.prototype.value = function (name) {
    if (!(name in this.config.datasets)) return null;
    var held = datasets[name];
    return held ? held.value : null;
  };

  // (Re)build the layers of every dataset whose version changed, then show the current view.
  AtlasMap.prototype.datasetsChanged = function () {
    var self = this, changed = false, arrived = [];
    ["basemap", "zones", "events", "imported", "preview"].forEach(function (name) {
      var held = name in self.config.datasets ? datasets[name] : null;
      var version = held ? held.version : null;
      if (self.built[name] === version) return;
      self.built[name] = version;
      self["build_" + name](held ? held.value : null);
      changed = true;
      if (held) arrived.push(name);
    });
    if (!changed) return;
    this.fillLegend();
    this.apply();
    if (arrived.length) note("drawn with " + arrived.join(", "));
    if (arrived.indexOf("imported") >= 0) this.reportDrawn(this.built.imported);
  };

  // Tell the server, as the state `drawn`, the version of the imported points once a frame has
  // shown them: a server that has not read the imported layer for its tables waits for this
  // (ui/first_draw.py), so that reading it does not slow the drawing. It reads it anyway after a
  // while when no report comes (a tab in the background, where no frame is drawn).
  AtlasMap.prototype.reportDrawn = function (version) {
    var self = this;
    var send = function () { if (self.setState) self.setState("drawn", version); };
    if (typeof requestAnimationFrame === "function") requestAnimationFrame(function () { setTimeout(send, 0); });
    else setTimeout(send, 0);
  };

  AtlasMap.prototype.build_basemap = function (value) {
    var map = this.map;
    if (this.base) { this.base.forEach(function (layer) { map.removeLayer(layer); }); }
    (this.labels || []).forEach(function (marker) { if (map.hasLayer(marker)) map.removeLayer(marker); });
    if (this.baseAttribution) this.baseAttribution.forEach(function (a) { map.attributionControl.removeAttribution(a); });
    this.base = [];
    this.labels = [];
    this.baseAttribution = null;
    if (!value) return;
    var made = basemapLayers(value, this.config.tiles);
    this.base = made.layers;
    this.labels = made.labels;
    this.baseAttribution = value.attribution;
    value.attribution.forEach(function (a) { map.attributionControl.addAttribution(a); });
  };

  // The offline base map (geodata.livemap.basemap_dataset) as Leaflet layers, not yet on a map:
  // `layers` (governorates, country outline, borders, roads; pane "atlasBase") and `labels` (place
  // label markers, pane "atlasLabels", shown by showLabels at the zoom each asks for). The live map
  // and the review page's pick map (pickmap.js) both draw it with this.
  function basemapLayers(value, tiles) {
    var layers = [];
    layers.push(L.geoJSON(value.areas, {pane: "atlasBase", interactive: false, style: function (f) {
      if (f.properties.level === "country") return {color: "#333333", weight: 2.5, fill: false};
      return {color: "#8a8a8a", weight: 1, fillColor: "#f4f1ea", fillOpacity: tiles ? 0 : 0.5};
    }}));
    if (value.borders) {
      layers.push(L.geoJSON(value.borders, {pane: "atlasBase", interactive: false,
        style: {color: "#3d3d3d", weight: 2, dashArray: "7 3 1 3", opacity: 0.85}}));
    }
    if (value.roads) {
      // A light casing under each highway keeps it readable over the governorates' lines.
      layers.push(L.geoJSON(value.roads, {pane: "atlasBase", interactive: false,
        style: {color: "#ffffff", weight: 5, opacity: 0.9}}));
      layers.push(L.geoJSON(value.roads, {pane: "atlasBase", interactive: false,
        style: {color: "#c0752a", weight: 2.5, opacity: 0.95}}));
    }
    var labels = [], style = value.labelStyle || null;
    (value.labels ? value.labels.features : []).forEach(function (f) {
      var c = f.geometry.coordinates, p = f.properties;
      var marker = L.marker([c[1], c[0]], {pane: "atlasLabels", interactive: false, keyboard: false,
        icon: L.divIcon({className: "atlas-label atlas-label-" + p.kind, html: "", iconSize: [0, 0], iconAnchor: [0, 0]})});
      marker.label = p;
      marker.labelStyle = style;
      labels.push(marker);
    });
    return {layers: layers, labels: labels};
  }

  // Show the label markers whose zoom `map` has reached (all hidden when `on` is false).
  function showLabels(map, labels, on) {
    var zoom = map.getZoom();
    labels.forEach(function (marker) {
      var show = on && zoom >= marker.label.min_zoom, has = map.hasLayer(marker);
      if (show && !has) {
        marker.addTo(map);
        fillLabel(marker.getElement(), marker.label, marker.labelStyle);
      }
      if (!show && has) map.removeLayer(marker);
    });
  }

  // A place label as geodata.labelling placed it: a dot with the text beside it (`anchor`), or the
  // text centred on the point, in the size the labelling rule assumed (so labels do not overlap).
  function fillLabel(element, p, style) {
    var kind = style && style.kinds[p.kind], text = el("span", {className: "atlas-label-text", text: p.name});
    if (!kind) { element.appendChild(text); text.classList.add("atlas-at-centre"); return; }
    var reach = style.dot_radius_px + style.dot_gap_px;
    text.style.font = (kind.bold ? "bold " : "") + kind.font_px + "px/" + style.line_height_em + " 'DejaVu Sans', sans-serif";
    if (kind.uppercase) text.style.textTransform = "uppercase";
    if (kind.letter_spacing_em) text.style.letterSpacing = kind.letter_spacing_em + "em";
    var anchor = kind.dot ? p.anchor : "centre";
    text.classList.add("atlas-at-" + anchor);
    text.style.setProperty("--reach", reach + "px");
    if (kind.dot) {
      var dot = el("span", {className: "atlas-label-dot"});
      dot.style.setProperty("--r", style.dot_radius_px + "px");
      element.appendChild(dot);
    }
    element.appendChild(text);
  }

  AtlasMap.prototype.build_zones = function (value) {
    var self = this;
    this.zoneItems = [];
    this.bandItems = [];
    if (this.zoneGroup) { this.map.removeLayer(this.zoneGroup); this.map.removeLayer(this.bandGroup); }
    this.zoneGroup = L.layerGroup().addTo(this.map);
    this.bandGroup = L.layerGroup().addTo(this.map);
    if (!value) return;
    var styles = this.config.styles;
    L.geoJSON(value.bands, {pane: "atlasBands", interactive: false, style: function (f) {
      return {stroke: false, fillColor: styles[f.properties.kind].colour, fillOpacity: 0.15};
    }, onEachFeature: function (f, layer) { self.bandItems.push({p: f.properties, layer: layer}); }});
    L.geoJSON(value.zones, {
      pane: "atlasZones",
      style: function (f) {
        var p = f.properties, colour = styles[p.kind].colour;
        var style = {color: colour, weight: 2, fillColor: colour, fillOpacity: 0.25};
        if (p.kind === "patrol_route") { style.weight = 4; style.fill = false; }
        if (p.approximate) style.dashArray = "8 6";
        return style;
      },
      pointToLayer: function (f, latlng) {
        // An observation post is a triangle, so it never looks like an event's dot.
        return L.marker(latlng, {pane: "atlasPosts", icon: L.divIcon({className: "atlas-post",
          html: "", iconSize: [15, 15], iconAnchor: [7, 8]})});
      },
      onEachFeature: function (f, layer) {
        // Routes above areas (a route runs inside its corridor and must stay clickable).
        if (f.properties.kind === "patrol_route") layer.options.pane = "atlasRoutes";
        layer.bindTooltip(f.properties.tip, {sticky: true});
        layer.bindPopup(f.properties.pop, {maxWidth: 400});
        self.zoneItems.push({p: f.properties, layer: layer});
      },
    });
  };

  AtlasMap.prototype.build_events = function (value) {
    if (this.eventGroup) { this.map.removeLayer(this.eventGroup); this.map.removeLayer(this.circleGroup); }
    this.eventGroup = L.layerGroup().addTo(this.map);
    this.circleGroup = L.layerGroup().addTo(this.map);
    this.events = value ? value.events.features : [];
  };

  AtlasMap.prototype.build_imported = function (value) {
    if (this.points) { this.map.removeLayer(this.points); this.points = null; }
    if (!value || !PointsLayer) return;
    this.points = new PointsLayer(value, this.config.styles, this.config.eventKinds, {
      oldest: this.config.fade.oldest, ring: this.config.styles.imported.colour, circleZoom: this.config.circleZoom});
    this.points.addTo(this.map);
  };

  // The events of an article being added (not saved): above everything, ringed in black, whatever
  // the day, window and layers; the map is fitted to them when they arrive. Events at one place are
  // one marker whose popup lists them all, as for the stored events.
  AtlasMap.prototype.build_preview = function (value) {
    if (this.previewGroup) this.map.removeLayer(this.previewGroup);
    this.previewGroup = L.layerGroup().addTo(this.map);
    this.preview = value ? value.events.features : [];
    var styles = this.config.styles, group = this.previewGroup, label = this.config.previewLabel;
    var places = {}, order = [];
    this.preview.forEach(function (f) {
      var c = f.geometry.coordinates, key = c[0].toFixed(5) + "," + c[1].toFixed(5);
      if (!places[key]) { places[key] = []; order.push(key); }
      places[key].push(f);
    });
    var bounds = order.map(function (key) {
      var here = places[key], p = here[0].properties, c = here[0].geometry.coordinates, latlng = [c[1], c[0]];
      here.forEach(function (f) {
        if (f.properties.radius_m) {
          L.circle(latlng, {pane: "atlasCircles", interactive: false, radius: f.properties.radius_m, color: "#111",
            weight: 1.5, dashArray: "6 4", fillColor: styles[f.properties.kind].colour, fillOpacity: 0.05}).addTo(group);
        }
      });
      var marker = L.circleMarker(latlng, {pane: "atlasPreview", bubblingMouseEvents: false, radius: 10,
        color: "#111", weight: 4, fillColor: styles[p.kind].colour, fillOpacity: 0.95});
      L.marker(latlng, {pane: "atlasPreview", interactive: false, keyboard: false, icon: L.divIcon({
        className: "atlas-new", html: "new", iconSize: [34, 16], iconAnchor: [17, 30]})}).addTo(group);
      var head = "<b>" + label + (here.length > 1 ? ": " + here.length + " events here" : "") + "</b>";
      marker.bindTooltip(head + "<br>" + here.map(function (f) { return f.properties.tip; }).join("<br>"));
      marker.bindPopup("<div class='atlas-many'>" + head + here.map(function (f) {
        return "<hr>" + f.properties.pop;
      }).join("") + "</div>", {maxWidth: 380, maxHeight: 360});
      marker.eventIds = here.map(function (f) { return f.properties.id; });
      marker.addTo(group);
      return latlng;
    });
    if (bounds.length) this.map.fitBounds(bounds, {padding: [60, 60], maxZoom: 9, animate: false});
  };

  // The view the page shows: day, window, visible layers.
  AtlasMap.prototype.view = function () {
    var span = this.window === null ? this.config.fade.allDays : this.window;
    return {day: this.day, first: windowFirst(this.day, this.window), span: span, on: this.on,
      imported: !!this.on.imported};
  };

  AtlasMap.prototype.goTo = function (day) {
    var range = this.config.range.full;
    this.day = Math.min(Math.max(day, range[0]), range[1]);
    this.apply();
  };

  // Show the current view: the one place where the page redraws (synchronously, in the same frame
  // as the input that asked for it).
  AtlasMap.prototype.apply = function () {
    var began = performance.now(), view = this.view(), self = this, map = this.map;
    this.syncControls();
    var showBase = !!this.on.reference;
    (this.base || []).forEach(function (layer) {
      if (showBase && !map.hasLayer(layer)) layer.addTo(map);
      if (!showBase && map.hasLayer(layer)) map.removeLayer(layer);
    });
    this.showLabels();
    (this.zoneItems || []).forEach(function (it) { self.toggle(self.zoneGroup, it.layer, self.on[it.p.kind] && inForce(it.p.from, it.p.to, view.day)); });
    (this.bandItems || []).forEach(function (it) { self.toggle(self.bandGroup, it.layer, self.on[it.p.kind] && inForce(it.p.from, it.p.to, view.day)); });
    var t1 = performance.now();
    this.drawEvents(view);
    var t2 = performance.now();
    if (this.points) { this.points.select(view); this.points.redraw(); }
    debug.atlas.timings.zones = t1 - began;
    debug.atlas.timings.events = t2 - t1;
    debug.atlas.steps += 1;
    debug.atlas.timings.step = performance.now() - began;
    this.report();
  };

  AtlasMap.prototype.toggle = function (group, layer, on) {
    var has = group.hasLayer(layer);
    if (on && !has) group.addLayer(layer);
    if (!on && has) group.removeLayer(layer);
  };

  AtlasMap.prototype.showLabels = function () {
    showLabels(this.map, this.labels || [], !!this.on.reference);
  };

  // Article events of the window, faded with age; events sharing one place become one marker with
  // their number, whose popup lists them all.
  AtlasMap.prototype.drawEvents = function (view) {
    var self = this, styles = this.config.styles, oldest = this.config.fade.oldest;
    this.eventGroup.clearLayers();
    this.circleGroup.clearLayers();
    var places = {}, order = [];
    this.events.forEach(function (f) {
      var p = f.properties;
      if (!self.on[p.kind] || !inWindow(p.start, p.end, view.day, view.first)) return;
      var c = f.geometry.coordinates, key = c[0].toFixed(5) + "," + c[1].toFixed(5);
      if (!places[key]) { places[key] = []; order.push(key); }
      places[key].push(f);
    });
    this.drawn = {events: 0, markers: 0};
    order.forEach(function (key) {
      var group = places[key];
      group.sort(function (a, b) { return (b.properties.start || 0) - (a.properties.start || 0); });
      var c = group[0].geometry.coordinates, latlng = [c[1], c[0]];
      group.forEach(function (f) {
        var p = f.properties, f2 = eventFade(p.start, p.end, view.day, view.span, oldest);
        if (p.radius_m) {
          L.circle(latlng, {pane: "atlasCircles", interactive: false, radius: p.radius_m, color: styles[p.kind].colour,
            weight: 1.5, opacity: f2, dashArray: "6 4", fillColor: styles[p.kind].colour, fillOpacity: 0.06 * f2})
            .addTo(self.circleGroup);
        }
      });
      var first = group[0].properties, f1 = eventFade(first.start, first.end, view.day, view.span, oldest);
      var colour = styles[first.kind].colour, marker;
      if (group.length === 1) {
        var hollow = first.planned || !!first.radius_m;
        marker = L.circleMarker(latlng, {pane: "atlasEvents", bubblingMouseEvents: false,
          radius: first.radius_m ? 6 : 7, color: colour, weight: 2, opacity: f1, fillColor: colour,
          fillOpacity: (hollow ? 0.05 : 0.8) * f1, dashArray: hollow ? "3 3" : null});
        marker.bindTooltip(first.tip);
        marker.bindPopup(first.pop, {maxWidth: 360});
      } else {
        var badge = el("div", {className: "atlas-count", text: String(group.length)});
        badge.style.setProperty("--c", colour);
        badge.style.opacity = String(Math.max(f1, 0.6));
        marker = L.marker(latlng, {pane: "atlasEvents", bubblingMouseEvents: false, keyboard: true,
          title: group.length + " events here",
          icon: L.divIcon({className: "atlas-count-icon", html: badge, iconSize: [22, 22], iconAnchor: [11, 11]})});
        marker.bindTooltip("<b>" + group.length + " events here</b> (click for all)");
        marker.bindPopup("<div class='atlas-many'><b>" + group.length + " events here</b>" + group.map(function (f) {
          return "<hr>" + f.properties.pop;
        }).join("") + "</div>", {maxWidth: 380, maxHeight: 360});
      }
      marker.eventIds = group.map(function (f) { return f.properties.id; });
      marker.addTo(self.eventGroup);
      self.drawn.events += group.length;
      self.drawn.markers += 1;
    });
  };

  // A click on the map that lands on an imported point (within 7 px): a small popup from the
  // binary data (text nodes only), and the place sent to the server, which lists its events.
  AtlasMap.prototype.clickPoints = function (e) {
    var points = this.points;
    if (!points || !points.nsel) return;
    var i = points.nearest(e.containerPoint, 7);
    if (i < 0) return;
    var lat = points.lat[i] * 1e-5, lon = points.lon[i] * 1e-5, here = points.here(i);
    var box = el("div", {className: "atlas-point-popup"});
    box.appendChild(el("b", {text: this.config.importedLabel + ": " + this.config.eventKinds[points.kind[i]].replace(/_/g, " ")}));
    var end = points.end[i];
    var when = isoDay(points.start[i]) + (end && end !== points.start[i] ? " – " + isoDay(end) : "");
    box.appendChild(el("div", {text: when + (here > 1 ? " (" + here + " events here in the window)" : "")}));
    box.appendChild(el("i", {text: "Details: the table under the map."}));
    L.popup({maxWidth: 300}).setLatLng([lat, lon]).setContent(box).openOn(this.map);
    this.lastClicked = i;
    if (this.setTrigger) this.setTrigger("clicked", {lon: lon, lat: lat});
  };

  AtlasMap.prototype.range = function () {
    return this.all ? this.config.range.full : this.config.range.core;
  };

  AtlasMap.prototype.stop = function (direction) {
    var stops = this.config.stops, day = this.day;
    if (direction > 0) { var i = upper(stops, day); return i < stops.length ? stops[i] : null; }
    var j = lower(stops, day) - 1;
    return j >= 0 ? stops[j] : null;
  };

  AtlasMap.prototype.togglePlay = function () {
    var self = this, config = this.config;
    if (this.playing) { clearInterval(this.playing); this.playing = null; this.syncControls(); return; }
    if (this.day >= this.range()[1]) this.day = this.range()[0];
    this.playing = setInterval(function () {
      var end = self.range()[1], next = self.stop(1);
      var target = Math.min(next === null ? Infinity : next, self.day + config.play.days, end);
      self.goTo(target);
      if (self.day >= end) self.togglePlay();
    }, config.play.interval);
    this.syncControls();
  };

  AtlasMap.prototype.syncControls = function () {
    var ui = this.ui, range = this.range();
    if (this.day < range[0] || this.day > range[1]) { this.all = true; range = this.range(); }
    ui.slider.min = String(range[0]);
    ui.slider.max = String(range[1]);
    ui.slider.value = String(this.day);
    ui.slider.setAttribute("aria-valuetext", isoDay(this.day));
    ui.date.value = isoDay(this.day);
    ui.all.checked = this.all;
    ui.window.value = windowLabel(this.window);
    ui.lowEnd.textContent = isoDay(range[0]);
    ui.highEnd.textContent = isoDay(range[1]);
    ui.prev.disabled = this.stop(-1) === null;
    ui.next.disabled = this.stop(1) === null;
    ui.play.textContent = this.playing ? "❚❚ Pause" : "▶ Play";
    ui.play.setAttribute("aria-pressed", this.playing ? "true" : "false");
  };

  // The view as the link's query parameters (geodata.view.to_params and camera_params).
  AtlasMap.prototype.params = function () {
    var on = this.on, centre = this.map.getCenter();
    return {
      date: isoDay(this.day),
      window: windowLabel(this.window),
      layers: this.config.layers.filter(function (k) { return on[k]; }).join(","),
      zoom: String(Math.round(this.map.getZoom() * 100) / 100),
      lat: centre.lat.toFixed(5),
      lon: centre.lng.toFixed(5),
    };
  };

  // Tell the server the view, once the user has paused for `reportDelay` ms.
  AtlasMap.prototype.report = function () {
    var self = this;
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(function () {
      var params = self.params(), key = JSON.stringify(params);
      if (key === self.reported || !self.setState) return;
      self.reported = key;
      self.setState("view", params);
    }, this.config.reportDelay);
  };

  // A new config from the server: new dataset versions, or a view the server asks for.
  AtlasMap.prototype.update = function (component, config) {
    var moved = JSON.stringify(config.start) !== JSON.stringify(this.config.start) ||
      config.startId !== this.config.startId;
    this.bind(component);
    this.config = config;
    if (moved) {
      var on = this.on, start = config.start;
      config.layers.forEach(function (key) { on[key] = start.layers.indexOf(key) >= 0; });
      this.day = start.day;
      this.window = start.window;
      if (start.zoom !== null) this.map.setView([start.lat, start.lon], start.zoom);
    }
    this.datasetsChanged();
    if (moved) this.apply();
  };

  // Tests and benchmarks read the page through these (never through Streamlit's page).
  AtlasMap.prototype.counts = function () {
    var self = this, counts = {zones: 0, bands: 0, events: 0, markers: 0, points: 0, reference: 0, labels: 0,
      preview: this.preview ? this.preview.length : 0};
    (this.zoneItems || []).forEach(function (it) { if (self.zoneGroup.hasLayer(it.layer)) counts.zones++; });
    (this.bandItems || []).forEach(function (it) { if (self.bandGroup.hasLayer(it.layer)) counts.bands++; });
    counts.events = this.drawn ? this.drawn.events : 0;
    counts.markers = this.drawn ? this.drawn.markers : 0;
    counts.points = this.points ? this.points.nsel : 0;
    var areas = this.base && this.base[0];
    if (areas && this.on.reference && this.map.hasLayer(areas)) counts.reference = areas.getLayers().length;
    (this.labels || []).forEach(function (m) { if (self.map.hasLayer(m)) counts.labels++; });
    return counts;
  };

  AtlasMap.prototype.destroy = function () {
    if (this.playing) clearInterval(this.playing);
    clearTimeout(this.reportTimer);
    this.map.remove();
    this.ui.root.remove();
    var at = maps.indexOf(this);
    if (at >= 0) maps.splice(at, 1);
  };

  // ---------------------------------------------------------------------------------------------
  // The component's entry point: called by Streamlit on mount and whenever a mount's data change.

  var instances = new WeakMap();

  function mount(component) {
    var data = component.data || {};
    if (data.role !== "map") return undefined;
    data = JSON.parse(data.config);  // one text (geodata/livemap.py's map_mount)
    var map = instances.get(component.parentElement);
    if (map) map.update(component, data);
    else { map = new AtlasMap(component, data); instances.set(component.parentElement, map); }
    return function () { instances.delete(component.parentElement); map.destroy(); };
  }

  // What another map of the page (pickmap.js) shares: the datasets (`dataset(name)`, and `listen(f)`
  // to hear when one arrives or goes; it returns the function that stops listening), the base map,
  // the panes and the building of elements from text.
  var shared = {dataset: AtlasData.dataset, listen: AtlasData.listen, basemapLayers: basemapLayers,
    showLabels: showLabels, el: el, panes: PANES, inert: INERT};

  return {rules: rules, mount: mount, shared: shared};
})();
