import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, type Config } from '../../config';
import type { PolicyContext } from '../../pdl';
import { generateKeyPair, keyIdOf, type KeyPair } from '../../security/keys';
import { signYaml } from '../../security/policy-signature';
import { burstTable } from '../../learning/burst';
import { demoLearning } from '../../operator/demo/learning';
import { DEFAULT_BURST, demoLearningBurst, MAX_BURST_CALLS, type BurstResult, type BurstSize } from '../../operator/demo/learning-burst';
import { negotiationDemo } from '../../operator/demo/negotiation';
import { runSnapshotDemo } from '../../operator/demo/snapshot';
import { CommandFailed } from '../errors';
import { rootFailure } from '../../client/failures';
import { MosaicClient } from '../../client/mosaic-client';
import { print, progress, table, type OutputOptions } from '../output';
import { addRootKey, rootKeysIn } from '../../operator/root-keys';

type DemoResult = BurstResult;

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

/** The demo's own admin key, kept in the data dir so a second demo reuses it. */
function demoKey(dataDir: string): KeyPair {
  const base = path.join(dataDir, 'keys', 'demo-admin');
  if (!fs.existsSync(`${base}.key`)) {
    const pair = generateKeyPair();
    fs.mkdirSync(path.dirname(base), { recursive: true, mode: 0o700 });
    fs.writeFileSync(`${base}.key`, pair.privateKeyPem, { mode: 0o600 });
    fs.writeFileSync(`${base}.pub`, pair.publicKeyPem);
  }
  const publicKeyPem = fs.readFileSync(`${base}.pub`, 'utf8');
  return { keyId: keyIdOf(publicKeyPem), publicKeyPem, privateKeyPem: fs.readFileSync(`${base}.key`, 'utf8') };
}

/** Signs an example policy with the demo key and applies it; idempotent across demo runs. */
async function applyExample(client: MosaicClient, key: KeyPair, file: string) {
  const source = signYaml(fs.readFileSync(path.join(EXAMPLES, 'policies', file), 'utf8'), key.privateKeyPem);
  return client.governance.change({ operation: 'policy.apply', source }, key.privateKeyPem);
}

/**
 * Makes the demo key a root admin key, made once into the data dir like the
 * other keys, when no root key is configured yet; false when other root keys
 * rule this deployment and the demo key is not among them.
 */
async function demoAdmin(client: MosaicClient, key: KeyPair): Promise<boolean> {
  const { pems, file } = client.config.rootKeys;
  if (!pems.length && !rootKeysIn(file).length) addRootKey(file, key.publicKeyPem);
  try {
    await client.governance.initAdmin(key.publicKeyPem, 'demo-admin');
    return true;
  } catch (err) {
    if (rootFailure(err)?.type === 'NotARootKey') return false;
    throw err;
  }
}

const NOT_ADMIN = 'skipped: root keys other than the demo key rule here; apply examples/policies with your key';

/** One entry per workflow family; each runs real workflows on the running worker. */
const families: { family: string; run(client: MosaicClient, burst: BurstSize): Promise<DemoResult> }[] = [
  {
    family: 'health',
    async run(client) {
      const report = await client.healthCheck();
      return {
        family: 'health',
        workflowId: report.workflowId,
        outcome: `${report.storage.flavor} ${report.storage.version} round trip ${report.storage.roundTripMs} ms; Temporal ${report.runtime.temporalServerVersion}`,
        url: report.url,
      };
    },
  },
  {
    family: 'policy',
    async run(client) {
      const key = demoKey(client.config.dataDir);
      if (!(await demoAdmin(client, key))) return { family: 'policy', workflowId: '', outcome: NOT_ADMIN, url: '' };
      const applied = await applyExample(client, key, 'databases-eu.yaml');
      const context = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'contexts', 'database-eu-pci.json'), 'utf8')) as PolicyContext;
      const { evaluation, explanation } = await client.governance.evaluate(context, 'rds@1');
      const provision = evaluation?.stages.find((s) => s.name === 'provision');
      const why = explanation?.find((line) => line.includes('forbade')) ?? 'allowed';
      return {
        family: 'policy',
        workflowId: applied.workflowId,
        outcome: `signed databases-eu applied (${applied.detail}); provision allows ${provision?.allowed.join(', ')}; rds@1: ${why.replace(/^.*: /, '')}`,
        url: applied.url,
      };
    },
  },
  {
    family: 'compose',
    async run(client) {
      const key = demoKey(client.config.dataDir);
      if (!(await demoAdmin(client, key))) return { family: 'compose', workflowId: '', outcome: NOT_ADMIN, url: '' };
      await applyExample(client, key, 'default-composition.yaml');
      const stamp = new Date()
        .toISOString()
        .replace(/[-:T.Z]/g, '')
        .slice(0, 14);
      const results = await Promise.all(
        ['bucket', 'database', 'service'].map(async (kind) => {
          const request = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'requests', `${kind}.json`), 'utf8'));
          const handle = await client.compose({ ...request, requestId: `${request.requestId}-${stamp}` });
          const result = await handle.result();
          return `${kind} ${result.outputs.endpoint} (${result.steps.length} steps, policy ${result.policy})`;
        }),
      );
      return {
        family: 'compose',
        workflowId: `compose-*-${stamp}`,
        outcome: results.join('; '),
        url: `${client.config.temporal.webUiUrl}/namespaces/${client.config.temporal.namespace}/workflows?query=${encodeURIComponent('MosaicKind="compose"')}`,
      };
    },
  },
  {
    family: 'learning-burst',
    async run(client, burst) {
      const key = demoKey(client.config.dataDir);
      if (!(await demoAdmin(client, key))) return { family: 'learning-burst', workflowId: '', outcome: NOT_ADMIN, url: '' };
      await applyExample(client, key, 'databases-postgres.yaml');
      return demoLearningBurst(client, burst);
    },
  },
  {
    family: 'learning',
    async run(client) {
      const key = demoKey(client.config.dataDir);
      if (!(await demoAdmin(client, key))) return { family: 'learning', workflowId: '', outcome: NOT_ADMIN, url: '' };
      return demoLearning(client, key);
    },
  },
  {
    family: 'snapshot',
    async run(client) {
      const key = demoKey(client.config.dataDir);
      if (!(await demoAdmin(client, key))) return { family: 'snapshot', workflowId: '', outcome: NOT_ADMIN, url: '' };
      return { family: 'snapshot', ...(await runSnapshotDemo(client, key)) };
    },
  },
  {
    family: 'negotiate',
    async run(client) {
      const { workflowId, outcome } = await negotiationDemo(
        client,
        new Date()
          .toISOString()
          .replace(/[-:T.Z]/g, '')
          .slice(0, 14),
      );
      return { family: 'negotiate', workflowId, outcome, url: client.url(workflowId) };
    },
  },
];

