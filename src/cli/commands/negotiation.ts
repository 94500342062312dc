import os from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfig } from '../../config';
import { PHRASE_EXAMPLES } from '../../negotiation/constraints';
import { REJECT_REASONS } from '../../negotiation/feedback';
import { answersFromPairs } from '../../negotiation/answers';
import { NO_PRICE_DATA, SECURITY_LEVELS, STORAGE_KINDS } from '../../negotiation/catalog';
import { runsWhen } from '../../negotiation/schedule';
import type { Proposal } from '../../negotiation/solver';
import type { NegotiationView } from '../../contract/negotiate';
import { CommandFailed } from '../errors';
import { InvalidNegotiationError } from '../../client/negotiation-errors';
import { readStructuredFile } from '../files';
import { MosaicClient } from '../../client/mosaic-client';
import { print, progress, table, type OutputOptions } from '../output';

type Caller = { user: string; account: string };
const CALLER: [string, string, string][] = [
  ['--user <name>', 'who you are in the persona store', os.userInfo().username],
  ['--account <name>', 'your account in the persona store', 'default'],
];

const partTime = (p: Proposal) => (p.schedule ? runsWhen(p.schedule) : '');

const proposalRows = (ps: Proposal[]) =>
  ps.map((p) => ({
    id: p.id,
    instance: `${p.instanceType}${p.burstable ? '*' : ''}${p.availability ? ' ×2 zones' : ''}`,
    region: p.region,
    storage: `${p.storage.kind} ${p.storage.volumes}×${p.storage.sizeGbEach}GiB ${p.iops}iops`,
    security: p.security.level,
    headroom: `×${p.headroom}`,
    monthly: p.unpriced ? `${NO_PRICE_DATA} (+$${p.monthlyUsd} storage)` : `$${p.monthlyUsd}`,
    note: [p.modified && 'modified', p.schedule && partTime(p)].filter(Boolean).join(', '),
  }));

/** A negotiation as a person reads it: where it stands, what is on the table and what happened. */
export function describeNegotiation(v: NegotiationView): string {
  const lines = [`${v.negotiationId}: ${v.status}, round ${v.round}${v.reason ? ` — ${v.reason}` : ''}`];
  if (v.analysis)
    lines.push(
      `analysis: ${v.analysis.role} by ${v.analysis.method}, confidence ${v.analysis.confidence}${v.analysis.uncertain ? ' (uncertain: headroom widened)' : ''}, headroom ×${v.analysis.headroom}`,
      // Which persona's tolerance and trust boundary apply is said here, not applied silently.
      ...v.analysis.notes.map((n) => `  - ${n}`),
    );
  if (v.constraints.length) lines.push(`constraints: ${v.constraints.join('; ')}`);
  if (v.analysis?.questions?.length && v.status === 'awaiting-feedback')
    lines.push(
      'questions (answer with mosaic negotiate answer):',
      ...v.analysis.questions.map((q) => `  ${q.id}: ${q.question} (${q.unit}, e.g. ${q.example}) — ${q.assumed}`),
    );
  if (v.status === 'awaiting-feedback')
    lines.push('', table(proposalRows(v.proposals)), '', ...v.proposals.map((p) => `${p.id}: ${p.reasons.join('; ')}`));
  if (v.agreed)
    lines.push(
      '',
      `agreed: ${v.agreed.id} ${v.agreed.instanceType}${v.agreed.availability ? ' ×2 zones' : ''} ${v.agreed.storage.kind} ${v.agreed.security.level} $${v.agreed.monthlyUsd}/month${v.agreed.schedule ? ` (${partTime(v.agreed)}, stopped otherwise)` : ''}`,
    );
  if (v.provisioned)
    lines.push(
      `instance: ${v.provisioned.instance.provider} ${v.provisioned.instance.id}${v.provisioned.replica ? `, replica ${v.provisioned.replica.id} (another zone)` : ''}`,
    );
  if (v.review) {
    const r = v.review;
    lines.push(
      `cost so far: $${r.cost.runningUsd} over ${r.cost.hours} h${r.cost.recommendation ? `; right-size to ${r.cost.recommendation.instanceType} (saves $${r.cost.recommendation.savingPerMonthUsd}/month)` : ''}`,
    );
    if (r.evolution)
      lines.push(
        r.evolution.differs
          ? `usage differs from the prediction: proposed persona ${r.evolution.newVersion}`
          : 'usage matches the prediction',
      );
  }
  lines.push('', 'history:', ...v.history.slice(-10).map((h) => `  r${h.round} ${h.event}${h.by ? ` by ${h.by}` : ''}: ${h.detail}`));
  return lines.join('\n');
}

