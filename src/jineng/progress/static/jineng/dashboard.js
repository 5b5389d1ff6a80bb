// The progress dashboard's charts (ECharts), from the JSON the page carries in #chart-data. A static
// file, not an inline script: the Content-Security-Policy allows scripts from this site's files only.
(function () {
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  var font = {fontFamily: "system-ui, 'WenQuanYi Micro Hei', sans-serif"};
  var bars = echarts.init(document.getElementById("chart-bars"));
  bars.setOption({
    textStyle: font, animation: false,
    tooltip: {trigger: "axis"}, legend: {data: ["年度目标", "累计完成"]},
    grid: {left: 56, right: 16, top: 32, bottom: d.names.length > 8 ? 76 : 30},
    xAxis: {type: "category", data: d.names, axisLabel: {interval: 0, rotate: d.names.length > 8 ? 40 : 0}},
    yAxis: {type: "value"},
    series: [{name: "年度目标", type: "bar", data: d.target, itemStyle: {color: "#c9d3e3"}},
             {name: "累计完成", type: "bar", data: d.actual, itemStyle: {color: "#2f6fb5"}}]
  });
  var trend = echarts.init(document.getElementById("chart-trend"));
  trend.setOption({
    textStyle: font, animation: false,
    tooltip: {trigger: "axis"}, legend: {data: ["当月", "累计"]},
    grid: {left: 56, right: 16, top: 32, bottom: 30},
    xAxis: {type: "category", data: d.months}, yAxis: {type: "value"},
    series: [{name: "当月", type: "bar", data: d.trend, itemStyle: {color: "#7fa7d6"}},
             {name: "累计", type: "line", data: d.cumulative, itemStyle: {color: "#d9822b"}}]
  });
  var pairs = d.names.map(function (n, i) { return [n, d.rates[i]]; })
    .filter(function (p) { return p[1] !== null; }).sort(function (a, b) { return a[1] - b[1]; });
  var rankEl = document.getElementById("chart-rank");
  var rank = rankEl ? echarts.init(rankEl) : null;
  if (rank) rank.setOption({
    textStyle: font, animation: false, tooltip: {trigger: "axis", valueFormatter: function (v) { return v.toFixed(2) + "%"; }},
    grid: {left: 90, right: 40, top: 10, bottom: 24},
    xAxis: {type: "value", axisLabel: {formatter: "{value}%"}},
    yAxis: {type: "category", data: pairs.map(function (p) { return p[0]; })},
    series: [{type: "bar", data: pairs.map(function (p) { return p[1]; }), label: {show: true, position: "right", formatter: function (p) { return p.value.toFixed(1) + "%"; }}, itemStyle: {color: "#3a8d5c"}}]
  });
  window.addEventListener("resize", function () { bars.resize(); trend.resize(); if (rank) rank.resize(); });
})();
