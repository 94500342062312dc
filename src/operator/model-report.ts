import type { ReportData } from '../contract/models';
import type { BurstSummary } from '../learning/burst';

/**
 * `mosaic model report`: one self-contained HTML file (inline SVG, no
 * scripts, no network) with the learning curve, OPE estimates and intervals
 * per model version, reward per model over time and handler choice shares.
 */
const W = 640;
const H = 240;
const PAD = 40;
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(3));

function scale(values: number[]): { min: number; max: number } {
  const finite = values.filter(Number.isFinite);
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (!finite.length) return { min: 0, max: 1 };
  if (min === max) [min, max] = [min - 0.5, max + 0.5];
  return { min, max };
}

/** Axes, a y range and a legend; `body` draws in data coordinates through x() and y(). */
function chart(
  title: string,
  xCount: number,
  yValues: number[],
  legend: string[],
  body: (x: (i: number) => number, y: (v: number) => number) => string,
): string {
  const { min, max } = scale(yValues);
  const x = (i: number) => PAD + (xCount <= 1 ? (W - 2 * PAD) / 2 : (i * (W - 2 * PAD)) / (xCount - 1));
  const y = (v: number) => H - PAD - ((v - min) / (max - min)) * (H - 2 * PAD);
  const ticks = [min, (min + max) / 2, max]
    .map(
      (v) =>
        `<line x1="${PAD}" x2="${W - PAD}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${PAD - 4}" y="${y(v) + 4}" text-anchor="end" font-size="10">${fmt(v)}</text>`,
    )
    .join('');
  const keys = legend
    .map(
      (l, i) =>
        `<rect x="${PAD + i * 120}" y="${H - 14}" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${PAD + 14 + i * 120}" y="${H - 5}" font-size="10">${esc(l)}</text>`,
    )
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${ticks}<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#999"/>${body(x, y)}${keys}</svg></figure>`;
}

const polyline = (points: [number, number][], color: string) =>
  points.length > 1
    ? `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`
    : points.map(([a, b]) => `<circle cx="${a}" cy="${b}" r="3" fill="${color}"/>`).join('');

function learningCurve(data: ReportData): string {
  if (!data.versions.length) return '<p>No model trained yet.</p>';
  const epochs = Math.max(...data.versions.map((v) => v.loss.length));
  return chart(
    'Learning curve: training loss per epoch, one line per model version',
    epochs,
    data.versions.flatMap((v) => v.loss),
    data.versions.map((v) => v.name),
    (x, y) =>
      data.versions
        .map((v, i) =>
          polyline(
            v.loss.map((l, e) => [x(e), y(l)]),
            COLORS[i % COLORS.length]!,
          ),
        )
        .join(''),
  );
}

function opeChart(data: ReportData): string {
  if (!data.versions.length) return '';
  const estimators = ['ips', 'snips', 'dr'] as const;
  const all = data.versions.flatMap((v) => estimators.flatMap((e) => [v.candidate[e].lower, v.candidate[e].upper, v.current[e].value]));
  return chart(
    'Off-policy estimates at training time, 95 % intervals (IPS, SNIPS, DR); grey tick: the model then serving (DR)',
    data.versions.length,
    all,
    [...estimators.map((e) => e.toUpperCase()), 'serving (DR)'],
    (x, y) =>
      data.versions
        .map((v, i) => {
          const marks = estimators.map((e, k) => {
            const cx = x(i) + (k - 1) * 12;
            const est = v.candidate[e];
            const color = COLORS[k]!;
            return `<line x1="${cx}" x2="${cx}" y1="${y(est.lower)}" y2="${y(est.upper)}" stroke="${color}" stroke-width="2"/><circle cx="${cx}" cy="${y(est.value)}" r="3" fill="${color}"><title>${v.name} ${e}: ${fmt(est.value)} [${fmt(est.lower)}, ${fmt(est.upper)}]</title></circle>`;
          });
          const serving = `<line x1="${x(i) - 20}" x2="${x(i) + 20}" y1="${y(v.current.dr.value)}" y2="${y(v.current.dr.value)}" stroke="#999" stroke-width="2"><title>${esc(v.against)}: ${fmt(v.current.dr.value)}</title></line>`;
          const label = `<text x="${x(i)}" y="${H - PAD + 14}" text-anchor="middle" font-size="10">${esc(v.name)}${v.promoted ? ' ✓' : ''}</text>`;
          return serving + marks.join('') + label;
        })
        .join(''),
  );
}

function rewardOverTime(data: ReportData): string {
  if (!data.rewardOverTime.length) return '<p>No logged decisions yet.</p>';
  const models = [...new Set(data.rewardOverTime.flatMap((b) => Object.keys(b.byModel)))];
  const values = data.rewardOverTime.flatMap((b) => Object.values(b.byModel).map((c) => c.reward));
  return chart(
    `Mean reward of decisions over time, per model (${data.rewardOverTime[0]!.bucketStart} onwards)`,
    data.rewardOverTime.length,
    values,
    models,
    (x, y) =>
      models
        .map((m, k) =>
          polyline(
            data.rewardOverTime.flatMap((b, i) => (b.byModel[m] ? [[x(i), y(b.byModel[m]!.reward)] as [number, number]] : [])),
            COLORS[k % COLORS.length]!,
          ),
        )
        .join(''),
  );
}

