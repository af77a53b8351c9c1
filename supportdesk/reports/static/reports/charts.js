// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID" type="application/json">
// (Django's json_script): no inline script, so the pages keep their CSP.
(function () {
  "use strict";
  var colours = ["#1f5fae", "#d9822b", "#2e8540", "#8e44ad", "#b03a2e", "#5d6d7e"];
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    data.datasets.forEach(function (set, i) { set.backgroundColor = colours[i % colours.length]; });
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: data.datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { stacked: data.stacked }, y: { stacked: data.stacked, beginAtZero: true } },
      },
    });
    canvas.dataset.drawn = "true";
  }
  function start() { document.querySelectorAll("canvas[data-chart]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