export const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a whole number above 0, such as 300`);
  return n;
};
const amount = (name: string, example: string) => (v: string) => {
  const n = Number(v.replace(/^\$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be an amount in USD above 0, such as ${example}`);
  return n;
};
const measure = (name: string, example: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number ≥ 0, such as ${example}`);
  return n;
};

async function feedback(opts: OutputOptions, send: (client: MosaicClient) => Promise<NegotiationView>) {
  const view = await MosaicClient.use(loadConfig(), send);
  print(opts, view, () => describeNegotiation(view));
}

export function registerNegotiate(program: Command): void {
  const negotiate = program
    .command('negotiate')
    .description('negotiate an instance for a workload: proposals, feedback, agreement, provisioning');

  negotiate
    .command('start [request]')
    .description('start a negotiation from a request file (JSON or YAML), or from a description with --text')
    .option('--text <description>', 'the workload in words, e.g. "run a medium-sized e-commerce website"')
    .option('--id <negotiationId>', 'the negotiation id (default: generated)')
    .option('--base-persona <ref>', 'a base persona, e.g. web-server or web-server@2; "none" for no persona (no built-in one either)')
    .addOption(new Option('--persona <ref>', 'same as --base-persona').hideHelp())
    .option('--max-monthly-usd <usd>', "your cost limit per month; replaces the persona's tolerance", amount('--max-monthly-usd', '1500'))
    .option('--max-hourly-usd <usd>', "your cost limit per hour; replaces the persona's tolerance", amount('--max-hourly-usd', '2.5'))
    .option(
      '--region <region>',
      'a region of the catalog, e.g. eu-west-1; wins over one the description states (default: that one, else us-east-1)',
    )
    .addOption(new Option('--provider <provider>', 'where the agreed instance goes').choices(['local', 'aws']))
    .option('--constraint <phrase>', 'a constraint such as "no burstable types" (repeatable)', (v: string, all: string[] = []) => [
      ...all,
      v,
    ])
    .option('--round-timeout <duration>', 'how long a round waits before a reminder, e.g. "1 day"')
    .option('--observe <duration>', 'how long the agreed instance is observed, e.g. "1 day"')
    .option('--no-wait', 'print the id without waiting for the first proposals')
    .option('--json', 'print the result as JSON')
    .option(...CALLER[0]!)
    .option(...CALLER[1]!)
    .addHelpText(
      'after',
      '\nExamples:\n  mosaic negotiate start --text "run a medium-sized e-commerce website with a nightly report"\n  mosaic negotiate start --text "a small internal wiki" --base-persona none --max-monthly-usd 150\n  mosaic negotiate start examples/negotiations/database.json',
    )
    .action(
      async (
        file: string | undefined,
        opts: OutputOptions &
          Caller & {
            text?: string;
            id?: string;
            persona?: string;
            basePersona?: string;
            maxMonthlyUsd?: number;
            maxHourlyUsd?: number;
            region?: string;
            provider?: string;
            constraint?: string[];
            roundTimeout?: string;
            observe?: string;
            wait: boolean;
          },
      ) => {
        if (!file && !opts.text) throw new CommandFailed('give a request file or --text "<description>"');
        const fromFile = (file ? readStructuredFile(file) : {}) as Record<string, unknown>;
        const basePersona = opts.basePersona ?? opts.persona;
        const constraints = [
          ...(opts.constraint ?? []),
          ...(opts.maxMonthlyUsd ? [{ kind: 'maxMonthlyUsd', usd: opts.maxMonthlyUsd }] : []),
          ...(opts.maxHourlyUsd ? [{ kind: 'maxHourlyUsd', usd: opts.maxHourlyUsd }] : []),
        ];
        const input = {
          negotiationId:
            opts.id ??
            `neg-${new Date()
              .toISOString()
              .replace(/[-:T.Z]/g, '')
              .slice(0, 14)}-${Math.random().toString(16).slice(2, 6)}`,
          user: opts.user,
          account: opts.account,
          ...fromFile,
          ...(opts.text ? { workload: { kind: 'text', text: opts.text } } : {}),
          ...(basePersona ? { basePersona } : {}),
          ...(opts.region ? { region: opts.region } : {}),
          ...(opts.provider ? { provider: opts.provider } : {}),
          ...(constraints.length ? { constraints: [...((fromFile.constraints as unknown[]) ?? []), ...constraints] } : {}),
          ...(opts.roundTimeout ? { limits: { ...(fromFile.limits as object), roundTimeout: opts.roundTimeout } } : {}),
          ...(opts.observe ? { observe: { ...(fromFile.observe as object), window: opts.observe } } : {}),
        };
        const say = progress(opts);
        await MosaicClient.use(loadConfig(), async (client) => {
          let started;
          try {
            started = await client.negotiations.start(input as never);
          } catch (err) {
            if (err instanceof InvalidNegotiationError) throw new CommandFailed(`invalid negotiation request: ${err.message}`);
            throw err;
          }
          say(`negotiateInstance ${started.workflowId}: ${started.url}`);
          say(`negotiate it in the console (mosaic console): ${started.consoleUrl}`);
          if (!opts.wait) return print(opts, started, () => started.workflowId);
          let view = await client.negotiations.show(started.workflowId);
          while (view.status === 'analysing') {
            await new Promise((r) => setTimeout(r, 250));
            view = await client.negotiations.show(started.workflowId);
          }
          print(opts, view, () => describeNegotiation(view));
        });
      },
    );

  negotiate
    .command('show <id>')
    .description('a negotiation: status, round, current proposals with why they fit, history')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic negotiate show shop-2026')
    .action(async (id: string, opts: OutputOptions) => {
      const view = await MosaicClient.use(loadConfig(), (c) => c.negotiations.show(id));
      print(opts, view, () => describeNegotiation(view));
    });

  const common = (c: Command) =>
    c
      .option('--by <name>', 'who answers', os.userInfo().username)
      .option('--update-id <id>', 'repeat an answer safely: the same id is applied once')
      .option('--json', 'print the result as JSON');

  common(negotiate.command('accept <id> <proposalId>').description('accept a proposal: the instance is provisioned as proposed'))
    .addHelpText('after', '\nExample:\n  mosaic negotiate accept shop-2026 r2-p1')
    .action((id: string, proposalId: string, opts: OutputOptions & { by: string; updateId?: string }) =>
      feedback(opts, (c) => c.negotiations.feedback(id, 'accept', { proposalId, by: opts.by }, opts.updateId)),
    );

  common(
    negotiate
      .command('reject <id>')
      .description('reject every proposal of this round: the next round avoids them and what the reason says'),
  )
    .addOption(new Option('--because <reason>', 'what was wrong with them').choices([...REJECT_REASONS]))
    .option('--reason <text>', `in your words; read for ${REJECT_REASONS.join(', ')} (e.g. "too expensive", "must stay in Europe")`)
    .addHelpText(
      'after',
      '\nExamples:\n  mosaic negotiate reject shop-2026 --reason "too expensive"\n  mosaic negotiate reject shop-2026 --because cost --reason "over budget, at most 300 per month"',
    )
    .action(
      (id: string, opts: OutputOptions & { by: string; updateId?: string; because?: (typeof REJECT_REASONS)[number]; reason?: string }) =>
        feedback(opts, (c) =>
          c.negotiations.feedback(id, 'reject', { because: opts.because, reason: opts.reason, by: opts.by }, opts.updateId),
        ),
    );

  common(
    negotiate
      .command('modify <id> <proposalId>')
      .description('change a proposal; it is re-validated against every constraint and re-priced'),
  )
    .option('--instance-type <type>', 'another instance type, e.g. m6i.xlarge')
    .addOption(new Option('--storage-kind <kind>', 'another storage layout').choices([...STORAGE_KINDS]))
    .option('--storage-gb <size>', 'more storage, GiB', positive('--storage-gb'))
    .option('--iops <iops>', 'more provisioned IOPS', positive('--iops'))
    .addOption(new Option('--security <level>', 'another security level').choices([...SECURITY_LEVELS]))
    .option('--region <region>', 'another region of the catalog')
    .addHelpText('after', '\nExample:\n  mosaic negotiate modify shop-2026 r1-p2 --storage-gb 500 --storage-kind raid10-gp3')
    .action(
      (
        id: string,
        proposalId: string,
        opts: OutputOptions & {
          by: string;
          updateId?: string;
          instanceType?: string;
          storageKind?: (typeof STORAGE_KINDS)[number];
          storageGb?: number;
          iops?: number;
          security?: (typeof SECURITY_LEVELS)[number];
          region?: string;
        },
      ) => {
        const changes = Object.fromEntries(
          Object.entries({
            instanceType: opts.instanceType,
            storageKind: opts.storageKind,
            storageGb: opts.storageGb,
            iops: opts.iops,
            security: opts.security,
            region: opts.region,
          }).filter(([, v]) => v !== undefined),
        );
        if (!Object.keys(changes).length)
          throw new CommandFailed(
            'give at least one change: --instance-type, --storage-kind, --storage-gb, --iops, --security or --region',
          );
        return feedback(opts, (c) => c.negotiations.feedback(id, 'modify', { proposalId, changes, by: opts.by }, opts.updateId));
      },
    );

  common(
    negotiate
      .command('answer <id> <answers...>')
      .description("answer the analysis' questions (shown with the first proposals); the workload is analysed again"),
  )
    .addHelpText(
      'after',
      '\nAnswers are field=value pairs (the question ids) or one JSON object: dataGib, peakRate, concurrentUsers, activeSeries, retentionDays, itemBytes, replication, interval, buildsPerDay, buildMinutes, videoHoursPerDay, videoMinutes, window, kind.\n\nExamples:\n  mosaic negotiate answer shop-2026 dataGib=500 peakRate=2000\n  mosaic negotiate answer shop-2026 \'{"kind": "relational-database"}\'',
    )
    .action((id: string, pairs: string[], opts: OutputOptions & { by: string; updateId?: string }) => {
      let answers: Record<string, unknown>;
      if (pairs.length === 1 && pairs[0]!.trim().startsWith('{')) {
        try {
          answers = JSON.parse(pairs[0]!) as Record<string, unknown>;
        } catch {
          throw new InvalidArgumentError('answers: expected field=value pairs or one JSON object such as \'{"dataGib": 500}\'');
        }
      } else {
        try {
          answers = answersFromPairs(pairs);
        } catch (err) {
          throw new InvalidArgumentError(`answers: ${(err as Error).message}`);
        }
      }
      return feedback(opts, (c) => c.negotiations.answerQuestions(id, answers, opts.by, opts.updateId));
    });

  common(negotiate.command('constrain <id> <constraints...>').description('add constraints, in words or JSON; the next round meets them'))
    .addHelpText(
      'after',
      `\nConstraints (and common variants, e.g. "no burstable instances", "min 4 vCPUs", "under $300/month"): ${PHRASE_EXAMPLES.map((p) => `"${p}"`).join(', ')}.\n\nExample:\n  mosaic negotiate constrain shop-2026 "region eu-west-1" "at least 3000 IOPS"`,
    )
    .action((id: string, constraints: string[], opts: OutputOptions & { by: string; updateId?: string }) => {
      const parsed = constraints.map((c) => (c.trim().startsWith('{') ? (JSON.parse(c) as unknown) : c));
      return feedback(opts, (c) => c.negotiations.feedback(id, 'addConstraints', { constraints: parsed, by: opts.by }, opts.updateId));
    });

  negotiate
    .command('list')
    .description('negotiations from Temporal visibility, newest first: state, region, what was agreed')
    .option('--state <state>', 'only this state, e.g. awaiting-feedback, observing, completed, cancelled')
    .option('--account <name>', 'only this account')
    .option('--limit <n>', 'at most this many', positive('--limit'), 50)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic negotiate list --state awaiting-feedback')
    .action(async (opts: OutputOptions & { state?: string; account?: string; limit: number }) => {
      const rows = await MosaicClient.use(loadConfig(), (c) => c.negotiations.list(opts));
      print(opts, rows, () =>
        table(
          rows.map((r) => ({
            ...r,
            agreed: r.agreed ? `${r.agreed.instanceType} $${r.agreed.monthlyUsd}/month` : '',
          })),
          ['negotiationId', 'state', 'region', 'account', 'startedAt', 'agreed'],
        ),
      );
    });

  common(negotiate.command('cancel <id>').description('end a negotiation that waits for feedback, without agreement'))
    .option('--reason <text>', 'why, for the history')
    .addHelpText('after', '\nExample:\n  mosaic negotiate cancel shop-2026 --reason "project dropped"')
    .action((id: string, opts: OutputOptions & { by: string; updateId?: string; reason?: string }) =>
      feedback(opts, (c) => c.negotiations.cancel(id, { reason: opts.reason, by: opts.by }, opts.updateId)),
    );

  negotiate
    .command('usage <id>')
    .description('report what the agreed instance uses at its busiest; the review compares it with the prediction')
    .requiredOption('--cpu <vcpus>', 'vCPUs in use at the peak', measure('--cpu', '1.5'))
    .requiredOption('--memory-gb <gib>', 'memory in use at the peak, GiB', measure('--memory-gb', '3'))
    .option('--iops <iops>', 'I/O operations per second at the peak', measure('--iops', '400'), 0)
    .option('--network-gbps <gbps>', 'network at the peak, Gbit/s', measure('--network-gbps', '0.2'), 0)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  mosaic negotiate usage shop-2026 --cpu 1.5 --memory-gb 3 --iops 400 --network-gbps 0.2')
    .action(async (id: string, opts: OutputOptions & { cpu: number; memoryGb: number; iops: number; networkGbps: number }) => {
      const usage = { cpu: opts.cpu, memoryGb: opts.memoryGb, iops: opts.iops, networkGbps: opts.networkGbps };
      const view = await MosaicClient.use(loadConfig(), async (c) => {
        const current = await c.negotiations.show(id);
        if (current.status !== 'observing' && current.status !== 'provisioning')
          throw new CommandFailed(
            `negotiation ${current.negotiationId} is ${current.status}; usage is reported while its agreed instance is observed`,
          );
        await c.negotiations.reportUsage(id, usage);
        return c.negotiations.result(id);
      });
      print(opts, view, () => describeNegotiation(view));
    });

  common(
    negotiate
      .command('end-observation <id>')
      .description("end the agreed instance's observation now instead of after the observe window; prints the review"),
  )
    .addHelpText('after', '\nExample:\n  mosaic negotiate end-observation shop-2026')
    .action((id: string, opts: OutputOptions & { by: string; updateId?: string }) =>
      feedback(opts, (c) => c.negotiations.endObservation(id, { by: opts.by }, opts.updateId)),
    );

  const persona = program.command('persona').description('the persona store and marketplace: immutable versions, sharing, usage');
  const withCaller = (c: Command) =>
    c
      .option(...CALLER[0]!)
      .option(...CALLER[1]!)
      .option('--json', 'print the result as JSON');

  withCaller(persona.command('list').description('personas you can use: yours, your account’s and public ones, with usage counts'))
    .option('--role <role>', 'only this role')
    .option('--tag <tag>', 'only personas with this tag')
    .option('--search <words>', 'in names, descriptions and tags')
    .addHelpText('after', '\nExample:\n  mosaic persona list --role database')
    .action(async (opts: OutputOptions & Caller & { role?: string; tag?: string; search?: string }) => {
      const rows = await MosaicClient.use(loadConfig(), (c) =>
        c.negotiations.personas({
          kind: 'list',
          user: opts.user,
          account: opts.account,
          role: opts.role as never,
          tag: opts.tag,
          search: opts.search,
        }),
      );
      print(opts, rows, () =>
        table(rows, ['ref', 'account', 'role', 'visibility', 'status', 'tags', 'timesUsed', 'agreements', 'averageRounds']),
      );
    });

  withCaller(persona.command('show <ref>').description('one persona version: profile series, security, lifecycle, cost, usage'))
    .addHelpText('after', '\nExample:\n  mosaic persona show oltp-database@1')
    .action(async (ref: string, opts: OutputOptions & Caller) => {
      const doc = await MosaicClient.use(loadConfig(), (c) =>
        c.negotiations.personas({ kind: 'show', ref, user: opts.user, account: opts.account }),
      );
      print(opts, doc, () => JSON.stringify(doc, null, 2));
    });

  withCaller(persona.command('create <file>').description('store a new version of a persona (YAML or JSON); versions are immutable'))
    .addOption(new Option('--visibility <visibility>', 'who may use it').choices(['private', 'account', 'public']).default('private'))
    .addHelpText('after', '\nExample:\n  mosaic persona create examples/personas/shop-frontend.yaml --account acme')
    .action(async (file: string, opts: OutputOptions & Caller & { visibility: 'private' | 'account' | 'public' }) => {
      const body = readStructuredFile(file);
      const doc = await MosaicClient.use(loadConfig(), (c) =>
        c.negotiations.personas({
          kind: 'create',
          persona: body,
          visibility: opts.visibility,
          user: opts.user,
          account: opts.account,
        }),
      );
      print(opts, doc, () => `${doc.name}@${doc.version} stored (${opts.visibility})`);
    });

  withCaller(
    persona.command('publish <ref>').description('share a version with your account or everyone; a proposed version becomes active'),
  )
    .addOption(new Option('--visibility <visibility>', 'account or public').choices(['account', 'public']).default('public'))
    .addHelpText('after', '\nExample:\n  mosaic persona publish shop-frontend@2 --account acme')
    .action(async (ref: string, opts: OutputOptions & Caller & { visibility: 'account' | 'public' }) => {
      const doc = await MosaicClient.use(loadConfig(), (c) =>
        c.negotiations.personas({
          kind: 'publish',
          ref,
          visibility: opts.visibility,
          user: opts.user,
          account: opts.account,
        }),
      );
      print(opts, doc, () => `${doc.name}@${doc.version} is ${doc.visibility}`);
    });
}
