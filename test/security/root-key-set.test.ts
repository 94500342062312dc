import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { runDoctor } from '../../src/operator/doctor';
import { createLogger } from '../../src/logger';
import { generateKeyPair } from '../../src/security/keys';
import { rootKeySetFingerprint } from '../../src/security/root-keys';
import { eventually } from '../harness/eventually';
import { startTestWorker, type TestWorker } from '../harness/worker';

// Root keys are each worker's configuration. A fleet where a rotation reached
// only some workers trusts different actors on different workers: a change
// one worker refuses another applies. Each worker now records the fingerprint
// of its set in the store; one whose set differs from the others' says so at
// start, and `mosaic doctor` fails naming both fingerprints.
describe('one root-key set per fleet', () => {
  const root = generateKeyPair();
  const added = generateKeyPair();
  const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/root_key_set_${randomUUID().slice(0, 8)}`;
  // No root keys file: each worker's set is exactly its MOSAIC_ROOT_KEYS.
  const envOf = (...pems: string[]) => ({
    MOSAIC_MONGODB_URI: uri,
    MOSAIC_ROOT_KEYS: pems.join('\n'),
    MOSAIC_ROOT_KEYS_FILE: path.join(os.tmpdir(), `no-root-keys-${randomUUID()}.pem`),
  });
  const setA = rootKeySetFingerprint([root.publicKeyPem]).fingerprint;
  const setB = rootKeySetFingerprint([root.publicKeyPem, added.publicKeyPem]).fingerprint;
  const logB: Record<string, unknown>[] = [];
  let a: TestWorker;
  let b: TestWorker | undefined;

  beforeAll(async () => {
    a = await startTestWorker(envOf(root.publicKeyPem));
    // The second worker got the new root key; the first did not (a rotation half done).
    b = await startTestWorker(envOf(root.publicKeyPem, added.publicKeyPem), {
      logger: createLogger('info', 'worker-b', { write: (line: string) => void logB.push(JSON.parse(line)) }),
    });
  }, 120_000);

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('the worker whose set differs says so at start, naming both fingerprints and the fix', () => {
    expect(setA).not.toBe(setB);
    const line = logB.find((l) => String(l.msg).includes('different root-key sets'));
    expect(line).toMatchObject({ level: 50, rootKeySet: setB });
    expect(line!.msg).toContain(`this worker holds ${setB}`);
    expect(line!.msg).toContain(`others hold ${setA}`);
    expect(line!.msg).toContain('give every worker the same MOSAIC_ROOT_KEYS');
  });

  it('mosaic doctor fails its root-keys check on either worker, naming the other set', async () => {
    for (const [w, own, other] of [
      [b!, setB, setA],
      [a, setA, setB],
    ] as const) {
      const report = await runDoctor(w.config);
      expect(report.ok).toBe(false);
      expect(report.checks.find((c) => c.part === 'root-keys')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(new RegExp(`holds ${own} .*others hold ${other}`)),
        fix: expect.stringContaining('MOSAIC_ROOT_KEYS'),
      });
    }
  }, 120_000);

  it('passes once the odd worker has stopped: the fleet agrees again', async () => {
    await b!.stop();
    b = undefined;
    const check = await eventually(async () => {
      const report = await runDoctor(a.config);
      const found = report.checks.find((c) => c.part === 'root-keys');
      expect(found?.status).toBe('ok');
      return found!;
    });
    expect(check.detail).toContain(`fingerprint ${setA} (1 key)`);
  }, 120_000);
});
