// The 驾驶舱's charts, drawn from the figures the page carries in #dashboard-charts (json_script).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) { return; }
  var data = JSON.parse(document.getElementById("dashboard-charts").textContent);
  var charts = [];
  var COLORS = ["#c62828", "#2e7d32", "#1565c0", "#f9a825", "#6a1b9a"];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) { return null; }
    var chart = echarts.init(element);
    chart.setOption(Object.assign({color: COLORS, tooltip: {trigger: "axis"}}, option));
    charts.push(chart);
    return chart;
  }
  function padded(side) {
    return function (extent) {
      var margin = Math.max((extent.max - extent.min) * 0.1, 0.01);
      return Number((side < 0 ? extent.min - margin : extent.max + margin).toFixed(3));
    };
  }
  function names(series) { return series.map(function (s) { return s.name; }); }

  draw("chart-trend", {
    legend: {type: "scroll", data: names(data.trend.series)},
    grid: {left: 45, right: 15, top: 40, bottom: 30},
    xAxis: {type: "category", data: data.trend.months},
    yAxis: {type: "value", minInterval: 1},
    series: data.trend.series.map(function (s) { return {name: s.name, type: "line", data: s.data}; })
  });

  draw("chart-status", {
    tooltip: {trigger: "item", formatter: "{b}：{c}户（{d}%）"},
    legend: {bottom: 0},
    series: [{type: "pie", radius: ["30%", "60%"], center: ["50%", "45%"], data: data.status,
              label: {formatter: "{b}\n{c}户"}}]
  });

  if (data.causes && data.causes.causes) {
    var causes = draw("chart-causes", {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {data: names(data.causes.series)},
      grid: {left: 45, right: 15, top: 40, bottom: 60},
      xAxis: {type: "category", data: data.causes.causes, axisLabel: {interval: 0, rotate: 30}},
      yAxis: {type: "value", minInterval: 1},
      series: data.causes.series.map(function (s) {
        return {name: s.name, type: "bar", stack: "households", data: s.data};
      })
    });
    // A bar opens the households behind it.
    causes.on("click", function (event) {
      var link = data.causes.series[event.seriesIndex].links[event.dataIndex];
      if (link) { window.location.href = link; }
    });
  }

  var children = draw("chart-children", {
    legend: {type: "scroll", data: names(data.children.series)},
    grid: {left: 45, right: 15, top: 40, bottom: 80},
    xAxis: {type: "category", data: data.children.names, axisLabel: {rotate: 45, interval: 0}},
    yAxis: {type: "value", minInterval: 1},
    series: data.children.series.map(function (s) { return {name: s.name, type: "bar", data: s.data}; })
  });
  if (children) {
    // A bar opens the dashboard of its town (or village).
    children.on("click", function (params) {
      var url = data.children.urls[params.dataIndex];
      if (url) { window.location.href = url; }
    });
  }

  if (data.rectification.stages) {
    draw("chart-rectification", {
      grid: [{left: 45, right: 15, top: 20, height: "35%"}, {left: 45, right: 15, bottom: 60, height: "30%"}],
      xAxis: [
        {type: "category", data: data.rectification.stages, gridIndex: 0},
        {type: "category", data: data.rectification.categories.map(function (c) { return c.name; }),
         gridIndex: 1, axisLabel: {rotate: 30, interval: 0}}
      ],
      yAxis: [{type: "value", minInterval: 1, gridIndex: 0}, {type: "value", minInterval: 1, gridIndex: 1}],
      series: [
        {name: "问题", type: "bar", data: data.rectification.values, xAxisIndex: 0, yAxisIndex: 0,
         colorBy: "data", label: {show: true, position: "top"}},
        {name: "按问题类别", type: "bar", xAxisIndex: 1, yAxisIndex: 1,
         data: data.rectification.categories.map(function (c) { return c.value; })}
      ]
    });
  }

  draw("chart-compliance", {
    legend: {data: ["应评判干部", "达标干部"]},
    grid: {left: 45, right: 15, top: 40, bottom: 30},
    xAxis: {type: "category", data: data.compliance.categories},
    yAxis: {type: "value", minInterval: 1},
    series: [
      {name: "应评判干部", type: "bar", data: data.compliance.cadres},
      {name: "达标干部", type: "bar", data: data.compliance.met}
    ]
  });

  var map = draw("chart-map", {
    // Longitude and latitude as plain axes: no map tiles, which an intranet could not load.
    tooltip: {trigger: "item", formatter: function (p) { return p.data.name + "：未脱贫户 " + p.data.value[2]; }},
    legend: {data: ["贫困村", "非贫困村"]},
    grid: {left: 55, right: 15, top: 40, bottom: 30},
    // A margin around the villages, so that the outermost ones are not drawn on the axes.
    xAxis: {type: "value", scale: true, name: "经度", min: padded(-1), max: padded(1)},
    yAxis: {type: "value", scale: true, name: "纬度", min: padded(-1), max: padded(1)},
    series: [true, false].map(function (poor) {
      return {
        name: poor ? "贫困村" : "非贫困村", type: "scatter",
        itemStyle: {color: poor ? "#c62828" : "#1565c0"},
        symbolSize: function (value) { return 6 + Math.sqrt(value[2]) * 2; },
        data: data.map.filter(function (p) { return p.poor_village === poor; })
      };
    })
  });
  if (map) {
    map.on("click", function (params) { if (params.data && params.data.url) { window.location.href = params.data.url; } });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
