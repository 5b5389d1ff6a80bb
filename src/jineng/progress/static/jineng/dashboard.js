// The progress dashboard's charts (ECharts), from the JSON the page carries in #chart-data. A static
// file, not an inline script: the Content-Security-Policy allows scripts from this site's files only.
(function () {
  var d = JSON.parse(document.getElementById("chart-data").textContent);
  var font = {fontFamily: "system-ui, 'WenQuanYi Micro Hei', sans-serif"};
  // 18.10: counts as officials write them (200,000; targets from 10,000 up in 万).
  function count(n) { return n === null || n === undefined ? "" : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function wan(n) {
    if (n === null || n === undefined) return "未下达";
    return n >= 10000 ? String(n / 10000) + "万" : count(n);
  }
  function pct(r) {
    if (r === 0) return "0%";
    return (r < 0.01 ? r.toPrecision(2) : r < 1 ? r.toFixed(2) : r.toFixed(1)) + "%";
  }
  var bars = echarts.init(document.getElementById("chart-bars"));
  var rated = d.rates.some(function (r) { return r !== null; });
  var tip = {trigger: "axis", formatter: function (ps) {
    var i = ps[0].dataIndex;
    return d.names[i] + "<br>累计完成 " + count(d.actual[i]) + "，年度目标 " + wan(d.target[i]) +
      "<br>完成率 " + (d.rates[i] === null ? "—（未下达目标）" : pct(d.rates[i]));
  }};
  var axis = {type: "category", data: d.names, axisLabel: {interval: 0, rotate: d.names.length > 8 ? 40 : 0}};
  var grid = {left: 56, right: 16, top: 36, bottom: d.names.length > 8 ? 76 : 30};
  if (rated) {
    // The share of each one's own target, so that 47 against 200,000 reads as 0.02 % beside a district
    // at 80 %, not as an invisible bar under a 200,000 one; time progress as the line to reach.
    bars.setOption({
      textStyle: font, animation: false, tooltip: tip, legend: {data: ["完成率"]}, grid: grid, xAxis: axis,
      yAxis: {type: "value", name: "完成率", axisLabel: {formatter: "{value}%"},
              max: function (v) { return Math.ceil(Math.max(v.max, d.elapsed, 1) / 10) * 10; }},
      // Each bar says its count against its target as well as the share, and a share too small to draw
      // still shows a sliver (barMinHeight) above an empty one.
      series: [{name: "完成率", type: "bar", data: d.rates, itemStyle: {color: "#2f6fb5"},
                barMinHeight: 2,
                label: {show: true, position: "top", fontSize: 10, lineHeight: 12, formatter: function (p) {
                  if (p.value === null || p.value === undefined) return "";
                  return count(d.actual[p.dataIndex]) + "/" + wan(d.target[p.dataIndex]) + "\n" + pct(p.value); }},
                markLine: {symbol: "none", lineStyle: {color: "#d9822b", type: "dashed"},
                           label: {formatter: "时间进度 " + d.elapsed.toFixed(1) + "%", position: "insideEndTop"},
                           data: [{yAxis: d.elapsed}]}}]
    });
  } else {
    bars.setOption({
      textStyle: font, animation: false, tooltip: tip, legend: {data: ["累计完成"]}, grid: grid, xAxis: axis,
      yAxis: {type: "value"},
      series: [{name: "累计完成", type: "bar", data: d.actual, itemStyle: {color: "#2f6fb5"},
                label: {show: true, position: "top", fontSize: 10, formatter: function (p) { return count(p.value); }}}]
    });
  }
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
