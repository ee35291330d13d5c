// report.html in a real browser (`make browser-check`): headless Chromium opens the page from disk
// with every network request refused, and this fails on any console error, any request that leaves
// the file, a chart with nothing drawn, or a control (sort, legend toggle, metric menu, trial
// picker) that does not work. Usage: node report-check.cjs REPORT.html [--screenshot OUT.png]
'use strict';
const path = require('path');
const {chromium} = require('playwright-core');

// The flags that start Debian's Chromium headless in a container: no sandbox (root), no GPU, and
// none of the background services that would try the network.
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// A canvas counts as drawn when this share of its pixels is painted (axes alone paint about 1%).
const MIN_PAINTED = 0.02;

async function main() {
  const args = process.argv.slice(2);
  const shotAt = args.indexOf('--screenshot');
  const screenshot = shotAt >= 0 ? args[shotAt + 1] : null;
  const file = args.find((a, i) => !a.startsWith('--') && (shotAt < 0 || i !== shotAt + 1));
  if (!file) {
    throw new Error('usage: node report-check.cjs REPORT.html [--screenshot OUT.png]');
  }
  const report = path.resolve(file);
  const url = 'file://' + report;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
    timeout: 60000
  });
  const version = browser.version();
  const problems = [];
  const passed = [];
  function check(ok, what) {
    (ok ? passed : problems).push(what);
  }
  try {
    const page = await browser.newPage({viewport: {width: 1300, height: 900}});
    page.on('console', m => {
      if (m.type() === 'error') {
        problems.push('console error: ' + m.text());
      }
    });
    page.on('pageerror', e => problems.push('page error: ' + e.message));
    await page.route('**/*', route => {
      if (route.request().url() === url) {
        return route.continue();
      }
      problems.push('request left the page: ' + route.request().url());
      return route.abort();
    });
    await page.goto(url, {waitUntil: 'load', timeout: 30000});
    const data = await page.evaluate(() => JSON.parse(document.getElementById('report-data').textContent));
    if (screenshot) { // as a reader first sees it, before the checks click anything
      await page.screenshot({path: screenshot, fullPage: true});
      passed.push('screenshot written to ' + screenshot);
    }

    // every chart has drawn content
    const canvases = await page.$$eval('canvas', nodes => nodes.map(c => {
      const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) {
        painted += pixels[i] > 0 ? 1 : 0;
      }
      const chart = Chart.getChart(c);
      return {
        id: c.id || c.getAttribute('aria-label'),
        painted: painted / (c.width * c.height),
        points: chart ? chart.data.datasets.reduce((n, d) => n + d.data.length, 0) : 0,
        xType: chart ? chart.scales.x.type : null
      };
    }));
    const families = new Set(data.curves.map(c => c.family)).size;
    // a search's two best-so-far charts, when the report has a search (a grid's page has none)
    const searchCharts = data.search ? ['search-configurations', 'search-cpu'] : [];
    check(canvases.length === 2 + families + searchCharts.length, canvases.length + ' charts (2 accuracy + '
      + families + ' curve families + ' + searchCharts.length + ' search)');
    searchCharts.forEach(id => check(canvases.some(c => c.id === id), 'search chart ' + id + ' is on the page'));
    canvases.forEach(c => check(c.painted >= MIN_PAINTED && c.points > 0,
      'chart ' + c.id + ': ' + c.points + ' points, ' + (100 * c.painted).toFixed(1) + '% of pixels painted'));
    check((canvases.find(c => c.id === 'accuracy-params') || {}).xType === 'logarithmic',
      'accuracy against parameters has a log x axis');

    // tables hold every row of the data
    const rows = async selector => page.$$eval(selector + ' tbody tr', trs => trs.length);
    check(await rows('#overview') === data.overview.rows.length && data.overview.rows.length > 0,
      'configurations table: ' + data.overview.rows.length + ' rows');
    check(await rows('#trial-table') === data.trials, 'trial table: ' + data.trials + ' rows');
    check(await rows('#comparisons') === data.comparisons.reduce((n, c) => n + c.table.rows.length, 0),
      'comparison tables: ' + data.comparisons.map(c => c.family).join(', '));
    if (data.search) {
      check(await rows('#search-table') === data.search.table.rows.length && data.search.table.rows.length > 0,
        'search table: ' + data.search.table.rows.length + ' configurations');
      const rungs = await page.$$eval('#rungs-section:not([hidden]) tbody tr', trs => trs.length);
      check(rungs === (data.search.pruned ? data.search.rungs.rows.length : 0),
        'rungs table: ' + rungs + ' rows' + (data.search.pruned ? '' : ' (nothing pruned)'));
      // the best-so-far line never gets worse: up for an accuracy, down for a loss
      const best = await page.evaluate(() => {
        const chart = Chart.getChart(document.getElementById('search-configurations'));
        const line = chart.data.datasets.find(d => d.label === 'best so far');
        return line ? line.data.map(p => p.y) : [];
      });
      const rising = data.search.axis.startsWith('validation accuracy');
      check(best.length > 0 && best.every((v, i) => i === 0 || (rising ? best[i - 1] <= v : best[i - 1] >= v)),
        'best so far: ' + best.length + ' points, never worse than before');
    }
    const heat = await page.$$eval('#f1-table td[style*="background"]', tds => tds.length);
    check(heat === data.f1.length * (data.classes.length + 1), 'per-class F1 heat map: ' + heat + ' coloured cells');

    // sorting by a numeric column, both ways
    const column = data.overview.columns.findIndex(c => c.name === 'test acc %');
    const sortedColumn = () => page.$$eval('#overview tbody tr', (trs, i) =>
      trs.map(tr => parseFloat(tr.children[i].textContent.replace(/,/g, ''))), column);
    const header = page.locator('#overview th').nth(column);
    await header.click();
    const up = await sortedColumn();
    await header.click();
    const down = await sortedColumn();
    check(up.every((v, i) => i === 0 || up[i - 1] <= v) && down.every((v, i) => i === 0 || down[i - 1] >= v),
      'clicking a header sorts ascending, then descending');

    // a legend click hides a trial's curve (the click lands on the first legend entry's box)
    const firstCurves = page.locator('#curve-charts canvas').first();
    const entry = await firstCurves.evaluate(canvas => {
      const box = Chart.getChart(canvas).legend.legendHitBoxes[0];
      return {x: box.left + box.width / 2, y: box.top + box.height / 2};
    });
    // Chart.js handles pointer events on the next animation frame: wait for the state, briefly
    const firstVisible = visible => page.waitForFunction(v => Chart.getChart(
      document.querySelector('#curve-charts canvas')).isDatasetVisible(0) === v, visible, {timeout: 3000})
      .then(() => true, () => false);
    await firstCurves.click({position: entry});
    const hidden = await firstVisible(false);
    await firstCurves.click({position: entry});
    check(hidden && await firstVisible(true), 'clicking a legend entry hides that trial, clicking again shows it');

    // the metric menu redraws the curves
    await page.selectOption('#curve-metric', 'train_loss');
    const axis = await page.evaluate(() => Chart.getChart(document.querySelector('#curve-charts canvas'))
      .options.scales.y.title.text);
    check(axis === 'training loss', 'metric menu switches the curves to "' + axis + '"');
    await page.selectOption('#curve-metric', 'test_acc');

    // the trial picker shows each matrix, rows summing to 100% of the true class
    const matrices = data.confusions.length;
    check(matrices > 0, matrices + ' confusion matrices to pick from');
    if (matrices > 1) {
      await page.selectOption('#confusion-trial', String(matrices - 1));
    }
    const shown = await page.$eval('#confusion-table table', t => ({
      trial: t.dataset.trial,
      rows: Array.from(t.querySelectorAll('tbody tr')).map(tr =>
        Array.from(tr.querySelectorAll('td')).reduce((s, td) => s + parseFloat(td.textContent), 0))
    }));
    check(shown.trial === data.confusions[matrices - 1].id && shown.rows.length === data.classes.length
      && shown.rows.every(s => s === 0 || Math.abs(s - 100) < 1), 'trial picker shows ' + shown.trial);
    if (matrices > 1) {
      await page.selectOption('#confusion-trial', '0');
    }

  } finally {
    await browser.close();
  }
  passed.forEach(p => console.log('ok   ' + p));
  problems.forEach(p => console.log('FAIL ' + p));
  console.log('checked ' + report + ' in Chromium ' + version);
  console.log('browser-check: ' + passed.length + ' passed, ' + problems.length + ' failed');
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch(e => {
  console.error('browser check could not run: ' + (e && e.stack || e));
  process.exit(1);
});
