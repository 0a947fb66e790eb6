// Draws the trade statistics charts from the JSON the page carries. Confidential figures
// are gaps (null), never zero bars; the table beside each chart lists the same figures.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var rtl = document.documentElement.dir === "rtl";
  document.querySelectorAll("canvas.statistics-chart").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var series = data[canvas.dataset.chart];
    if (!series) { return; }
    var horizontal = canvas.dataset.chart === "rows";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{
          label: data.measure,
          data: series.values.map(function (v) { return v === null ? null : Number(v); }),
          backgroundColor: horizontal ? "#198754" : "#0d6efd"
        }]
      },
      options: {
        animation: false,
        responsive: true,
        aspectRatio: horizontal ? 2 : 2.8,
        indexAxis: horizontal ? "y" : "x",
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.raw === null ? data.confidential : context.formattedValue;
              }
            }
          }
        },
        scales: horizontal ? { y: { position: rtl ? "right" : "left" } } : { x: { reverse: rtl } }
      }
    });
  });
})();