export const DEMO_FAMILIES = families.map((f) => f.family);

export async function runDemo(
  config: Config,
  onProgress: (m: string) => void,
  burst: BurstSize = DEFAULT_BURST,
  only: readonly string[] = DEMO_FAMILIES,
): Promise<DemoResult[]> {
  return MosaicClient.use(config, async (client) => {
    const results: DemoResult[] = [];
    for (const { family, run } of families.filter((f) => only.includes(f.family))) {
      onProgress(`demo: ${family}`);
      results.push(await run(client, burst));
    }
    return results;
  });
}

/** `--family compose,snapshot`: known names only, in the demo's own order whatever order they are given in. */
const familyList = (v: string) => {
  const names = v.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !DEMO_FAMILIES.includes(n));
  if (unknown.length || !names.length)
    throw new InvalidArgumentError(
      `--family expects a comma-separated list of ${DEMO_FAMILIES.join(', ')}; not ${unknown.join(', ') || 'nothing'}`,
    );
  return names;
};

/** A usage error (exit 2) naming the flag and the range it takes. */
const burstCalls = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BURST_CALLS)
    throw new InvalidArgumentError(`--burst-calls expects a whole number from 1 to ${MAX_BURST_CALLS}, such as ${DEFAULT_BURST.calls}`);
  return n;
};
const burstWindow = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`--burst-window expects a whole number of 1 or more, such as ${DEFAULT_BURST.window}`);
  return n;
};

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run a demo of every workflow family against the running stack and worker')
    .option('--json', 'print the results as JSON')
    .option(
      '--burst-calls <n>',
      'learning burst: database compositions per phase (before, during and after the PostgreSQL fault)',
      burstCalls,
      DEFAULT_BURST.calls,
    )
    .option('--burst-window <n>', 'learning burst: decisions per window of the share table and plot', burstWindow, DEFAULT_BURST.window)
    .option('--family <names>', `only these families, comma-separated (default: all of ${DEMO_FAMILIES.join(', ')})`, familyList)
    .addHelpText(
      'after',
      "\n`npm run demo` sets up and starts everything first, then runs this.\n\nThe learning burst makes postgres-local@1 fail for its middle phase (template1 is renamed away on the\nstack's PostgreSQL, so CREATE DATABASE fails) and prints the share the decisions gave it per window;\n`mosaic model report` plots the same.\n\nExample:\n  mosaic demo --json\n  mosaic demo --burst-calls 40 --burst-window 10\n  mosaic demo --family policy,compose",
    )
    .action(async (opts: OutputOptions & { burstCalls: number; burstWindow: number; family?: string[] }, command: Command) => {
      if (opts.burstWindow > opts.burstCalls)
        command.error(
          `error: --burst-window (${opts.burstWindow}) cannot exceed --burst-calls (${opts.burstCalls}): a window lies within one phase`,
        );
      const config = loadConfig();
      const burst = { calls: opts.burstCalls, window: opts.burstWindow };
      const results = await runDemo(config, progress(opts), burst, opts.family).catch((err: Error) => {
        const failure = rootFailure(err);
        const reason = failure ? `${failure.type}: ${failure.message}` : err.message;
        process.stderr.write(`demo failed: ${reason}\nRun \`mosaic doctor\` to find the broken part.\n`);
        throw new CommandFailed();
      });
      const learned = results.find((r) => r.learningBurst)?.learningBurst;
      print(opts, { results, webUi: config.temporal.webUiUrl }, () =>
        [
          table(results, ['family', 'outcome', 'url']),
          ...(learned
            ? ['', `Learning burst ${learned.burst}: the share of decisions ${learned.faulted} got, per window`, burstTable(learned)]
            : []),
          '',
          `Temporal Web UI: ${config.temporal.webUiUrl}`,
          ...(learned ? ['Plot: mosaic model report --out report.html'] : []),
        ].join('\n'),
      );
    });
}
