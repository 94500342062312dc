import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { SECURITY_LEVELS, STORAGE_KINDS } from '../../negotiation/catalog';
import { PHRASE_EXAMPLES } from '../../negotiation/constraints';
import { REJECT_REASONS } from '../../negotiation/reasons';
import { runsWhen } from '../../negotiation/schedule';
import type { NegotiationView } from '../../contract/negotiate';
import type { NegotiationSummary } from '../../client/negotiation';
import type { Action, FieldErrors } from './forms';
import { chartData, fingerprint, proposalColumn, roundChanges, WORKING_STATES, type ProposalColumn } from './model';

/**
 * The console's HTML, rendered on the server: every value goes through
 * hono's `html` template, which escapes it. htmx sends the forms and swaps
 * the answer in; the page works without it as plain forms.
 */

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
export type Role = 'viewer' | 'operator';

export interface Session {
  role: Role;
  name: string;
}

/** A form that came back refused: which one, what was typed and what is wrong with which field. */
export interface FormState {
  action: Action;
  proposalId?: string;
  values: Record<string, string | undefined>;
  errors: FieldErrors;
}

// htmx: swap 422 answers too (they carry the errors next to the fields); no eval, no inline styles (the CSP forbids both).
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '422', swap: true },
    { code: '[45]..', swap: false, error: true },
  ],
});

