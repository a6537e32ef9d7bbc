// yusuan web: charts of the units pages, drawn with the vendored ECharts (static/vendor/echarts).
// Each chart box names a <script type="application/json"> holding its data; the data is read
// with JSON.parse and drawn on a canvas. Tooltips are drawn on the canvas too (renderMode
// "richText"), so no text from a document ever becomes markup.
(function () {
  "use strict";
  if (!window.echarts) return;

  var PALETTE = ["#1d5fa8", "#e07b39", "#2e8b57", "#b23a48", "#7a5195", "#c9a227", "#3a9fbf",
    "#6b7785", "#8c564b", "#d45087", "#17becf", "#9acd32"];

  function number(value) {
    if (value === null || value === undefined || value === "") return null;
    var n = Number(value);
    return isFinite(n) ? n : null;
  }

  function formatter(unit) {
    return function (value) {
      if (value === null || value === undefined || value === "-") return "—";
      var text = unit === "" || unit === "个" ? String(value) : Number(value).toFixed(2);
      return unit ? text + " " + unit : text;
    };
  }

  // A long unit name loses its middle, not its end: the end names the unit (…万里街道办事处)
  // and the year and scope in brackets; the tooltip shows the whole name.
  var LABEL_CHARS = 20;
  function shorten(label) {
    var text = String(label);
    if (text.length <= LABEL_CHARS) return text;
    return text.slice(0, 3) + "…" + text.slice(text.length - (LABEL_CHARS - 4));
  }

  function option(spec) {
    var show = formatter(spec.unit);
    var horizontal = spec.type === "hbar" || spec.type === "hstack";
    var stacked = spec.type === "stack" || spec.type === "hstack";
    var selected = {};
    var series = spec.series.map(function (s) {
      if (s.selected === false) selected[s.name] = false;
      return {
        name: s.name,
        type: spec.type === "line" ? "line" : "bar",
        stack: stacked ? "total" : undefined,
        data: s.data.map(number),
        connectNulls: true,
        symbolSize: 7,
        barMaxWidth: 28,
        emphasis: { focus: "series" }
      };
    });
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      inverse: horizontal, // the largest (first) at the top
      axisLabel: horizontal ? { width: 260, overflow: "truncate", formatter: shorten } : {}
    };
    var valueAxis = {
      type: "value",
      name: spec.unit,
      axisLabel: { formatter: function (v) { return String(v); } }
    };
    return {
      color: PALETTE,
      animation: false,
      grid: { left: 12, right: 40, top: 48, bottom: 12, containLabel: true },
      legend: { type: "scroll", top: 0, selected: selected },
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        axisPointer: { type: spec.type === "line" ? "line" : "shadow" },
        valueFormatter: show
      },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    if (spec.type === "hbar" || spec.type === "hstack") {
      box.style.height = Math.max(260, spec.categories.length * 30 + 90) + "px";
    }
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option(spec));
    box.setAttribute("data-ready", String(spec.series.length));
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
