// Small behaviours the pages share. Kept out of the HTML so that the Content-Security-Policy
// can forbid inline scripts (config/settings.py, pervichka/core/middleware.py).
(function () {
  "use strict";

  // A form marked data-disable-on-submit sends once: a double click makes one request.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("[data-disable-on-submit]")) {
      var button = form.querySelector("button[type=submit]");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    }
  });

  // A select or input marked data-submit-on-change sends its form when changed;
  // data-disables names a field of the form to switch off when this one has a value.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-submit-on-change]")) {
      var other = field.dataset.disables && field.form.elements[field.dataset.disables];
      if (other) { other.disabled = !!field.value; }
      field.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.matches && event.target.matches("[data-print]")) { window.print(); }
  });

  // table.table-stack becomes cards on a phone (app.css): each cell carries its header.
  function labelStackedTables(root) {
    (root || document).querySelectorAll("table.table-stack").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && cell.colSpan === 1 && headers[column]) {
            cell.setAttribute("data-label", headers[column]);
          }
          column += cell.colSpan;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelStackedTables(); });
  document.addEventListener("htmx:afterSwap", function (event) { labelStackedTables(event.target); });

  // A form sent back with errors: its summary at the top takes the focus (a screen reader
  // reads it, a phone scrolls to it); each error in it links to its field.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.scrollIntoView({block: "start"}); summary.focus(); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.scrollIntoView({block: "center"});
      field.focus();
    }
  });

  // <canvas data-chart="id-of-a-json-script">: a horizontal bar chart of percentages, or of
  // counts when the data says percent: false (its label then names what is counted).
  function drawCharts() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
      new Chart(canvas, {
        type: "bar",
        data: {labels: data.labels, datasets: [{label: data.label || (data.percent === false ? "" : "%"), data: data.values,
                                                backgroundColor: "#0d6efd"}]},
        options: {indexAxis: "y", maintainAspectRatio: false,
                  scales: {x: data.percent === false ? {min: 0} : {min: 0, max: 100}},
                  plugins: {legend: {display: false}}}
      });
    });
  }
  document.addEventListener("DOMContentLoaded", drawCharts);

  // <div data-map="id-of-a-json-script" data-tiles="url template" data-attribution="...">:
  // points [{lat, lon, colour, label, survival}] as circles. Without tiles (an offline
  // installation, or the tile server unreachable) the circles still show on a plain ground.
  var COLOURS = {green: "#198754", amber: "#fd7e14", red: "#dc3545", grey: "#6c757d"};
  function drawMaps() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("div[data-map]").forEach(function (box) {
      var points = JSON.parse(document.getElementById(box.dataset.map).textContent);
      var map = L.map(box, {scrollWheelZoom: false});
      if (box.dataset.tiles) {
        L.tileLayer(box.dataset.tiles, {maxZoom: 18, attribution: box.dataset.attribution || ""})
          .addTo(map);
      }
      var layer = L.featureGroup();
      points.forEach(function (p) {
        var colour = COLOURS[p.colour] || COLOURS.grey;
        var text = document.createElement("span");  // text, never HTML: labels are typed by people
        text.textContent = p.label + (p.survival === null ? "" : " · " + p.survival + "%");
        L.circleMarker([p.lat, p.lon], {radius: 7, color: colour, fillColor: colour,
                                        fillOpacity: 0.8, weight: 1, className: "map-point"})
          .bindPopup(text).addTo(layer);
      });
      layer.addTo(map);
      if (points.length) {
        map.fitBounds(layer.getBounds(), {maxZoom: 14, padding: [20, 20]});
      } else {
        map.setView([Number(box.dataset.lat || 54.0), Number(box.dataset.lon || 69.0)], 7);
      }
      box.dataset.points = String(points.length);
    });
  }
  document.addEventListener("DOMContentLoaded", drawMaps);
})();
