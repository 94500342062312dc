import fs from 'node:fs';
import path from 'node:path';

/**
 * What the console's pages load, all from this server (no CDN): htmx and
 * Chart.js from node_modules, and the page's own stylesheet and script.
 * The own two are strings here rather than files so that `npm run build`
 * (tsc alone, no asset step) ships them.
 */

const STYLE = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
body { margin: 0; }
.top { display: flex; gap: 1rem; align-items: center; padding: .6rem 1.2rem; background: #1f2d3d; color: #fff; }
.top a { color: #fff; text-decoration: none; font-weight: 600; }
.top .who { margin-left: auto; opacity: .85; }
.inline { display: inline; }
main { padding: 1rem 1.2rem; max-width: 1400px; }
main.narrow { max-width: 36rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.4rem; } h3 { font-size: 1rem; margin: 0 0 .5rem; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid #d5d9de; padding: .35rem .55rem; text-align: left; vertical-align: top; font-size: .9rem; }
.proposals td { min-width: 11rem; }
.why ul { margin: 0; padding-left: 1rem; font-size: .8rem; color: #444; }
.scroll { overflow-x: auto; }
.state { padding: .1rem .45rem; border-radius: .6rem; background: #e3e7ec; font-size: .8rem; font-weight: 500; }
.state.awaiting-feedback { background: #fff1c2; } .state.completed, .state.observing { background: #d3f3d9; }
.state.failed, .state.expired, .state.gave-up, .state.cancelled { background: #f7d4d4; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.charts h2 { width: 100%; }
.charts figure { margin: 0; background: #fff; border: 1px solid #d5d9de; padding: .5rem; width: 32rem; max-width: 100%; }
/* Chart.js sizes a canvas to its parent: a box of its own, so the caption stays below the chart. */
.charts .chart { position: relative; height: 16rem; }
.charts figcaption { font-size: .8rem; color: #555; }
.forms { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
form label { display: block; margin: .35rem 0; }
.forms form { background: #fff; border: 1px solid #d5d9de; padding: .8rem; width: 20rem; }
.forms input:not([type=radio]), .forms select, .forms textarea { width: 100%; box-sizing: border-box; }
fieldset { border: 0; padding: 0; margin: 0; } .choice { display: inline-block; margin-right: .6rem; }
button { padding: .35rem .8rem; cursor: pointer; } button.primary { background: #1f6feb; color: #fff; border: 0; border-radius: .25rem; }
button[disabled] { opacity: .5; cursor: progress; }
.error { color: #b3261e; font-size: .85rem; display: block; }
.notice { background: #eef4ff; padding: .4rem .6rem; border-left: 3px solid #1f6feb; }
.hint { font-size: .8rem; color: #555; }
.filters { display: flex; gap: 1rem; align-items: flex-end; flex-wrap: wrap; margin-bottom: 1rem; }
.filters label { margin: 0; }
`;

/**
 * Draws the two charts of a negotiation page whenever htmx puts one in the
 * document (first load and every swap), from the JSON the server renders
 * beside them.
 */
const SCRIPT = `
(function () {
  var COLOURS = ['#1f6feb', '#d97706', '#059669', '#9333ea', '#dc2626', '#0891b2'];
  function draw(root) {
    // In an attribute, not a <script> element: htmx drops scripts from swapped content (allowScriptTags is off).
    var holder = root.querySelector && root.querySelector('[data-charts]');
    if (!holder || typeof Chart === 'undefined') return;
    var data = JSON.parse(holder.getAttribute('data-charts'));
    var load = root.querySelector('canvas[data-chart=load]');
    var cost = root.querySelector('canvas[data-chart=cost]');
    [load, cost].forEach(function (c) { var old = c && Chart.getChart(c); if (old) old.destroy(); });
    if (load) new Chart(load, {
      type: 'line',
      data: {
        labels: data.load.hours.map(function (h) { return h + ':00'; }),
        datasets: [{ label: 'predicted vCPU demand', data: data.load.demand, borderColor: '#111', backgroundColor: 'rgba(0,0,0,.08)', fill: true, tension: .3 }]
          .concat(data.load.capacity.map(function (p, i) {
            return { label: p.id + ' capacity (' + p.vcpu + ' vCPU)', data: data.load.hours.map(function () { return p.vcpu; }),
              borderColor: COLOURS[i % COLOURS.length], borderDash: [6, 4], pointRadius: 0, fill: false };
          }))
      },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, title: { display: true, text: 'vCPU' } } } }
    });
    if (cost) new Chart(cost, {
      type: 'scatter',
      data: { datasets: data.cost.map(function (p, i) {
        return { label: p.id, data: [{ x: p.headroom, y: p.monthlyUsd }], backgroundColor: COLOURS[i % COLOURS.length], pointRadius: 7 };
      }) },
      options: { animation: false, maintainAspectRatio: false, scales: {
        x: { title: { display: true, text: 'headroom (×)' } }, y: { beginAtZero: true, title: { display: true, text: 'USD per month' } } } }
    });
  }
  document.addEventListener('DOMContentLoaded', function () { draw(document); });
  document.addEventListener('htmx:load', function (e) { draw(e.target); });
})();
`;

function fromPackage(pkg: string, file: string): string {
  // Resolved from the package's entry point: their package.json files are not exported.
  const entry = require.resolve(pkg);
  let dir = path.dirname(entry);
  while (!fs.existsSync(path.join(dir, file)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

export interface Asset {
  type: string;
  body: string;
}

/** Read once at start: the console serves them from memory. */
export function loadAssets(): Record<string, Asset> {
  const js = 'text/javascript; charset=utf-8';
  return {
    'htmx.min.js': { type: js, body: fromPackage('htmx.org', 'dist/htmx.min.js') },
    'chart.umd.min.js': { type: js, body: fromPackage('chart.js', 'dist/chart.umd.min.js') },
    'console.js': { type: js, body: SCRIPT },
    'console.css': { type: 'text/css; charset=utf-8', body: STYLE },
  };
}
