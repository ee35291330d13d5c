// report.html's script: draws and sorts what the runner computed (every mean, std and F1 is in the
// embedded JSON); it computes nothing but each confusion cell's share of its row.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  // Tableau 10: distinct at a glance, and the first two are the PNG charts' FCN blue and CNN red.
  const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  // Heat-map cells run from white to the PNG confusion charts' dark blue.
  const HEAT_HIGH = [8, 48, 107];
  const LOG_MARGIN = 1.5;
  Chart.defaults.animation = false; // drawn once, the same on every load (and in screenshots)
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  function el(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function fmt(value, digits) {
    return value === null || value === undefined ? '' : value.toFixed(digits);
  }

  // ---- sortable tables ------------------------------------------------------------------------
  // A cell's sort key: numeric columns by their leading number ("91.79 ± 0.12", "49,987"), empty last.
  function sortKey(cell, numeric) {
    if (!numeric) {
      return cell;
    }
    const n = parseFloat(cell.replace(/,/g, ''));
    return Number.isNaN(n) ? null : n;
  }

  function sortableTable(table, rowClass) {
    const node = el('table', {class: 'sortable'});
    const head = el('tr');
    const body = el('tbody');
    table.columns.forEach((column, i) => {
      const th = el('th', {scope: 'col', title: 'sort by ' + column.name}, column.name);
      th.addEventListener('click', () => sortBy(i));
      head.appendChild(th);
    });
    node.appendChild(el('thead')).appendChild(head);
    node.appendChild(body);
    const rows = table.rows.map(cells => {
      const tr = el('tr', rowClass ? {class: rowClass(cells)} : {});
      cells.forEach((cell, i) => tr.appendChild(el('td', table.columns[i].numeric ? {class: 'num'} : {}, cell)));
      return {cells, tr};
    });
    rows.forEach(r => body.appendChild(r.tr));
    function sortBy(i) {
      const th = head.children[i];
      const direction = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      Array.from(head.children).forEach(h => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
      const numeric = table.columns[i].numeric;
      rows.slice().sort((a, b) => {
        const x = sortKey(a.cells[i], numeric);
        const y = sortKey(b.cells[i], numeric);
        if (x === null || x === '') {
          return y === null || y === '' ? 0 : 1;
        }
        if (y === null || y === '') {
          return -1;
        }
        return direction * (numeric ? x - y : String(x).localeCompare(String(y)));
      }).forEach(r => body.appendChild(r.tr));
    }
    return node;
  }

  // ---- heat maps (HTML tables: every value stays readable) --------------------------------------
  function heatCell(value, low, high, text, title) {
    const td = el('td', title ? {title} : {}, text);
    if (value !== null && value !== undefined) {
      const t = high > low ? Math.min(1, Math.max(0, (value - low) / (high - low))) : 1;
      const rgb = HEAT_HIGH.map(c => Math.round(255 + (c - 255) * t));
      td.style.background = 'rgb(' + rgb.join(',') + ')';
      td.style.color = t > 0.55 ? '#fff' : '#1b1f24';
    }
    return td;
  }

  // ---- charts ---------------------------------------------------------------------------------
  // Error bars drawn by hand: Chart.js has none, and its error-bar plugin is not published as a
  // webjar; a whisker per point is a dozen lines.
  const errorBars = {
    id: 'errorBars',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const y = chart.scales.y;
      chart.data.datasets.forEach((dataset, i) => {
        if (!chart.isDatasetVisible(i)) {
          return;
        }
        ctx.save();
        ctx.strokeStyle = dataset.borderColor;
        ctx.lineWidth = 1.5;
        chart.getDatasetMeta(i).data.forEach((point, j) => {
          const d = dataset.data[j];
          if (d.yMin === null || d.yMin === undefined) {
            return;
          }
          const top = y.getPixelForValue(d.yMax);
          const bottom = y.getPixelForValue(d.yMin);
          ctx.beginPath();
          ctx.moveTo(point.x, top);
          ctx.lineTo(point.x, bottom);
          ctx.moveTo(point.x - 5, top);
          ctx.lineTo(point.x + 5, top);
          ctx.moveTo(point.x - 5, bottom);
          ctx.lineTo(point.x + 5, bottom);
          ctx.stroke();
        });
        ctx.restore();
      });
    }
  };

  function accuracyChart(canvasId, xKey, xTitle, logarithmic) {
    const datasets = data.accuracy.map((family, f) => {
      const points = family.points.filter(p => p.acc !== null && p[xKey] !== null).map(p => ({
        x: p[xKey], y: p.acc, network: p.network, group: p.group, n: p.n, std: p.accStd,
        yMin: p.accStd === null ? null : p.acc - p.accStd,
        yMax: p.accStd === null ? null : p.acc + p.accStd
      })).sort((a, b) => a.x - b.x);
      return {
        label: family.family,
        borderColor: PALETTE[f % PALETTE.length],
        backgroundColor: PALETTE[f % PALETTE.length],
        // a line through a family's sizes; configurations of one size are no series to connect
        showLine: new Set(points.map(p => p.x)).size === points.length,
        pointRadius: 4,
        data: points
      };
    });
    const xs = datasets.flatMap(d => d.data.map(p => p.x));
    const ys = datasets.flatMap(d => d.data.flatMap(p => [p.y, p.yMin, p.yMax])).filter(v => v !== null);
    return new Chart(document.getElementById(canvasId), {
      type: 'scatter',
      data: {datasets},
      plugins: [errorBars],
      options: {
        maintainAspectRatio: false,
        plugins: {
          title: {display: true, text: 'Test accuracy against ' + xTitle + ' (last epoch)'},
          tooltip: {
            callbacks: {
              label: item => {
                const p = item.raw;
                const spread = p.std === null ? '' : ' ± ' + p.std.toFixed(2);
                return item.dataset.label + ' ' + p.network + ' (group ' + p.group + '): ' + p.y.toFixed(2) + spread
                  + ' % (n = ' + p.n
                  + '), ' + (xKey === 'params' ? p.x.toLocaleString('en') + ' parameters' : p.x.toFixed(1) + ' s');
              }
            }
          }
        },
        scales: {
          x: {
            type: logarithmic ? 'logarithmic' : 'linear',
            // half a step of margin on a log axis, so no point sits on its edge
            min: logarithmic ? Math.min(...xs) / LOG_MARGIN : undefined,
            max: logarithmic ? Math.max(...xs) * LOG_MARGIN : undefined,
            title: {display: true, text: xTitle + (logarithmic ? ' (log scale)' : '')},
            ticks: {
              maxRotation: 0,
              callback: value => !logarithmic || isLogLabel(value) ? Number(value).toLocaleString('en') : ''
            }
          },
          y: {
            title: {display: true, text: 'test accuracy (%)'},
            suggestedMin: Math.floor(Math.min(...ys) - 0.5),
            suggestedMax: Math.ceil(Math.max(...ys) + 0.5)
          }
        }
      }
    });
  }

  // A log axis labels 1, 2 and 5 of each decade; its other ticks stay as unlabelled grid lines.
  function isLogLabel(value) {
    const mantissa = value / 10 ** Math.floor(Math.log10(value) + 1e-9);
    return [1, 2, 5].some(m => Math.abs(mantissa - m) < 1e-6);
  }

  const curveCharts = [];

  function curveChart(container, family, curves, metric) {
    const box = el('div', {class: 'chart tall'});
    const canvas = el('canvas', {role: 'img', 'aria-label': family + ' learning curves'});
    box.appendChild(canvas);
    container.appendChild(box);
    const chart = new Chart(canvas, {
      type: 'line',
      data: {datasets: curveDatasets(curves, metric)},
      options: {
        maintainAspectRatio: false,
        parsing: false,
        plugins: {
          title: {display: true, text: family + ': ' + metricLabel(metric) + ' per epoch, ' + curves.length
            + (curves.length === 1 ? ' trial' : ' trials')},
          // legend samples are short lines, dashed like their curves
          legend: {position: 'bottom', labels: {usePointStyle: true, pointStyle: 'line', font: {size: 11}}}
        },
        scales: {
          x: {type: 'linear', title: {display: true, text: 'epoch'}, ticks: {precision: 0}},
          y: {title: {display: true, text: metricLabel(metric)}}
        }
      }
    });
    chart.$curves = curves;
    curveCharts.push(chart);
  }

  // One colour per configuration, one dash pattern per seed or fold within it: repeats of a
  // configuration read as one bundle. A trial that did not complete has a colour of its own.
  const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4]];

  function curveDatasets(curves, metric) {
    const colours = new Map();
    const members = new Map();
    return curves.map(c => {
      const key = c.group || c.id;
      if (!colours.has(key)) {
        colours.set(key, PALETTE[colours.size % PALETTE.length]);
      }
      const member = members.get(key) || 0;
      members.set(key, member + 1);
      return {
        label: c.label,
        borderColor: colours.get(key),
        backgroundColor: colours.get(key),
        borderDash: DASHES[member % DASHES.length],
        borderWidth: 1.5,
      pointRadius: 1.5,
      spanGaps: false,
        data: c.epochs.map((epoch, j) => ({x: epoch, y: c.values[metric][j]}))
      };
    });
  }

  function metricLabel(key) {
    return data.curveMetrics.find(m => m.key === key).label;
  }

  // A search's objective and best so far: points per configuration, the best as a step line that
  // holds its value until the configuration that improved it.
  function searchChart(canvasId, xKey, xTitle) {
    const points = data.search.points.filter(p => p[xKey] !== null && p.objective !== null);
    const point = p => ({x: p[xKey], y: p.objective, number: p.number, status: p.status});
    const best = data.search.points.filter(p => p[xKey] !== null && p.best !== null)
      .map(p => ({x: p[xKey], y: p.best, number: p.number, status: 'best so far'}));
    const datasets = [
      {label: 'ran to the end', data: points.filter(p => p.ranToEnd).map(point), borderColor: PALETTE[0],
        backgroundColor: PALETTE[0], pointRadius: 4, showLine: false},
      {label: 'stopped earlier (pruned, failed)', data: points.filter(p => !p.ranToEnd).map(point),
        borderColor: PALETTE[7], backgroundColor: PALETTE[7], pointStyle: 'crossRot', pointRadius: 6,
        showLine: false},
      {label: 'best so far', data: best, borderColor: PALETTE[1], backgroundColor: PALETTE[1], pointRadius: 0,
        showLine: true, stepped: true, borderWidth: 2}
    ].filter(d => d.data.length > 0);
    return new Chart(document.getElementById(canvasId), {
      type: 'scatter',
      data: {datasets},
      options: {
        maintainAspectRatio: false,
        plugins: {
          title: {display: true, text: 'Best so far against ' + xTitle},
          legend: {position: 'bottom'},
          tooltip: {
            callbacks: {
              label: item => 'configuration ' + item.raw.number + ' (' + item.raw.status + '): '
                + item.raw.y.toFixed(data.search.axis.includes('%') ? 2 : 4)
            }
          }
        },
        scales: {
          x: {type: 'linear', title: {display: true, text: xTitle}, ticks: {precision: 0}},
          y: {title: {display: true, text: data.search.axis}}
        }
      }
    });
  }

  // ---- sections -------------------------------------------------------------------------------
  document.title = data.experiment + ': report';
  document.getElementById('title').textContent = data.experiment + ': report';
  document.getElementById('description').textContent = data.description;
  const statusIndex = data.trialTable.columns.findIndex(c => c.name === 'status');
  const pruned = data.trialTable.rows.filter(r => r[statusIndex] === 'pruned').length;
  document.getElementById('counts').textContent = data.trials + ' trials, ' + data.completed + ' completed'
    + (pruned > 0 ? ', ' + pruned + ' pruned' : '') + ', in ' + data.overview.rows.length + ' configurations.';
  document.getElementById('footer').append(' Charts by ' + data.chartLibrary + ' (MIT licence), inlined.');

  if (data.search) {
    document.getElementById('search-link').hidden = false;
    document.getElementById('search-summary').textContent = data.search.summary;
    const chosen = document.getElementById('search-chosen');
    if (data.search.chosen) {
      chosen.appendChild(el('strong', {}, 'Chosen: '));
      chosen.append(data.search.chosen);
    } else {
      chosen.textContent = 'No configuration has run to the end yet: nothing to choose.';
    }
    if (data.search.points.some(p => p.objective !== null)) {
      searchChart('search-configurations', 'number', 'configuration (in the order proposed)');
    } else {
      document.getElementById('search-configurations').parentNode.remove();
    }
    if (data.search.points.some(p => p.objective !== null && p.cpuS !== null)) {
      searchChart('search-cpu', 'cpuS', 'cumulative CPU seconds (estimated)');
    } else {
      document.getElementById('search-cpu').parentNode.remove();
    }
    document.getElementById('search-table').appendChild(sortableTable(data.search.table,
      cells => 'status-' + cells[cells.length - 1]));
    if (data.search.pruned) {
      document.getElementById('rungs-section').hidden = false;
      document.getElementById('search-rungs').appendChild(sortableTable(data.search.rungs));
    }
  } else { // a grid: no empty charts left in the page
    document.getElementById('search').remove();
  }

  document.getElementById('overview').appendChild(sortableTable(data.overview));

  const comparisons = document.getElementById('comparisons');
  data.comparisons.forEach(c => {
    comparisons.appendChild(el('h3', {}, c.family));
    comparisons.appendChild(el('div', {class: 'scroll'})).appendChild(sortableTable(c.table));
  });
  if (data.folds.rows.length > 0) {
    document.getElementById('folds-section').hidden = false;
    document.getElementById('folds').appendChild(sortableTable(data.folds));
  }
  if (data.neighbours.rows.length > 0) {
    document.getElementById('neighbours-section').hidden = false;
    document.getElementById('neighbours').appendChild(sortableTable(data.neighbours));
  }

  if (data.accuracy.some(f => f.points.length > 0)) {
    accuracyChart('accuracy-params', 'params', 'trainable parameters', true);
    accuracyChart('accuracy-time', 'time', 'training time (s)', false);
  } else {
    document.querySelector('#accuracy .charts').replaceWith(el('p', {class: 'note'}, 'No trial has completed yet.'));
  }

  const metricSelect = document.getElementById('curve-metric');
  data.curveMetrics.forEach(m => metricSelect.appendChild(el('option', {value: m.key}, m.label)));
  const curveContainer = document.getElementById('curve-charts');
  const families = [...new Set(data.curves.map(c => c.family))];
  families.forEach(f => curveChart(curveContainer, f, data.curves.filter(c => c.family === f), metricSelect.value));
  if (families.length === 0) {
    curveContainer.replaceWith(el('p', {class: 'note'}, 'No trial has finished an epoch yet.'));
  }
  metricSelect.addEventListener('change', () => curveCharts.forEach(chart => {
    chart.data.datasets.forEach((dataset, i) => {
      dataset.data = curveDatasets(chart.$curves, metricSelect.value)[i].data;
    });
    const label = metricLabel(metricSelect.value);
    chart.options.scales.y.title.text = label;
    chart.options.plugins.title.text = chart.options.plugins.title.text.replace(/: .* per epoch/, ': ' + label
      + ' per epoch');
    chart.update();
  }));

  // per-class F1
  const f1Values = data.f1.flatMap(r => r.mean).filter(v => v !== null);
  const f1Low = Math.min(...f1Values);
  const f1High = Math.max(...f1Values);
  const f1Table = el('table', {class: 'heat'});
  const f1Head = el('tr');
  ['model', 'network', 'n'].forEach(h => f1Head.appendChild(el('th', {}, h)));
  data.classes.forEach(c => f1Head.appendChild(el('th', {class: 'rot'}, c)));
  f1Head.appendChild(el('th', {class: 'rot'}, 'macro F1'));
  f1Table.appendChild(el('thead')).appendChild(f1Head);
  const f1Body = f1Table.appendChild(el('tbody'));
  data.f1.forEach(r => {
    const tr = el('tr');
    tr.appendChild(el('td', {}, r.family));
    tr.appendChild(el('td', {}, r.network));
    tr.appendChild(el('td', {class: 'num'}, String(r.n)));
    r.mean.forEach((m, c) => tr.appendChild(heatCell(m, f1Low, f1High, fmt(m, 3),
      data.classes[c] + ': ' + fmt(m, 4) + (r.std[c] === null ? '' : ' ± ' + fmt(r.std[c], 4)) + ' (n = ' + r.n + ')')));
    tr.appendChild(heatCell(r.macro, f1Low, f1High, fmt(r.macro, 3), 'macro F1: ' + fmt(r.macro, 4)));
    f1Body.appendChild(tr);
  });
  if (data.f1.length > 0) {
    document.getElementById('f1-table').appendChild(f1Table);
  } else {
    document.getElementById('f1-table').appendChild(el('p', {class: 'note'},
      'No completed trial has a confusion matrix at its last epoch.'));
  }

  // confusion matrices with a trial picker
  const picker = document.getElementById('confusion-trial');
  data.confusions.forEach((c, i) => picker.appendChild(el('option', {value: String(i)},
    c.label + ', ' + c.at + ' epoch (' + c.epoch + ')')));
  function showConfusion() {
    const target = document.getElementById('confusion-table');
    target.replaceChildren();
    const c = data.confusions[Number(picker.value)];
    if (!c) {
      target.appendChild(el('p', {class: 'note'}, 'No trial has a confusion matrix.'));
      return;
    }
    const table = el('table', {class: 'heat', 'data-trial': c.id, 'data-at': c.at});
    const head = el('tr');
    head.appendChild(el('th', {}, 'true \\ predicted'));
    data.classes.forEach(name => head.appendChild(el('th', {class: 'rot'}, name)));
    table.appendChild(el('thead')).appendChild(head);
    const body = table.appendChild(el('tbody'));
    c.counts.forEach((row, t) => {
      const support = row.reduce((a, b) => a + b, 0);
      const tr = el('tr');
      tr.appendChild(el('th', {scope: 'row'}, data.classes[t]));
      row.forEach((count, p) => {
        const share = support === 0 ? 0 : 100 * count / support;
        const td = heatCell(share, 0, 100, share.toFixed(1), data.classes[t] + ' predicted as ' + data.classes[p]
          + ': ' + count + ' of ' + support);
        if (t === p) {
          td.classList.add('diag');
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    target.appendChild(table);
  }
  picker.addEventListener('change', showConfusion);
  showConfusion();

  const statusColumn = data.trialTable.columns.findIndex(c => c.name === 'status');
  document.getElementById('trial-table').appendChild(sortableTable(data.trialTable,
    cells => 'status-' + cells[statusColumn]));
})();
