import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { MosaicClient } from '../../src/client/mosaic-client';
import { scriptResourceModel } from '../../src/models/script-resource';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { eventually } from '../harness/eventually';
import { failureOf } from '../harness/failures';
import { startKillRig, type KillRig } from '../harness/worker-process';

// A script makes a bucket and keeps going; both workers are SIGKILLed while it
// runs, so nothing in the activity is left to remove it. The step, allowed one
// attempt, fails on its heartbeat, and its undo, on a replacement worker, must
// find the bucket by what the script asked for.
describe('a worker killed in the middle of a script', () => {
  let rig: KillRig;
  let client: MosaicClient;
  const tag = randomUUID().slice(0, 8);

  beforeAll(async () => {
    const admin = generateKeyPair();
    rig = await startKillRig('script-kills', () => ({ MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem }));
    client = rig.client;
    await client.governance.change(
      {
        operation: 'handler.register',
        descriptor: {
          id: 'make-then-spin',
          version: '1',
          resourceTypes: ['bucket'],
          requires: ['validated'],
          provides: ['endpoint'],
          undo: true,
          timeoutMs: 60_000,
          retry: { maximumAttempts: 1, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1000 },
          hostCapabilities: ['provider.createBucket', 'provider.createKey'],
          code: {
            kind: 'script',
            source: `async function handle(input, host) {
              await host['provider.createBucket']('orphan-${tag}');
              await host['provider.createKey']('orphan-key');
              for (;;) {}
            }`,
          },
        },
      },
      admin.privateKeyPem,
    );
    const policy = stringify({
      apiVersion: 'mosaic/v1',
      kind: 'CompositionPolicy',
      metadata: { name: 'script-kills', version: 1 },
      spec: {
        match: 'request.resourceType == "bucket"',
        stages: [
          { name: 'validate', candidates: ['validate-request@1'] },
          { name: 'spin', after: ['validate'], candidates: ['make-then-spin@1'] },
        ],
      },
    });
    await client.governance.change({ operation: 'policy.apply', source: signYaml(policy, admin.privateKeyPem) }, admin.privateKeyPem);
  }, 330_000);

  afterAll(async () => {
    await rig?.stop();
  });

  it("removes what the script made, found by the step's undo on another worker", async () => {
    const buckets = path.join(rig.dataDir, 'resources', 'buckets');
    const keys = path.join(rig.dataDir, 'resources', 'keys');
    const orphans = () => (fs.existsSync(buckets) ? fs.readdirSync(buckets).filter((b) => b.startsWith(`orphan-${tag}`)) : []);
    const keyFiles = () => (fs.existsSync(keys) ? fs.readdirSync(keys) : []);
    const handle = await client.compose({
      requestId: `orphan-${tag}`,
      user: 'mallory',
      account: 'acct-orphan',
      region: 'us-east-1',
      resourceType: 'bucket',
      spec: { name: 'orphan' },
    });
    await eventually(async () => {
      expect(orphans()).toHaveLength(1);
      expect(keyFiles()).toHaveLength(1);
    }, 60_000);
    // Both workers die; replacements start at once, as a supervisor would start them.
    await rig.pool.killOldest();
    await rig.pool.killOldest();

    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('CompositionFailed');
    expect(failure.message).toMatch(/make-then-spin@1 failed in stage spin/);
    expect(orphans()).toEqual([]);
    expect(keyFiles()).toEqual([]);
    expect(await scriptResourceModel(rig.db).countDocuments({})).toBe(0);
  }, 180_000);
});
