import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Proposal } from '../../negotiation/solver';
import type { NegotiationView } from '../../contract/negotiate';
import { consoleUrl } from '../../config';
import { CLI_ENTRY } from '../cli-entry';
import type { MosaicClient } from '../../client/mosaic-client';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The `mosaic` command as a person types it, on the same stack and task queue as the demo. */
async function cli(client: MosaicClient, args: string[]): Promise<NegotiationView> {
  const { stdout } = await run(process.execPath, [CLI_ENTRY, ...args, '--json'], {
    env: { ...process.env, MOSAIC_TASK_QUEUE: client.taskQueue },
    timeout: 120_000,
  });
  return JSON.parse(stdout) as NegotiationView;
}

const cheapest = (ps: Proposal[]) => ps.reduce((a, b) => (b.monthlyUsd < a.monthlyUsd ? b : a));

/**
 * Three negotiations: one a person conducts through the CLI — two rounds of
 * feedback (reject their families, then a constraint) and an acceptance —,
 * one an application's policy conducts by itself, and one left waiting for
 * feedback in the negotiation console.
 */
export async function negotiationDemo(client: MosaicClient, stamp: string): Promise<{ workflowId: string; outcome: string }> {
  const id = `demo-shop-${stamp}`;
  const first = await cli(client, [
    'negotiate',
    'start',
    '--text',
    'run a medium-sized e-commerce website with a nightly report',
    '--id',
    id,
    '--observe',
    '5 seconds',
  ]);
  const second = await cli(client, ['negotiate', 'reject', id, '--because', 'family', '--reason', 'we run other instance families']);
  const third = await cli(client, ['negotiate', 'constrain', id, 'no burstable types']);
  const pick = cheapest(third.proposals);
  await cli(client, ['negotiate', 'accept', id, pick.id]);
  const human = await client.negotiations.result(id);

  const request = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'negotiations', 'automated-database.json'), 'utf8'));
  const auto = await client.negotiations.start({ ...request, negotiationId: `${request.negotiationId}-${stamp}` });
  const automated = await client.negotiations.result(auto.workflowId);
  // Left open for a person: the console (and the Web UI) show it waiting for feedback.
  const waitingId = `demo-analytics-${stamp}`;
  const waiting = await cli(client, [
    'negotiate',
    'start',
    '--text',
    'internal analytics API, about 200 requests per second over 500 GB of PostgreSQL data',
    '--region',
    'eu-west-1',
    '--constraint',
    'no burstable instances',
    '--id',
    waitingId,
  ]);
  const summary = (v: NegotiationView) =>
    `${v.agreed?.instanceType ?? 'no agreement'} $${v.agreed?.monthlyUsd ?? 0}/month after ${v.round} rounds (${v.status})`;
  return {
    workflowId: human.negotiationId,
    outcome:
      `by CLI: ${first.proposals.length} proposals from $${cheapest(first.proposals).monthlyUsd}, rejected their families → ${second.proposals.length} from $${cheapest(second.proposals).monthlyUsd}, ` +
      `"no burstable types" → accepted ${summary(human)}; by policy: ${summary(automated)}; ` +
      `waiting for your feedback with ${waiting.proposals.length} proposals: ${consoleUrl(client.config.console.url, waitingId)}`,
  };
}