export function layout(title: string, session: Session | undefined, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content="${HTMX_CONFIG}" />
        <title>${title} — Mosaic console</title>
        <link rel="stylesheet" href="/assets/console.css" />
        <script src="/assets/htmx.min.js" defer></script>
        <script src="/assets/chart.umd.min.js" defer></script>
        <script src="/assets/console.js" defer></script>
      </head>
      <body>
        <header class="top">
          <a href="/" class="brand">Mosaic console</a>
          ${
            session
              ? html`<span class="who">${session.name} (${session.role})</span>
                  <form method="post" action="/sign-out" class="inline"><button>Sign out</button></form>`
              : ''
          }
        </header>
        ${body}
      </body>
    </html>`;
}

export function signInPage(next: string, error?: string): Html {
  return layout(
    'Sign in',
    undefined,
    html`<main class="narrow">
      <h1>Sign in</h1>
      <p>
        Viewers read negotiations; operators also accept, reject, modify and add constraints. Your token is
        <code>MOSAIC_CONSOLE_OPERATOR_TOKEN</code> or <code>MOSAIC_CONSOLE_VIEWER_TOKEN</code>.
      </p>
      <form method="post" action="/sign-in">
        <input type="hidden" name="next" value="${next}" />
        <label>Token <input type="password" name="token" autocomplete="current-password" required autofocus /></label>
        ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
        <label>Your name, for the history <input name="name" maxlength="60" placeholder="e.g. dana" /></label>
        <button>Sign in</button>
      </form>
    </main>`,
  );
}

const STATES = ['analysing', 'awaiting-feedback', 'provisioning', 'observing', 'completed', 'expired', 'gave-up', 'cancelled', 'failed'];

export function listPage(
  session: Session,
  rows: NegotiationSummary[],
  filters: { q?: string; state?: string; account?: string },
  error?: string,
): Html {
  return layout(
    'Negotiations',
    session,
    html`<main>
      <h1>Negotiations</h1>
      <form method="get" action="/" class="filters" role="search">
        <label>Search <input name="q" value="${filters.q ?? ''}" placeholder="id, description or instance type" maxlength="100" /></label>
        <label
          >State
          <select name="state">
            <option value="">any</option>
            ${STATES.map((s) => html`<option ${s === filters.state ? 'selected' : ''}>${s}</option>`)}
          </select></label
        >
        <label>Account <input name="account" value="${filters.account ?? ''}" maxlength="100" /></label>
        <button>Search</button>
      </form>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <table class="list">
        <thead>
          <tr>
            <th>negotiation</th>
            <th>state</th>
            <th>account</th>
            <th>region</th>
            <th>agreed</th>
            <th>started</th>
            <th>what</th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length
              ? rows.map(
                  (r) =>
                    html`<tr>
                      <td><a href="/negotiations/${encodeURIComponent(r.negotiationId)}">${r.negotiationId}</a></td>
                      <td><span class="state ${r.state}">${r.state}</span></td>
                      <td>${r.account ?? ''}</td>
                      <td>${r.region ?? ''}</td>
                      <td>${r.agreed ? `${r.agreed.instanceType}, $${r.agreed.monthlyUsd}/month` : ''}</td>
                      <td>${r.startedAt.replace('T', ' ').slice(0, 16)}</td>
                      <td>${r.summary ?? ''}</td>
                    </tr>`,
                )
              : html`<tr>
                  <td colspan="7">No negotiation matches.</td>
                </tr>`
          }
        </tbody>
      </table>
    </main>`,
  );
}

/** What each refused form shows next to a field. */
const fieldError = (form: FormState | undefined, action: Action, field: string, proposalId?: string) => {
  if (!form || form.action !== action || (proposalId && form.proposalId !== proposalId)) return '';
  const message = form.errors[field];
  return message ? html`<span class="error" role="alert" data-field="${field}">${message}</span>` : '';
};
const valueOf = (form: FormState | undefined, action: Action, field: string) => (form?.action === action ? (form.values[field] ?? '') : '');

const ROWS: [string, (c: ProposalColumn) => unknown][] = [
  ['instance', (c) => c.instance],
  ['vCPU', (c) => c.vcpu],
  ['memory', (c) => `${c.memoryGb} GiB`],
  ['storage', (c) => c.storage],
  ['IOPS', (c) => c.iops.toLocaleString('en')],
  ['security', (c) => c.security],
  ['region', (c) => c.region],
  ['monthly cost', (c) => `$${c.monthlyUsd}`],
  ['runs', (c) => c.runs],
  ['headroom', (c) => `${c.headroom}×`],
  ['notes', (c) => c.flags.join(', ')],
];

/**
 * The negotiation's page body: swapped whole after an action and whenever
 * the poll sees a change. `updateId` is fresh each render: a form sent twice
 * (double click, retry, back button) carries the same id, which the workflow
 * applies once.
 */
export function negotiationBody(
  view: NegotiationView,
  session: Session,
  opts: { newUpdateId: () => string; webUiUrl: string; form?: FormState; notice?: string },
): Html {
  const id = view.negotiationId.replace(/^negotiate-/, '');
  const path = `/negotiations/${encodeURIComponent(id)}`;
  const operator = session.role === 'operator';
  const open = view.status === 'awaiting-feedback';
  const columns = view.proposals.map(proposalColumn);
  const changes = roundChanges(view);
  const charts = chartData(view.analysis?.profile, view.proposals);
  const form = opts.form;
  // Poll fast while the workflow works, slowly while it waits (someone else may answer); not at all once it has ended.
  const poll = WORKING_STATES.includes(view.status) ? '1s' : open ? '5s' : undefined;
  const hx = (action: Action) =>
    html`hx-post="${path}/${action}" hx-target="#negotiation" hx-swap="outerHTML" hx-disabled-elt="find button"`;
  const updateId = () => html`<input type="hidden" name="updateId" value="${opts.newUpdateId()}" />`;
  const general = form?.errors.general;
  return html`<main
    id="negotiation"
    data-status="${view.status}"
    data-round="${view.round}"
    ${poll ? html`hx-get="${path}/live?since=${encodeURIComponent(fingerprint(view))}" hx-trigger="every ${poll}" hx-swap="outerHTML"` : ''}
  >
    <h1>${id} <span class="state ${view.status}">${view.status}</span></h1>
    <p class="meta">
      round ${view.round} · deadline ${view.deadline.slice(0, 16).replace('T', ' ')} UTC · run ${view.run} ·
      <a href="${opts.webUiUrl}">Temporal Web UI</a>
    </p>
    ${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
    ${general ? html`<p class="error" role="alert" data-field="general">${general}</p>` : ''}
    ${view.reason ? html`<p class="notice">${view.reason}</p>` : ''}
    ${
      view.analysis
        ? html`<section class="analysis">
            <h2>What Mosaic understood</h2>
            <p>
              ${view.analysis.kind ?? view.analysis.role} (${view.analysis.method}, confidence ${Math.round(view.analysis.confidence * 100)}
              %), headroom ${view.analysis.headroom}×${view.analysis.compliance?.length ? `, ${view.analysis.compliance.join(', ')}` : ''}
            </p>
            <ul>
              ${view.analysis.notes.slice(0, 6).map((n) => html`<li>${n}</li>`)}
            </ul>
            ${view.constraints.length ? html`<p>Constraints: ${view.constraints.join('; ')}</p>` : ''}
          </section>`
        : html`<p class="notice">Analysing the workload…</p>`
    }
    ${
      changes.lines.length
        ? html`<section class="changes">
            <h2>What changed since round ${changes.since}</h2>
            <ul>
              ${changes.lines.map((l) => html`<li>${l}</li>`)}
            </ul>
          </section>`
        : ''
    }
    ${
      columns.length
        ? html`<section>
              <h2>Proposals</h2>
              <div class="scroll">
                <table class="proposals">
                  <thead>
                    <tr>
                      <th></th>
                      ${columns.map((c) => html`<th scope="col">${c.id}</th>`)}
                    </tr>
                  </thead>
                  <tbody>
                    ${ROWS.map(
                      ([label, cell]) =>
                        html`<tr>
                          <th scope="row">${label}</th>
                          ${columns.map((c) => html`<td>${String(cell(c))}</td>`)}
                        </tr>`,
                    )}
                    <tr>
                      <th scope="row">why</th>
                      ${columns.map(
                        (c) =>
                          html`<td class="why">
                            <ul>
                              ${c.reasons.slice(0, 4).map((r) => html`<li>${r}</li>`)}
                            </ul>
                          </td>`,
                      )}
                    </tr>
                    ${
                      operator && open
                        ? html`<tr>
                            <th scope="row"></th>
                            ${columns.map(
                              (c) =>
                                html`<td>
                                  <form method="post" action="${path}/accept" ${hx('accept')}>
                                    ${updateId()}<input type="hidden" name="proposalId" value="${c.id}" />
                                    <button class="primary" data-accept="${c.id}">Accept ${c.id}</button
                                    >${fieldError(form, 'accept', 'proposalId', c.id)}
                                  </form>
                                </td>`,
                            )}
                          </tr>`
                        : ''
                    }
                  </tbody>
                </table>
              </div>
            </section>
            <section class="charts" data-charts="${JSON.stringify(charts)}">
              <h2>Load and cost</h2>
              <figure>
                <div class="chart">
                  <!-- No ids on the canvases: htmx would copy the old canvas's style (Chart.js's sizing) onto the new one, which the CSP refuses. -->
                  <canvas data-chart="load" aria-label="predicted vCPU demand over a day against each proposal's vCPU"></canvas>
                </div>
                <figcaption>
                  Predicted vCPU demand over a day (peak ${Math.max(0, ...charts.load.demand)}) against each proposal's vCPU.
                </figcaption>
              </figure>
              <figure>
                <div class="chart"><canvas data-chart="cost" aria-label="monthly cost against headroom"></canvas></div>
                <figcaption>Monthly cost against headroom (capacity over the predicted peak).</figcaption>
              </figure>
            </section>`
        : ''
    }
    ${operator && open ? actionForms(view, form, hx, updateId) : ''} ${agreement(view)}
    <section class="history">
      <h2>History</h2>
      <table>
        <thead>
          <tr>
            <th>round</th>
            <th>when</th>
            <th>event</th>
            <th>by</th>
            <th>detail</th>
          </tr>
        </thead>
        <tbody>
          ${[...view.history].reverse().map(
            (h) =>
              html`<tr>
                <td>${h.round}</td>
                <td>${h.at.slice(0, 19).replace('T', ' ')}</td>
                <td>${h.event}</td>
                <td>${h.by ?? ''}</td>
                <td>${h.detail}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
  </main>`;
}

function actionForms(view: NegotiationView, form: FormState | undefined, hx: (a: Action) => Html, updateId: () => Html): Html {
  const id = view.negotiationId.replace(/^negotiate-/, '');
  const path = `/negotiations/${encodeURIComponent(id)}`;
  const err = (action: Action, field: string) => fieldError(form, action, field);
  const val = (action: Action, field: string) => valueOf(form, action, field);
  const proposalSelect = (action: Action) =>
    html`<select name="proposalId" required>
      ${view.proposals.map((p) => html`<option ${val(action, 'proposalId') === p.id ? 'selected' : ''}>${p.id}</option>`)}
    </select>`;
  const questions = (view.analysis?.questions ?? []).filter((q) => !(q.id in (view.analysis?.answers ?? {})));
  return html`<section class="actions">
    <h2>Your answer</h2>
    <div class="forms">
      <form method="post" action="${path}/reject" ${hx('reject')} id="reject-form">
        <h3>Reject all</h3>
        ${updateId()}
        <fieldset>
          <legend>Because</legend>
          ${REJECT_REASONS.map(
            (r) =>
              html`<label class="choice"
                ><input type="radio" name="because" value="${r}" ${val('reject', 'because') === r ? 'checked' : ''} /> ${r}</label
              >`,
          )}
        </fieldset>
        ${err('reject', 'because')}
        <label
          >In your words
          <textarea name="reason" maxlength="500" rows="2" placeholder="too expensive; must stay in Europe">
${val('reject', 'reason')}</textarea></label
        >${err('reject', 'reason')} <button>Reject these proposals</button>
      </form>

      <form method="post" action="${path}/modify" ${hx('modify')} id="modify-form">
        <h3>Modify one</h3>
        ${updateId()} <label>Proposal ${proposalSelect('modify')}</label>${err('modify', 'proposalId')}
        <label
          >Instance type
          <input
            name="instanceType"
            value="${val('modify', 'instanceType')}"
            placeholder="${view.proposals[0]?.instanceType ?? 'm6i.large'}"
            list="instance-types"
            maxlength="41" /></label
        >${err('modify', 'instanceType')}
        <datalist id="instance-types">
          ${[...new Set(view.proposals.map((p) => p.instanceType))].map((t) => html`<option value="${t}"></option>`)}
        </datalist>
        <label
          >Storage kind
          <select name="storageKind">
            <option value="">as proposed</option>
            ${STORAGE_KINDS.map((k) => html`<option ${val('modify', 'storageKind') === k ? 'selected' : ''}>${k}</option>`)}
          </select></label
        >${err('modify', 'storageKind')}
        <label
          >Storage size, GiB
          <input name="storageGb" inputmode="numeric" value="${val('modify', 'storageGb')}" placeholder="as proposed" /></label
        >${err('modify', 'storageGb')}
        <label
          >Security level
          <select name="security">
            <option value="">as proposed</option>
            ${SECURITY_LEVELS.map((k) => html`<option ${val('modify', 'security') === k ? 'selected' : ''}>${k}</option>`)}
          </select></label
        >${err('modify', 'security')} <button>Modify and re-price</button>
      </form>

      <form method="post" action="${path}/constrain" ${hx('constrain')} id="constrain-form">
        <h3>Add constraints</h3>
        ${updateId()}
        <label
          >Constraint
          <input
            name="constraints"
            list="phrases"
            value="${val('constrain', 'constraints')}"
            maxlength="2000"
            placeholder="no burstable types; at most 200 per month" /></label
        >${err('constrain', 'constraints')}
        <datalist id="phrases">${PHRASE_EXAMPLES.map((p) => html`<option value="${p}"></option>`)}</datalist>
        <p class="hint">Phrases Mosaic knows: ${PHRASE_EXAMPLES.slice(0, 8).join(' · ')} … several at once separated by “;”.</p>
        <button>Add and propose again</button>
      </form>

      ${
        questions.length
          ? html`<form method="post" action="${path}/answer" ${hx('answer')} id="answer-form">
              <h3>Questions</h3>
              ${updateId()}
              ${questions.map(
                (q) =>
                  html`<label
                      >${q.question} <small>(${q.unit}; assumed ${q.assumed})</small>
                      <input name="${q.id}" value="${val('answer', q.id)}" placeholder="${String(q.example)}" /></label
                    >${err('answer', q.id)}`,
              )}<button>Answer</button>
            </form>`
          : ''
      }
    </div>
  </section>`;
}

function agreement(view: NegotiationView): Html {
  if (!view.agreed) return html``;
  const a = view.agreed;
  const p = view.provisioned;
  const r = view.review;
  return html`<section class="agreement">
    <h2>Agreed</h2>
    <p>
      ${a.id}: ${a.instanceType} in ${a.region}, ${a.storage.kind}, ${a.security.level},
      $${a.monthlyUsd}/month${a.schedule ? `, ${runsWhen(a.schedule)}, stopped otherwise` : ''}.
    </p>
    ${
      p
        ? html`<p>Provisioned: ${p.instance.provider} ${p.instance.id}${p.replica ? `, replica ${p.replica.id} in another zone` : ''}.</p>`
        : html`<p>Provisioning…</p>`
    }
    ${r ? html`<p>Review: $${r.cost.runningUsd} so far${r.cost.recommendation ? `; right-size to ${r.cost.recommendation.instanceType} to save $${r.cost.recommendation.savingPerMonthUsd}/month` : ''}.</p>` : ''}
  </section>`;
}

export function negotiationPage(view: NegotiationView, session: Session, opts: Parameters<typeof negotiationBody>[2]): Html {
  return layout(view.negotiationId.replace(/^negotiate-/, ''), session, negotiationBody(view, session, opts));
}

export function problemPage(session: Session | undefined, title: string, message: string): Html {
  return layout(
    title,
    session,
    html`<main class="narrow">
      <h1>${title}</h1>
      <p class="error" role="alert">${message}</p>
      <p><a href="/">All negotiations</a></p>
    </main>`,
  );
}
