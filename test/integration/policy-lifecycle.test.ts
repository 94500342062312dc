import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { stringify } from 'yaml';
import { auditModel } from '../../src/models/audit';
import { policyHeadModel, policyModel } from '../../src/models/policy';
import { witnessContext, type PolicyContext } from '../../src/pdl';
import { generateKeyPair } from '../../src/security/keys';
import { signYaml } from '../../src/security/policy-signature';
import { MosaicWorkflowError } from '../../src/client/workflow-errors';
import { failureOf } from '../harness/failures';
import { startTestWorker, type TestWorker } from '../harness/worker';

/** A policy over databases whose secure stage requires or forbids encryption under a condition. */
function policy(name: string, version: number, match: string, rule: { require?: string; forbid?: string }): string {
  const secure: Record<string, unknown> = { name: 'secure', candidates: ['attach-network-policy@1'] };
  if (rule.require !== undefined) secure.require = [{ when: rule.require, handlers: ['encrypt-at-rest@1'] }];
  if (rule.forbid !== undefined) secure.forbid = [{ when: rule.forbid, handlers: ['encrypt-at-rest@1'] }];
  return stringify({
    apiVersion: 'mosaic/v1',
    kind: 'CompositionPolicy',
    metadata: { name, version },
    spec: { match, priority: 50, stages: [{ name: 'provision', candidates: ['provision-database@1'] }, secure] },
  });
}

