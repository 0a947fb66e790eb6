// Draws the finance charts from the JSON the page carries; each bar links to its invoices.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var rtl = document.documentElement.dir === "rtl";
  document.querySelectorAll("canvas.finance-chart").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var points = data[canvas.dataset.chart] || [];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: points.map(function (p) { return p.label; }),
        datasets: [{
          label: data.currency,
          data: points.map(function (p) { return Number(p.value); }),
          backgroundColor: canvas.dataset.chart === "aging" ? "#dc3545" : "#0d6efd"
        }]
      },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { display: false } },
        scales: { x: { reverse: rtl } },
        onHover: function (event, elements) {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (elements.length) { window.location.assign(points[elements[0].index].href); }
        }
      }
    });
  });
})();