function choiceShares(data: ReportData): string {
  if (!data.choiceShares.length) return '';
  const rowH = 22;
  const height = data.choiceShares.length * rowH + 10;
  const refs = [...new Set(data.choiceShares.flatMap((s) => Object.keys(s.shares)))];
  const rows = data.choiceShares
    .map((s, r) => {
      let at = 140;
      const bars = Object.entries(s.shares).map(([ref, share]) => {
        const w = share * (W - 160);
        const bar = `<rect x="${at}" y="${r * rowH + 4}" width="${w}" height="${rowH - 6}" fill="${COLORS[refs.indexOf(ref) % COLORS.length]}"><title>${esc(ref)}: ${(share * 100).toFixed(1)} % of ${s.n}</title></rect>${w > 70 ? `<text x="${at + 4}" y="${r * rowH + 17}" font-size="10" fill="#fff">${esc(ref)}</text>` : ''}`;
        at += w;
        return bar;
      });
      return `<text x="0" y="${r * rowH + 17}" font-size="11">${esc(s.stage)} (${s.n})</text>${bars.join('')}`;
    })
    .join('');
  return `<figure><figcaption>Handler choice shares per stage</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}">${rows}</svg></figure>`;
}

/**
 * The demo's learning burst: per window, the share of decisions each
 * alternative got (solid) and the mean probability the policy logged for it
 * (dashed), the fault phase shaded; every point is a window of logged decisions.
 */
export function learningBurstChart(burst: BurstSummary | undefined): string {
  if (!burst?.windows.length) return '';
  const n = burst.windows.length;
  const fault = burst.windows.map((w, i) => [w.phase, i] as const).filter(([p]) => p === 'fault');
  return chart(
    `Learning burst ${burst.burst}: share of ${burst.window}-decision windows per alternative (solid) and its mean logged probability (dashed); ${burst.faulted} failed in the shaded phase`,
    n,
    [0, 1],
    burst.candidates,
    (x, y) => {
      const step = n > 1 ? x(1) - x(0) : W - 2 * PAD;
      const shade = fault.length
        ? `<rect x="${x(fault[0]![1]) - step / 2}" y="${PAD}" width="${step * fault.length}" height="${H - 2 * PAD}" fill="#fdd"><title>fault: ${esc(burst.faulted)} could not create databases</title></rect>`
        : '';
      const lines = burst.candidates.map((ref, k) => {
        const color = COLORS[k % COLORS.length]!;
        const share = polyline(
          burst.windows.map((w, i) => [x(i), y(w.shares[ref] ?? 0)]),
          color,
        );
        const probability = polyline(
          burst.windows.map((w, i) => [x(i), y(w.probabilities[ref] ?? 0)]),
          color,
        ).replace('stroke-width="2"', 'stroke-width="1" stroke-dasharray="4 3"');
        return share + probability;
      });
      const labels = burst.windows
        .map(
          (w, i) =>
            `<text x="${x(i)}" y="${H - PAD + 14}" text-anchor="middle" font-size="9">${w.phase[0]}${w.from}-${w.to}<title>${w.phase} calls ${w.from}-${w.to}: ${burst.candidates.map((r) => `${esc(r)} ${((w.shares[r] ?? 0) * 100).toFixed(0)} %`).join(', ')}; ${w.failed} failed</title></text>`,
        )
        .join('');
      return shade + lines.join('') + labels;
    },
  );
}

function versionTable(data: ReportData): string {
  const row = (v: ReportData['versions'][number]) =>
    `<tr><td>${esc(v.name)}${v.version === data.active ? ' (serving)' : ''}</td><td>${esc(v.createdAt)}</td><td>${fmt(v.candidate.dr.value)} [${fmt(v.candidate.dr.lower)}, ${fmt(v.candidate.dr.upper)}]</td><td>${esc(v.against)} ${fmt(v.current.dr.value)}</td><td>${fmt(v.logged)}</td><td>${esc(v.reason ?? '')}</td></tr>`;
  return `<table><tr><th>version</th><th>trained</th><th>DR (95 %)</th><th>serving then (DR)</th><th>logged reward</th><th>decision</th></tr>${data.versions.map(row).join('')}</table>`;
}

export function renderModelReport(data: ReportData): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mosaic decision model report</title>
<style>body{font-family:system-ui,sans-serif;max-width:720px;margin:2em auto;color:#222}figure{margin:1.5em 0}figcaption{font-weight:600;margin-bottom:.4em}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:4px 6px;text-align:left}</style>
</head><body>
<h1>Decision model report</h1>
<p>Generated ${esc(data.generatedAt)} from ${data.outcomes} recent outcomes and ${data.versions.length} model versions; serving: ${data.active === undefined ? 'the metrics prior (no model promoted)' : `bandit-v${data.active}`}.</p>
${learningCurve(data)}
${opeChart(data)}
${rewardOverTime(data)}
${choiceShares(data)}
${learningBurstChart(data.learningBurst)}
<h2>Versions</h2>
${versionTable(data)}
</body></html>
`;
}
