/* Maillage's maps (the actors' map, the actions by territory), drawn with the vendored Leaflet.
 *
 * Each <div class="maillage-map" data-map-json="ID"> reads its data from the <script type="application/json"
 * id="ID"> that json_script wrote: {tiles: {url, attribution}, outlines: GeoJSON of commune outlines,
 * points: [{lat, lon, title, lines, url, centroid}]}. The outlines are shipped with Maillage (COG file), so
 * the map draws its communes and markers with no tile server reachable; tiles, when they load, go under.
 * A static file, no inline script (the site's Content Security Policy). */
(function () {
  "use strict";

  // DSFR colours: bleu France, the "illustrative" blue-ecume for outlines.
  var BLUE = "#000091";
  var OUTLINE = "#465f9d";

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  function popupFor(group) {
    var box = document.createElement("div");
    group.forEach(function (point) {
      var title = document.createElement("p");
      title.className = "fr-text--bold fr-mb-0";
      if (point.url) {
        var link = text("a", point.title);
        link.href = point.url;
        title.appendChild(link);
      } else {
        title.textContent = point.title;
      }
      box.appendChild(title);
      (point.lines || []).forEach(function (line) {
        if (line) box.appendChild(text("p", line, "fr-text--xs fr-mb-0"));
      });
    });
    return box;
  }

  function shadeFor(count, max) {
    if (!count) return 0.08;
    return 0.15 + 0.5 * (count / (max || 1));
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-map-json"));
    if (!source || typeof L === "undefined") return;
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { scrollWheelZoom: false, attributionControl: true });
    map.setView([46.6, 2.4], 5); // France, until the layers give their bounds (vectors need a view first)
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (data.tiles && data.tiles.url) {
      L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution || "", maxZoom: 18 }).addTo(map);
    }
    var bounds = L.latLngBounds([]);
    var features = (data.outlines && data.outlines.features) || [];
    var max = 0;
    features.forEach(function (f) { max = Math.max(max, f.properties.count || 0); });
    if (features.length) {
      var outlines = L.geoJSON(data.outlines, {
        style: function (feature) {
          return {
            color: OUTLINE,
            weight: 1.5,
            fillColor: BLUE,
            fillOpacity: shadeFor(feature.properties.count, max)
          };
        },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          var label = p.name + " (" + p.code + ")";
          if (p.label && p.label !== p.name) label += " — " + p.label;
          if (p.count) label += " : " + p.count + " action" + (p.count > 1 ? "s" : "");
          layer.bindTooltip(label, { sticky: true });
        }
      }).addTo(map);
      bounds.extend(outlines.getBounds());
    }
    // Points at the same place (organisations at one commune's centre) make one marker with the list.
    var groups = {};
    (data.points || []).forEach(function (point) {
      var key = point.lat.toFixed(5) + "," + point.lon.toFixed(5);
      (groups[key] = groups[key] || []).push(point);
    });
    Object.keys(groups).forEach(function (key) {
      var group = groups[key];
      var first = group[0];
      var marker = L.circleMarker([first.lat, first.lon], {
        radius: Math.min(6 + 2 * Math.sqrt(group.length - 1), 18),
        color: BLUE,
        weight: 2,
        fillColor: first.centroid ? "#ffffff" : BLUE,
        fillOpacity: 0.9,
        className: "maillage-map-marker"
      }).addTo(map);
      marker.bindPopup(popupFor(group), { maxHeight: 260 });
      marker.bindTooltip(group.length > 1 ? group.length + " organisations" : first.title);
      bounds.extend([first.lat, first.lon]);
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    }
    element.setAttribute("data-drawn", String(Object.keys(groups).length));
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".maillage-map[data-map-json]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
