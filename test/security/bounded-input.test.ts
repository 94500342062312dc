import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { MAX_INPUT_FILE_BYTES } from '../../src/client/files';
import { mosaic } from '../harness/cli';
import { failureOf } from '../harness/failures';
import { storeContents } from '../harness/hostile';
import { startTestWorker, type TestWorker } from '../harness/worker';

// What an attacker sends to exhaust or confuse Mosaic: devices and pipes as
// input files, files larger than any manifest, numbers that overflow to
// Infinity, waits of a century or of nothing, nesting 10,000 deep, megabytes
// in one field. Each is refused with a message naming the field and the
// bound, quoting at most ~200 characters of it, and leaves nothing: no
// workflow, no stored row.
describe('bounded, finite, clear input', () => {
  let w: TestWorker;
  let db: Connection;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-bounds-'));
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/bounds_${randomUUID().slice(0, 8)}`;
  let env: NodeJS.ProcessEnv;
  const negotiation = (extra: Record<string, unknown> = {}) => ({
    negotiationId: `bounds-${randomUUID().slice(0, 8)}`,
    user: 'mallory',
    account: 'acme',
    workload: { kind: 'text', text: 'an online shop with a few hundred orders an hour' },
    ...extra,
  });

  beforeAll(async () => {
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_DATA_DIR: dir });
    db = await mongoose.createConnection(uri).asPromise();
    env = { MOSAIC_MONGODB_URI: uri, MOSAIC_DATA_DIR: dir, MOSAIC_TASK_QUEUE: w.taskQueue };
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A negotiation started as a hand-made Temporal client would, without the client's own checks: how it fails. */
  const pastTheClient = async (input: ReturnType<typeof negotiation>) => {
    const handle = await w.client.temporal.workflow.start('negotiateInstance', {
      taskQueue: w.taskQueue,
      workflowId: `negotiation-${input.negotiationId}`,
      args: [input],
    });
    return failureOf(handle.result());
  };

  const workflowsStarted = async () => {
    const ids: string[] = [];
    for await (const e of w.client.temporal.workflow.list({ query: `TaskQueue = '${w.taskQueue}'` })) ids.push(e.workflowId);
    return ids.filter((id) => !id.startsWith('mosaic-retrain'));
  };

  it('the CLI refuses devices, pipes, directories and oversized files before reading them', async () => {
    const fifo = path.join(dir, 'input.fifo');
    execFileSync('mkfifo', [fifo]);
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, `{"pad":"${'x'.repeat(MAX_INPUT_FILE_BYTES)}"}`);
    const cases: [string[], RegExp][] = [
      [['compose', '/dev/zero'], /\/dev\/zero: a device; give a regular file of at most 2097152 bytes/],
      [['snapshot', 'compose', '/dev/urandom'], /\/dev\/urandom: a device/],
      [['negotiate', 'start', '/dev/zero'], /\/dev\/zero: a device/],
      // A FIFO with no writer would block a plain open forever.
      [['compose', fifo], /input\.fifo: a pipe/],
      [['policy', 'apply', dir, '--key', '/dev/null'], /a directory/],
      [['compose', big], /big\.json: \d+ bytes, more than the 2097152 bytes Mosaic reads from a file/],
    ];
    for (const [args, message] of cases) {
      const out = await mosaic([...args, '--json'], env);
      expect({ args, code: out.code }).toEqual({ args, code: 1 });
      expect(out.stderr).toMatch(message);
      expect(out.stderr.length).toBeLessThan(2000);
    }
    expect(await workflowsStarted()).toEqual([]);
  });

  it('quantities must be finite and within range: "999…9 cores" and "999…9GB" are refused, not Infinity', async () => {
    const huge = '9'.repeat(400);
    for (const limits of [{ cpu: `${huge} cores` }, { memory: `${huge}GB` }, { disk: '2 PiB' }, { cpu: '5000 cores' }]) {
      const manifest = { name: 'greedy', sources: [{ type: 'template', id: 'anything' }], resource_limits: limits };
      // Past the client's own check, as a hand-made Temporal client would send it.
      const handle = await w.client.temporal.workflow.start('composeSnapshot', {
        taskQueue: w.taskQueue,
        workflowId: `bounds-${randomUUID()}`,
        args: [manifest],
      });
      const failure = await failureOf(handle.result());
      expect(failure.type).toBe('ManifestInvalid');
      expect(failure.message).toMatch(/^resource_limits\.(cpu|memory|disk): expected a number (of cores )?up to/);
      expect(failure.message.length).toBeLessThan(400);
    }
    const structured = { kind: 'structured', workload: { role: 'web', requestsPerSecond: Number(`1${'0'.repeat(300)}`) } };
    await expect(w.client.negotiations.start(negotiation({ workload: structured }) as never)).rejects.toThrow(
      /workload\.workload\.requestsPerSecond: expected at most 10,000,000 requests per second/,
    );
    // A phrase that long is refused for its length before any number in it is read; the same number as a
    // structured constraint (JSON reads it as Infinity) is refused by the field's bound.
    await expect(w.client.negotiations.start(negotiation({ constraints: [`at least ${huge} vcpus`] }) as never)).rejects.toThrow(
      /constraints\.0: a constraint phrase is at most 200 characters; got 415/,
    );
    await expect(
      w.client.negotiations.start(negotiation({ constraints: [{ kind: 'minVcpu', vcpu: Number(huge) }] }) as never),
    ).rejects.toThrow(/constraints\.0: .*vcpu: .*(Infinity|at most)/);
  });

  it('durations are bounded: a 100-year round timeout and a zero observe window are refused, not clamped', async () => {
    const before = await storeContents(db);
    for (const [limits, field] of [
      [{ limits: { roundTimeout: '36500 days' } }, 'limits.roundTimeout'],
      [{ limits: { deadline: '5200 weeks' } }, 'limits.deadline'],
      [{ observe: { window: '0 seconds' } }, 'observe.window'],
      [{ observe: { window: '0.5 ms' } }, 'observe.window'],
    ] as const) {
      const failure = await pastTheClient(negotiation(limits));
      expect(failure.type).toBe('InvalidNegotiation');
      expect(failure.message).toContain(`${field}: expected a duration from 1 second to`);
    }
    expect(await storeContents(db)).toEqual(before);
  });

  it('nesting 10,000 deep is refused with the path where it went too deep, not a RangeError', async () => {
    // Written as text: JSON.stringify itself overflows at this depth.
    const deepConstraint = `${'{"kind":"region","region":'.repeat(10_000)}"eu-west-1"${'}'.repeat(10_000)}`;
    const file = path.join(dir, 'deep.json');
    fs.writeFileSync(file, JSON.stringify(negotiation({ constraints: ['PLACEHOLDER'] })).replace('"PLACEHOLDER"', deepConstraint));
    const out = await mosaic(['negotiate', 'start', file, '--json'], env);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/constraints\[0\](\.region)+[a-z.…]*: nested more than 32 levels deep/);
    expect(out.stderr).not.toMatch(/RangeError|call stack/);
    const request = {
      requestId: 'deep',
      user: 'u',
      account: 'a',
      region: 'us-east-1',
      resourceType: 'bucket',
      spec: { name: 'PLACEHOLDER' },
    };
    const deepSpec = `${'['.repeat(10_000)}"x"${']'.repeat(10_000)}`;
    fs.writeFileSync(path.join(dir, 'deep-request.json'), JSON.stringify(request).replace('"PLACEHOLDER"', deepSpec));
    const composed = await mosaic(['compose', path.join(dir, 'deep-request.json'), '--json'], env);
    expect(composed.code).toBe(1);
    expect(composed.stderr).toMatch(/spec\.name(\[0\])+[\[\]0…]*: nested more than 32 levels deep/);
    expect(await workflowsStarted()).not.toContain('compose-deep');
    // The same in YAML, which has no JSON.parse to fall back on: a policy and a negotiation file, block and flow nesting.
    fs.writeFileSync(
      path.join(dir, 'deep-policy.yaml'),
      `name: deep\nrules:\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 2)}a:`).join('\n')} 1\n`,
    );
    const policy = await mosaic(['policy', 'validate', '--offline', path.join(dir, 'deep-policy.yaml')], env);
    expect(policy.code).toBe(1);
    expect(policy.stderr).toMatch(/line 34, column 1: nested more than 32 levels deep/);
    fs.writeFileSync(path.join(dir, 'deep.yaml'), `kind: instance\nconstraints: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    const yaml = await mosaic(['negotiate', 'start', path.join(dir, 'deep.yaml'), '--json'], env);
    expect(yaml.code).toBe(1);
    expect(yaml.stderr).toMatch(/deep\.yaml: line 2: nested more than 32 levels deep/);
    for (const out of [policy, yaml]) expect(out.stderr).not.toMatch(/RangeError|call stack/);
  });

  it('an account or user past 128 characters, or with control characters, is refused naming the field, not by the server', async () => {
    const before = await storeContents(db);
    const long = 'a'.repeat(3000); // past the 2,048 bytes the server allows an indexed Keyword
    const request = (caller: Record<string, string>) => ({
      requestId: `bounds-${randomUUID().slice(0, 8)}`,
      user: 'mallory',
      account: 'acme',
      region: 'us-east-1',
      resourceType: 'bucket',
      spec: { name: 'loot' },
      ...caller,
    });
    await expect(w.client.negotiations.start(negotiation({ account: long }) as never)).rejects.toThrow(
      /account: expected at most 128 characters/,
    );
    await expect(w.client.compose(request({ account: long }) as never)).rejects.toThrow(/account: expected at most 128 characters/);
    await expect(w.client.compose(request({ user: 'eve\n[admin] approved' }) as never)).rejects.toThrow(
      /user: expected printable characters only/,
    );
    // Past the client, as a hand-made Temporal client would send it: the workflow refuses it, typed.
    const failure = await pastTheClient(negotiation({ user: long }));
    expect(failure.type).toBe('InvalidNegotiation');
    expect(failure.message).toMatch(/user: expected at most 128 characters/);
    expect(failure.message.length).toBeLessThan(700);
    expect((await workflowsStarted()).filter((id) => id.startsWith('compose-'))).toEqual([]);
    expect(await storeContents(db)).toEqual(before);
  });

  it('error messages quote at most about 200 characters of a megabyte-long value', async () => {
    const long = `region ${'z'.repeat(1_000_000)}`;
    const err = await w.client.negotiations.start(negotiation({ constraints: [long] }) as never).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/is not a constraint I know|constraints\.0/);
    expect((err as Error).message.length).toBeLessThan(700);
    // An unknown field named by a megabyte-long key.
    const manifest = { name: 'x', sources: [{ type: 'template', id: 'a' }], ['k'.repeat(1_000_000)]: 1 };
    const handle = await w.client.temporal.workflow.start('composeSnapshot', {
      taskQueue: w.taskQueue,
      workflowId: `bounds-${randomUUID()}`,
      args: [manifest],
    });
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('ManifestInvalid');
    expect(failure.message.length).toBeLessThan(700);
  });
});
