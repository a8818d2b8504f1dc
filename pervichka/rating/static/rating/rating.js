// The rating's charts (no inline scripts: the Content-Security-Policy forbids them).
// <canvas data-funnel="id">: a funnel plot, points {x: members, y: rate} with the mean and
// the 2 and 3 standard deviation limits; <canvas data-trend="id">: the total over periods.
(function () {
  "use strict";
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  function draw() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-funnel]").forEach(function (canvas) {
      var d = read(canvas.dataset.funnel);
      var line = function (key, colour, dash) {
        return {type: "line", data: d.limits[key], borderColor: colour, borderDash: dash,
                pointRadius: 0, borderWidth: 1, label: key + " SD"};
      };
      var mean = d.xs.map(function (x) { return {x: x, y: d.mean}; });
      new Chart(canvas, {
        type: "scatter",
        data: {datasets: [
          {data: d.points, backgroundColor: "#0d6efd", label: ""},
          {type: "line", data: mean, borderColor: "#6c757d", pointRadius: 0, borderWidth: 1, label: "mean"},
          line("2", "#fd7e14", [4, 4]), line("-2", "#fd7e14", [4, 4]),
          line("3", "#dc3545", [2, 2]), line("-3", "#dc3545", [2, 2])
        ]},
        options: {maintainAspectRatio: false, plugins: {legend: {display: false},
                  tooltip: {callbacks: {label: function (c) { return (c.raw.label || "") + " " + c.raw.y; }}}},
                  scales: {x: {type: "linear", min: 0}, y: {min: 0}}}
      });
    });
    document.querySelectorAll("canvas[data-trend]").forEach(function (canvas) {
      var d = read(canvas.dataset.trend);
      new Chart(canvas, {
        type: "line",
        data: {labels: d.labels, datasets: [{data: d.values, borderColor: "#0d6efd", label: ""}]},
        options: {maintainAspectRatio: false, plugins: {legend: {display: false}},
                  scales: {y: {min: 0, max: 100}}}
      });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