describe('policy apply, activate, deactivate and retire against the real stack', () => {
  let w: TestWorker;
  let db: Connection;
  const admin = generateKeyPair();
  const apply = (source: string) =>
    w.client.governance.change({ operation: 'policy.apply', source: signYaml(source, admin.privateKeyPem) }, admin.privateKeyPem);

  beforeAll(async () => {
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/lifecycle_${randomUUID().slice(0, 8)}`;
    w = await startTestWorker({ MOSAIC_MONGODB_URI: uri, MOSAIC_ROOT_KEYS: admin.publicKeyPem });
    db = await mongoose.createConnection(uri).asPromise();
    await w.client.governance.initAdmin(admin.publicKeyPem, 'root');
    await apply(
      policy('regulated-eu', 1, 'request.resourceType == "database" && request.region.startsWith("eu-")', {
        require: 'request.security.classification in ["pci", "hipaa"]',
      }),
    );
  });

  afterAll(async () => {
    await db?.close();
    await w?.stop();
  });

  const rows = async () => ({
    versions: await policyModel(db).find({}, { _id: 0, name: 1, version: 1, retiredAt: 1 }).sort({ name: 1, version: 1 }).lean(),
    heads: await policyHeadModel(db).find({}, { _id: 0, name: 1, activeVersion: 1 }).sort({ name: 1 }).lean(),
  });

  it('refuses a policy that contradicts an active one, with both names, the handler and a witness, and stores nothing', async () => {
    const before = await rows();
    const err = await apply(
      policy('fast-databases', 1, 'request.resourceType == "database"', { forbid: 'request.account != "audited"' }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(MosaicWorkflowError);
    expect(err.type).toBe('PolicyConflict');
    expect(err.message).toMatch(/policy regulated-eu requires encrypt-at-rest@1 in stage secure where policy fast-databases forbids it/);
    const [{ conflicts }] = err.details as [{ conflicts: { witness: Record<string, unknown>; context: PolicyContext }[] }];
    expect(conflicts[0]!.witness).toMatchObject({ 'request.resourceType': 'database' });
    expect(conflicts[0]!.context.request.region).toMatch(/^eu-/);
    expect(await rows()).toEqual(before);
    const audit = await auditModel(db).find({ target: 'policy:fast-databases' }).lean();
    expect(audit.map((a) => a.result)).toEqual(['denied']);
    expect(audit[0]!.reason).toMatch(/contradicts/);

    // The witness is a request the evaluator itself cannot decide once both are in force: shown by the dry run
    // against only the active policy, which decides it, so the witness is not a false alarm of an empty match.
    const evaluation = await w.client.governance.evaluate(witnessContext(conflicts[0]!.witness));
    expect(evaluation.evaluation?.stages.find((s) => s.name === 'secure')?.required).toEqual(['encrypt-at-rest@1']);
  });

  it('applies a policy that cannot match with the active one, and one whose contradiction is only possible at run time with a warning', async () => {
    const us = await apply(policy('fast-us', 1, 'request.resourceType == "database" && request.region == "us-east-1"', { forbid: 'true' }));
    expect(us).toMatchObject({ detail: 'version 1 stored and active' });
    expect(us.warnings).toBeUndefined();
    const loaded = await apply(policy('load-shedding', 1, 'request.resourceType == "database"', { forbid: 'system.cpu > 0.95' }));
    expect(loaded.detail).toBe('version 1 stored and active');
    expect(loaded.warnings).toEqual([expect.stringMatching(/load-shedding forbids it .*system\.cpu = .*run-time contradiction/)]);
  });

  it('deactivates a policy (signed and audited), and says so on a second try', async () => {
    const change = () => w.client.governance.change({ operation: 'policy.deactivate', name: 'load-shedding' }, admin.privateKeyPem);
    expect(await change()).toMatchObject({ target: 'policy:load-shedding', detail: 'version 1 deactivated; no version is active' });
    expect((await rows()).heads.map((h) => h.name)).not.toContain('load-shedding');
    expect(await change()).toMatchObject({ detail: 'no version was active' });
    const missing = await failureOf(w.client.governance.change({ operation: 'policy.deactivate', name: 'nope' }, admin.privateKeyPem));
    expect(missing.type).toBe('PolicyNotFound');
    const audit = await auditModel(db).find({ operation: 'policy.deactivate' }).lean();
    expect(audit.map((a) => a.result).sort()).toEqual(['allowed', 'allowed', 'denied']);
  });

  it('retires only an inactive version, which can then never be active again', async () => {
    await apply(policy('fast-us', 2, 'request.resourceType == "database" && request.region == "us-east-1"', { forbid: 'false' }));
    const active = await failureOf(
      w.client.governance.change({ operation: 'policy.retire', name: 'fast-us', version: 2 }, admin.privateKeyPem),
    );
    expect(active).toMatchObject({ type: 'PolicyActive' });
    expect(active.message).toContain('mosaic policy deactivate fast-us');
    expect(
      await w.client.governance.change({ operation: 'policy.retire', name: 'fast-us', version: 1 }, admin.privateKeyPem),
    ).toMatchObject({
      detail: 'version 1 retired',
    });
    const reactivate = await failureOf(
      w.client.governance.change({ operation: 'policy.activate', name: 'fast-us', version: 1 }, admin.privateKeyPem),
    );
    expect(reactivate.type).toBe('PolicyRetired');
    const history = await w.client.governance.inspect({
      kind: 'history',
      name: 'fast-us',
    });
    expect(history.map(({ version, active, retired }) => ({ version, active, retired }))).toEqual([
      { version: 2, active: true, retired: false },
      { version: 1, active: false, retired: true },
    ]);
  });

  it('checks activation for contradictions too', async () => {
    await apply(policy('fast-databases', 1, 'request.resourceType == "database" && request.region == "ap-south-1"', { forbid: 'true' }));
    await w.client.governance.change({ operation: 'policy.deactivate', name: 'regulated-eu' }, admin.privateKeyPem);
    await apply(policy('fast-databases', 2, 'request.resourceType == "database"', { forbid: 'true' }));
    const refused = await failureOf(
      w.client.governance.change({ operation: 'policy.activate', name: 'regulated-eu', version: 1 }, admin.privateKeyPem),
    );
    expect(refused.type).toBe('PolicyConflict');
    expect((await rows()).heads.map((h) => h.name)).not.toContain('regulated-eu');
  });
});
