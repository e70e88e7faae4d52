// The dashboard page's glue: reads the data the <script> files gave to window.LPG, builds the
// filters, the overview, the false-alarm table, the ratio charts and one uPlot chart per
// engine × scenario × metric. Charts are uPlot's; this file only arranges data, draws the markers
// uPlot has no notion of (fingerprint epochs, change points, false alarms) in its draw hook, and
// writes text with textContent (refs, notes and fingerprints are untrusted text).
// window.__dashboard tells a test (or a curious reader) what was drawn.
/* global uPlot */
(function () {
  'use strict';
  var state = { charts: [], errors: [] };
  window.__dashboard = state;
  var data = window.LPG && window.LPG.data;
  if (!data || !data.index) {
    document.getElementById('charts').textContent = 'No dashboard data was loaded (data/index.js is missing).';
    return;
  }
  var index = data.index;
  var byFile = {};
  data.keys.forEach(function (k) {
    index.keys.forEach(function (meta) {
      if (meta.key === k.key) byFile[meta.file] = k;
    });
  });
  var metricInfo = {};
  index.metrics.forEach(function (m) {
    metricInfo[m.name] = m;
  });

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (a) {
      if (a === 'text') e.textContent = attrs[a];
      else e.setAttribute(a, attrs[a]);
    });
    (children || []).forEach(function (c) {
      if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return e;
  }
  function link(href, text) {
    return href ? el('a', { href: href, target: '_blank', rel: 'noopener', text: text }) : el('span', { text: text });
  }
  /** Empties a section for a redraw, destroying the uPlot charts it held (listed in `charts`). */
  function resetSection(id, charts) {
    charts.forEach(function (c) { c.destroy(); });
    charts.length = 0;
    var root = document.getElementById(id);
    root.textContent = '';
    return root;
  }
  function commitUrl(sha) {
    return index.repoUrl && sha ? index.repoUrl + '/commit/' + encodeURIComponent(sha) : null;
  }
  function prUrl(pr) {
    return index.repoUrl && pr ? index.repoUrl + '/pull/' + pr : null;
  }
  function day(t) {
    return t.slice(0, 10);
  }
  // Axis labels: dates, or times of day where the runs shown fit in two days.
  function tickLabel(times) {
    var span = times.length ? Date.parse(times[times.length - 1]) - Date.parse(times[0]) : 0;
    return span < 2 * 86400e3 ? function (t) { return t.slice(5, 10) + ' ' + t.slice(11, 16); } : day;
  }
  function pct(r) {
    if (r === null || r === undefined) return '—';
    var p = (r - 1) * 100;
    return (p >= 0 ? '+' : '') + p.toFixed(1) + '%';
  }
  var gatesBySha = {};
  index.gates.forEach(function (g) {
    if (g.sha) gatesBySha[g.sha] = g;
  });

  // ---------- filters (also read from and written to the URL's #hash, which PR comments link to) ----------
  var params = new URLSearchParams(location.hash.slice(1));
  var engines = [];
  index.keys.forEach(function (k) {
    if (engines.indexOf(k.engine) < 0) engines.push(k.engine);
  });
  var scenarios = [];
  data.keys.forEach(function (k) {
    Object.keys(k.values).forEach(function (s) {
      if (scenarios.indexOf(s) < 0) scenarios.push(s);
    });
  });
  var filter = { engine: params.get('engine') || '', scenario: params.get('scenario') || '', metric: params.get('metric') || '' };
  var form = document.getElementById('filters');
  function select(name, label, options) {
    var s = el('select', { name: name, 'aria-label': label }, [el('option', { value: '', text: 'all ' + label + 's' })].concat(options.map(function (o) {
      return el('option', { value: o.value, text: o.text });
    })));
    s.value = filter[name];
    s.addEventListener('change', function () {
      filter[name] = s.value;
      var h = new URLSearchParams();
      Object.keys(filter).forEach(function (f) {
        if (filter[f]) h.set(f, filter[f]);
      });
      history.replaceState(null, '', '#' + h.toString());
      drawOverview();
      drawCharts();
      drawRatios();
    });
    form.appendChild(el('label', {}, [label + ' ', s]));
  }
  select('engine', 'engine', engines.map(function (e) { return { value: e, text: e }; }));
  select('scenario', 'scenario', scenarios.map(function (s) { return { value: s, text: s }; }));
  select('metric', 'metric', index.metrics.map(function (m) { return { value: m.name, text: m.label }; }));
  var runs = data.keys.reduce(function (n, k) { return n + k.runs.length; }, 0);
  document.getElementById('meta').textContent = data.keys.length + ' histories, ' + runs + ' runs; newest ' + (index.updatedAt ? index.updatedAt.replace('T', ' ').slice(0, 16) + ' UTC' : '—');

  // ---------- markers uPlot does not draw ----------
  function markerPlugin(k, marks) {
    return {
      hooks: {
        draw: [
          function (u) {
            var ctx = u.ctx;
            var top = u.bbox.top;
            var h = u.bbox.height;
            ctx.save();
            function vline(x, color, dash, width) {
              var px = Math.round(u.valToPos(x, 'x', true));
              ctx.strokeStyle = color;
              ctx.lineWidth = width * devicePixelRatio;
              ctx.setLineDash(dash);
              ctx.beginPath();
              ctx.moveTo(px, top);
              ctx.lineTo(px, top + h);
              ctx.stroke();
              return px;
            }
            ctx.font = 11 * devicePixelRatio + 'px sans-serif';
            k.epochs.forEach(function (e) {
              if (e.start === 0) return;
              var px = vline(e.start - 0.5, '#6e7781', [4 * devicePixelRatio, 3 * devicePixelRatio], 1.5);
              ctx.fillStyle = '#57606a';
              ctx.fillText(e.changes.map(function (c) { return c.field; }).join(', '), px + 3 * devicePixelRatio, top + 12 * devicePixelRatio);
            });
            marks.forEach(function (c) {
              vline(c.index - 0.5, '#cf222e', [], 2);
            });
            // Runs of a gate marked a false alarm: an amber ring.
            ctx.strokeStyle = '#bf8700';
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.setLineDash([]);
            k.runs.forEach(function (r, i) {
              var g = r.sha ? gatesBySha[r.sha] : null;
              var y = u.data[1][i];
              if (!g || !g.falseAlarm || y === null) return;
              ctx.beginPath();
              ctx.arc(u.valToPos(i, 'x', true), u.valToPos(y, 'y', true), 6 * devicePixelRatio, 0, 2 * Math.PI);
              ctx.stroke();
            });
            ctx.restore();
          },
        ],
      },
    };
  }

  function runLine(k, i) {
    var r = k.runs[i];
    var g = r.sha ? gatesBySha[r.sha] : null;
    var epoch = 0;
    k.epochs.forEach(function (e, j) {
      if (e.start <= i) epoch = j;
    });
    var parts = [el('span', { text: 'run ' + (i + 1) + ' · ' + r.t.replace('T', ' ').slice(0, 16) + ' · ' }), link(commitUrl(r.sha), r.sha ? r.sha.slice(0, 7) : 'no commit'), el('span', { text: (r.ref ? ' · ' + r.ref : '') + ' · fingerprint epoch ' + (epoch + 1) })];
    if (g && g.pr) parts.push(el('span', { text: ' · ' }), link(prUrl(g.pr), 'PR #' + g.pr));
    if (g && g.reportUrl) parts.push(el('span', { text: ' · ' }), link(g.reportUrl, 'report'));
    if (g && g.falseAlarm) parts.push(el('span', { class: 'fa', text: ' · marked false alarm by ' + g.falseAlarm.by }));
    return parts;
  }

  // ---------- one chart per engine × scenario × metric ----------
  var chartObjs = [];
  function drawCharts() {
    var root = resetSection('charts', chartObjs);
    state.charts = [];
    root.appendChild(el('h2', { text: 'Every run' }));
    index.keys.forEach(function (meta) {
      var k = byFile[meta.file];
      if (!k || (filter.engine && filter.engine !== k.engine)) return;
      Object.keys(k.values).forEach(function (scenario) {
        if (filter.scenario && filter.scenario !== scenario) return;
        index.metrics.forEach(function (m) {
          if (filter.metric && filter.metric !== m.name) return;
          var ys = k.values[scenario][m.name];
          if (ys) drawChart(root, k, scenario, m, ys);
        });
      });
    });
  }

  function drawChart(root, k, scenario, m, ys) {
    var n = ys.length;
    var label = tickLabel(k.runs.map(function (r) { return r.t; }));
    var xs = [];
    var jobMean = [];
    var groups = {};
    for (var i = 0; i < n; i++) {
      xs.push(i);
      var job = k.runs[i].t + '|' + k.runs[i].sha;
      (groups[job] = groups[job] || []).push(i);
    }
    Object.keys(groups).forEach(function (job) {
      var idx = groups[job].filter(function (j) { return ys[j] !== null; });
      var avg = idx.reduce(function (s, j) { return s + ys[j]; }, 0) / (idx.length || 1);
      groups[job].forEach(function (j) { jobMean[j] = idx.length ? avg : null; });
    });
    var band = k.bands[scenario] && k.bands[scenario][m.name];
    var lo = xs.map(function (i) { return band && i >= band.from ? band.low : null; });
    var hi = xs.map(function (i) { return band && i >= band.from ? band.high : null; });
    var marks = k.changePoints.filter(function (c) { return c.scenario === scenario && c.metric === m.name; });
    // A capacity's unit is its search's (req/s or concurrent requests); runs below the lowest load tried are bounds ("< 0.5").
    var unit = (k.units && k.units[scenario] && k.units[scenario][m.name]) || m.unit;
    var below = (k.below && k.below[scenario] && k.below[scenario][m.name]) || [];
    var box = el('div', { class: 'chart', 'data-engine': k.engine, 'data-scenario': scenario, 'data-metric': m.name, 'data-unit': unit, 'data-below': below.join(','), 'data-points': String(ys.filter(function (y) { return y !== null; }).length), 'data-change-points': marks.map(function (c) { return c.index; }).join(',') });
    var title = k.engine + ' · ' + scenario + ' · ' + m.label + ' (' + unit + ', ' + (m.higherIsBetter ? 'higher' : 'lower') + ' is better)';
    box.appendChild(el('h3', { id: [k.engine, scenario, m.name].join('-'), text: title }));
    var epochs = k.epochs.slice(1).map(function (e) { return 'from run ' + (e.start + 1) + ': ' + e.changes.map(function (c) { return c.field + ' ' + c.baseline + ' → ' + c.current; }).join(', '); });
    var info = el('div', { class: 'info', text: (below.length ? below.length + ' run(s) below the lowest load tried, drawn at that load; ' : '') + (band ? 'baseline ' + band.baseline + ' ' + unit + ', tolerance ±' + (band.tolerance * 100).toFixed(1) + '% (band); ' : '') + (marks.length ? marks.map(function (c) { return 'change point at run ' + (c.index + 1) + ' (' + c.before + ' → ' + c.after + ', q=' + c.pValue + ')'; }).join('; ') : 'no change point') + (epochs.length ? '; fingerprint ' + epochs.join('; ') : '') });
    var pinned = el('div', { class: 'pinned' });
    root.appendChild(box);
    var width = Math.min(root.clientWidth || 900, 1100);
    var u = new uPlot(
      {
        width: width,
        height: 220,
        scales: { x: { time: false } },
        legend: { show: false },
        cursor: { points: { size: 7 } },
        axes: [
          { space: 90, values: function (u, splits) { return splits.map(function (s) { var r = k.runs[Math.round(s)]; return r && Math.round(s) === s ? label(r.t) : ''; }); } },
          { label: unit, size: 60 },
        ],
        series: [
          {},
          { label: 'run', stroke: '#0969da', width: 0, points: { show: true, size: 4, fill: '#0969da' } },
          { label: 'job mean', stroke: '#0969da88', width: 1.2, spanGaps: true, points: { show: false } },
          { label: 'band low', stroke: '#1a7f3755', width: 1, points: { show: false } },
          { label: 'band high', stroke: '#1a7f3755', width: 1, points: { show: false } },
        ],
        bands: [{ series: [4, 3], fill: '#1a7f3718' }],
        plugins: [markerPlugin(k, marks)],
        hooks: {
          setCursor: [
            function (u) {
              var i = u.cursor.idx;
              if (i === null || i === undefined) return;
              pinned.textContent = '';
              runLine(k, i).forEach(function (p) { pinned.appendChild(p); });
              pinned.appendChild(el('span', { text: ' · ' + (ys[i] === null ? 'no value' : (below.indexOf(i) >= 0 ? '< ' : '') + ys[i] + ' ' + unit) }));
            },
          ],
        },
      },
      [xs, ys, jobMean, lo, hi],
      box,
    );
    box.appendChild(info);
    box.appendChild(pinned);
    chartObjs.push(u);
    var falseAlarms = [];
    k.runs.forEach(function (r, i) {
      if (r.sha && gatesBySha[r.sha] && gatesBySha[r.sha].falseAlarm && ys[i] !== null) falseAlarms.push(i);
    });
    state.charts.push({ engine: k.engine, scenario: scenario, metric: m.name, points: u.data[1].filter(function (y) { return y !== null; }).length, changePoints: marks.map(function (c) { return c.index; }), epochs: k.epochs.map(function (e) { return e.start; }), falseAlarms: falseAlarms });
  }

  // ---------- overview: one row per engine × scenario ----------
  var sparkObjs = [];
  function drawOverview() {
    var root = resetSection('overview', sparkObjs);
    root.appendChild(el('h2', { text: 'Overview' }));
    var head = el('tr', {}, [el('th', { text: 'engine' }), el('th', { text: 'scenario' })].concat(index.headline.map(function (h) {
      return el('th', { text: metricInfo[h].label + ' (last 60 runs; change vs previous fingerprint)' });
    })).concat([el('th', { text: 'newest fingerprint change' })]));
    var table = el('table', { class: 'overview' }, [head]);
    index.overview.forEach(function (row) {
      var k = byFile[row.file];
      if ((filter.engine && filter.engine !== row.engine) || (filter.scenario && filter.scenario !== row.scenario)) return;
      var history = el('div', { class: 'key', text: k ? k.model.split('/').pop() + ' · ' + k.gpu + ' · scenarios ' + k.scenarioSetHash.slice(0, 6) : '' });
      var tr = el('tr', {}, [el('td', {}, [row.engine, history]), el('td', {}, [link('#engine=' + encodeURIComponent(row.engine) + '&scenario=' + encodeURIComponent(row.scenario), row.scenario)])]);
      index.headline.forEach(function (h) {
        var td = el('td', { class: 'spark' });
        var ys = (k && k.values[row.scenario] && k.values[row.scenario][h]) || [];
        ys = ys.slice(-60);
        var spark = el('span', { class: 'sparkbox' });
        td.appendChild(spark);
        td.appendChild(el('span', { class: 'change', text: ' ' + (ys.length ? ys[ys.length - 1] : '—') + ' · ' + pct(row.epochChange[h]) }));
        tr.appendChild(td);
        if (ys.length > 1) {
          sparkObjs.push(new uPlot(
            { width: 120, height: 30, legend: { show: false }, cursor: { show: false }, scales: { x: { time: false } }, axes: [{ show: false }, { show: false }], series: [{}, { stroke: '#0969da', width: 1, spanGaps: true }] },
            [ys.map(function (_, i) { return i; }), ys],
            spark,
          ));
        }
      });
      tr.appendChild(el('td', { text: row.since || '—' }));
      table.appendChild(tr);
    });
    root.appendChild(table);
  }

  // ---------- false alarms fed back ----------
  function drawFalseAlarms() {
    var root = document.getElementById('false-alarms');
    root.appendChild(el('h2', { text: 'Gate false alarms' }));
    if (!index.falseAlarms.length) {
      root.appendChild(el('p', { text: 'No gate has been logged yet.' }));
      return;
    }
    var t = el('table', { class: 'rates' }, [el('tr', {}, ['engine', 'gates judged', 'alarms', 'marked false alarms', 'observed false-alarm rate', 'nominal rate (1 − confidence)'].map(function (h) { return el('th', { text: h }); }))]);
    index.falseAlarms.forEach(function (r) {
      t.appendChild(el('tr', {}, [r.engine, String(r.judged), String(r.alarms), String(r.falseAlarms), (r.observed * 100).toFixed(1) + '%', (r.nominal * 100).toFixed(1) + '%'].map(function (c) { return el('td', { text: c }); })));
    });
    root.appendChild(t);
    var failed = index.gates.filter(function (g) { return !g.passed; }).slice(-30).reverse();
    if (!failed.length) return;
    var g = el('table', { class: 'gates' }, [el('tr', {}, ['date', 'commit', 'pull request', 'mode', 'regressions', 'false alarm?'].map(function (h) { return el('th', { text: h }); }))]);
    failed.forEach(function (x) {
      g.appendChild(
        el('tr', {}, [
          el('td', { text: x.createdAt.replace('T', ' ').slice(0, 16) }),
          el('td', {}, [link(commitUrl(x.sha), x.sha ? x.sha.slice(0, 7) : '—')]),
          el('td', {}, [x.pr ? link(prUrl(x.pr), '#' + x.pr) : '—']),
          el('td', { text: x.mode }),
          el('td', { text: x.engines.map(function (e) { return e.regressions.length ? e.engine + ': ' + e.regressions.slice(0, 5).join(', ') + (e.regressions.length > 5 ? ' and ' + (e.regressions.length - 5) + ' more' : '') : ''; }).filter(Boolean).join('; ') }),
          el('td', { class: x.falseAlarm ? 'fa' : '', text: x.falseAlarm ? 'yes (' + x.falseAlarm.by + (x.falseAlarm.note ? ': ' + x.falseAlarm.note : '') + ')' : 'no' }),
        ]),
      );
    });
    root.appendChild(g);
  }

  // ---------- vLLM ÷ Transformers over time ----------
  var ratioObjs = [];
  function drawRatios() {
    var root = resetSection('ratios', ratioObjs);
    if (!index.ratios.length) return;
    root.appendChild(el('h2', { text: 'vLLM ÷ Transformers over time' }));
    index.ratios.forEach(function (pair) {
      pair.series.forEach(function (r) {
        if (filter.scenario && filter.scenario !== r.scenario) return;
        if (filter.metric && filter.metric !== r.metric) return;
        var box = el('div', { class: 'chart ratio', 'data-scenario': r.scenario, 'data-metric': r.metric, 'data-points': String(r.values.filter(function (y) { return y !== null; }).length) });
        box.appendChild(el('h3', { text: pair.vllm + ' ÷ ' + pair.transformers + ' · ' + r.scenario + ' · ' + metricInfo[r.metric].label }));
        root.appendChild(box);
        ratioObjs.push(
          new uPlot(
            {
              width: Math.min(root.clientWidth || 900, 1100),
              height: 160,
              legend: { show: false },
              scales: { x: { time: false } },
              axes: [{ space: 90, values: function (u, splits) { var label = tickLabel(pair.times); return splits.map(function (s) { var t = pair.times[Math.round(s)]; return t && Math.round(s) === s ? label(t) : ''; }); } }, { label: 'ratio', size: 60 }],
              series: [{}, { stroke: '#8250df', width: 1.5, spanGaps: true, points: { show: true, size: 4 } }],
            },
            [pair.times.map(function (_, i) { return i; }), r.values],
            box,
          ),
        );
      });
    });
  }

  try {
    drawOverview();
    drawFalseAlarms();
    drawRatios();
    drawCharts();
    var target = location.hash && document.getElementById([filter.engine, filter.scenario, filter.metric].join('-'));
    if (target) target.scrollIntoView();
  } catch (err) {
    state.errors.push(String(err && err.stack ? err.stack : err));
    throw err;
  }
  state.done = true;
})();
