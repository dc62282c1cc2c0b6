// The page half of geodata/pickmap.py: the review page's small map, where a click places the opened
// event. Read geodata/pickmap.py's docstring for what the mounts carry and what the page sends back.
// Loaded after Leaflet and livemap.js, whose base map, datasets and panes it uses (AtlasLive.shared);
// it adds no rule of its own. Names reach the page as text nodes only, never as markup.
var AtlasPick = (function () {
  "use strict";
  var shared = AtlasLive.shared, el = shared.el;
  var maps = [];
  // Tests read the pick map through this (never through Streamlit's page).
  var debug = (typeof globalThis !== "undefined" ? globalThis : window);
  debug.atlasPick = {maps: maps};

  function text(words) { return el("span", {text: words}); }

  function PickMap(component, config) {
    var self = this;
    this.parent = component.parentElement;
    this.config = config;
    this.setTrigger = component.setTriggerValue;
    this.picked = null;
    var div = el("div", {className: "atlas-pick", role: "application",
      "aria-label": "Map of the event's place: click to place it"});
    div.style.height = config.height + "px";
    this.hint = el("p", {className: "atlas-pick-hint",
      text: "Click the map to place the event there; set its precision and uncertainty in the Edit tab, then save."});
    this.parent.appendChild(div);
    this.parent.appendChild(this.hint);
    this.div = div;
    var map = L.map(div, {minZoom: 4, maxZoom: 16, zoomSnap: 0.5, zoomDelta: 1, attributionControl: true});
    map.attributionControl.setPrefix("Leaflet");
    // As on the live map: focus without scrolling Streamlit's page, or the click would be lost.
    div.focus = function () { HTMLElement.prototype.focus.call(div, {preventScroll: true}); };
    shared.panes.forEach(function (p) {
      var pane = map.createPane(p[0]);
      pane.style.zIndex = p[1];
      if (shared.inert[p[0]]) pane.style.pointerEvents = "none";
    });
    L.control.scale({imperial: false}).addTo(map);
    this.map = map;
    this.marks = L.layerGroup().addTo(map);
    this.base = null;
    this.built = null;
    map.on("click", function (e) { self.pick(e.latlng); });
    map.on("zoomend", function () { if (self.base) shared.showLabels(map, self.base.labels, true); });
    this.unlisten = shared.listen(function () { self.drawBase(); });
    this.fit();
    this.drawBase();
    this.draw();
    maps.push(this);
  }

  PickMap.prototype.fit = function () {
    var f = this.config.frame;
    this.map.fitBounds([[f[1], f[0]], [f[3], f[2]]]);
  };

  // The base map, once its dataset has reached the page (and again if it changes).
  PickMap.prototype.drawBase = function () {
    var map = this.map, value = this.config.datasets.indexOf("basemap") >= 0 ? shared.dataset("basemap") : null;
    if (value === this.built) return;
    if (this.base) {
      this.base.layers.forEach(function (layer) { map.removeLayer(layer); });
      this.base.labels.forEach(function (m) { if (map.hasLayer(m)) map.removeLayer(m); });
      this.base.attribution.forEach(function (a) { map.attributionControl.removeAttribution(a); });
    }
    this.built = value;
    this.base = null;
    if (!value) return;
    var made = shared.basemapLayers(value, false);
    this.base = {layers: made.layers, labels: made.labels, attribution: value.attribution};
    made.layers.forEach(function (layer) { layer.addTo(map); });
    value.attribution.forEach(function (a) { map.attributionControl.addAttribution(a); });
    shared.showLabels(map, made.labels, true);
  };

  // A place with its uncertainty circle (dashed) and a label that stays beside it (there are no tiles).
  PickMap.prototype.place = function (p, radius, pane, permanent) {
    if (p.km > 0) {
      L.circle([p.lat, p.lon], {radius: p.km * 1000, color: p.colour, weight: 1.5, dashArray: "4 4",
        fillOpacity: 0.08, interactive: false, pane: "atlasCircles"}).addTo(this.marks);
    }
    L.circleMarker([p.lat, p.lon], {radius: radius, color: p.colour, fillColor: p.colour, fill: true,
      fillOpacity: 0.85, weight: 2, pane: pane, bubblingMouseEvents: true})
      .bindTooltip(text(p.label), {permanent: permanent, direction: "right"}).addTo(this.marks);
  };

  PickMap.prototype.draw = function () {
    var self = this, config = this.config;
    this.marks.clearLayers();
    config.candidates.forEach(function (c) {
      L.circleMarker([c.lat, c.lon], {radius: 5, color: "#666666", fillColor: "#999999", fill: true,
        fillOpacity: 0.8, weight: 1, pane: "atlasEvents"}).bindTooltip(text(c.label)).addTo(self.marks);
    });
    if (config.event) this.place(config.event, 8, "atlasEvents", !config.preview && !this.picked);
    if (config.preview) {
      this.place(config.preview, 6, "atlasPreview", true);
    } else if (this.picked) {
      this.place({lon: this.picked.lon, lat: this.picked.lat, km: 0, colour: "#111111",
        label: "picked: " + this.picked.lon.toFixed(5) + ", " + this.picked.lat.toFixed(5)}, 6, "atlasPreview", true);
    }
  };

  // A click: the point (on the world's first copy) goes to the server, which rounds it
  // (geodata.pickmap.picked_point: the one place that rule lives).
  PickMap.prototype.pick = function (latlng) {
    var at = latlng.wrap();
    this.picked = {lon: at.lng, lat: at.lat};
    this.draw();
    if (this.setTrigger) this.setTrigger("picked", this.picked);
  };

  PickMap.prototype.update = function (component, config) {
    var moved = config.id !== this.config.id ||
      JSON.stringify(config.frame) !== JSON.stringify(this.config.frame) && !config.preview;
    this.setTrigger = component.setTriggerValue;
    if (JSON.stringify(config.preview) !== JSON.stringify(this.config.preview)) this.picked = null;
    this.config = config;
    if (moved) this.fit();
    this.drawBase();
    this.draw();
  };

  PickMap.prototype.destroy = function () {
    this.unlisten();
    this.map.remove();
    this.div.remove();
    this.hint.remove();
    var at = maps.indexOf(this);
    if (at >= 0) maps.splice(at, 1);
  };

  var instances = new WeakMap();

  // The component's entry point (the datasets travel in their own component: datasets.js).
  function mount(component) {
    var data = component.data || {};
    if (data.role !== "pick") return undefined;
    var map = instances.get(component.parentElement);
    if (map) map.update(component, data);
    else { map = new PickMap(component, data); instances.set(component.parentElement, map); }
    return function () { instances.delete(component.parentElement); map.destroy(); };
  }

  return {mount: mount};
})();
