import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { MosaicClient } from '../../src/client/mosaic-client';
import type { NegotiationView } from '../../src/contract/negotiate';
import { countNegotiationSideEffects, ec2InstancesByKey, expectRejectedThenAgreedOnce, negotiatedServices } from '../harness/chaos';
import { startMoto, useMotoCredentials, type Moto } from '../harness/moto';
import { stopLocalServices } from '../harness/services';
import { startKillRig, type KillRig, type WorkerPool } from '../harness/worker-process';

const NEGOTIATIONS = 6;
/** The last ones run on the aws provider (moto): their agreed instance is an EC2 instance. */
const ON_AWS = 2;

// Two `mosaic worker` processes run negotiations with a person on the local
// provider. A worker is SIGKILLed (and replaced) while every negotiation waits
// for feedback, again while rejections are being applied (updates in flight),
// and again while the agreed instances (local processes, EC2 on moto) are observed.
describe('workers SIGKILLed again and again during negotiations', () => {
  let client: MosaicClient;
  let db: Connection;
  let dataDir: string;
  let pool: WorkerPool;
  let rig: KillRig;
  let moto: Moto;
  let restoreCredentials: () => void = () => {};

  beforeAll(async () => {
    restoreCredentials = useMotoCredentials();
    moto = await startMoto();
    rig = await startKillRig('negkills', () => ({ MOSAIC_AWS_REGION: 'us-east-1', MOSAIC_AWS_ENDPOINT: moto.endpoint }));
    ({ client, db, dataDir, pool } = rig);
  }, 330_000);

  afterAll(async () => {
    if (rig) await stopLocalServices(rig.dataDir);
    await rig?.stop();
    await moto?.stop();
    restoreCredentials();
  });

  const all = (ids: string[]) => Promise.all(ids.map((id) => client.negotiations.show(id)));
  const until = async (ids: string[], done: (v: NegotiationView) => boolean): Promise<NegotiationView[]> => {
    for (;;) {
      const views = await all(ids);
      if (views.every(done)) return views;
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  it('completes every negotiation, applying each feedback once and provisioning and counting each exactly once', async () => {
    const n = client.negotiations;
    const tag = randomUUID().slice(0, 6);
    const ids: string[] = [];
    for (let i = 0; i < NEGOTIATIONS; i++) {
      const { workflowId } = await n.start({
        negotiationId: `chaos-${tag}-${i}`,
        user: 'chaos',
        account: `acct-${tag}`,
        provider: i >= NEGOTIATIONS - ON_AWS ? 'aws' : 'local',
        workload: { kind: 'structured', workload: { role: 'cache', requestsPerSecond: 200 + i } },
        limits: { roundTimeout: '1 hour', deadline: '1 day', maxRounds: 10, roundsPerRun: 10 },
        observe: { window: '15 seconds', threshold: 0.3 },
      });
      ids.push(workflowId);
    }
    await until(ids, (v) => v.status === 'awaiting-feedback');

    // Waiting for feedback: the workflows' cached state goes with the worker.
    await pool.killOldest();
    // Rejections sent to every negotiation, and a worker killed while they are applied.
    const rejections = Promise.all(ids.map((id) => n.feedback(id, 'reject', { reason: 'not these' }, `reject-${id}`)));
    await new Promise((r) => setTimeout(r, 300));
    await pool.killOldest();
    const rejected = await rejections;
    expect(rejected.map((v) => v.round)).toEqual(ids.map(() => 2));

    // The same update id again is answered from the first, not applied twice.
    expect((await n.feedback(ids[0]!, 'reject', { reason: 'not these' }, `reject-${ids[0]}`)).round).toBe(2);
    // moto makes every instance with shared tenancy: a shared-tenancy proposal where there is one.
    const chosen = rejected.map((v) => (v.proposals.find((p) => p.security.tenancy === 'default') ?? v.proposals[0]!).id);
    await Promise.all(
      rejected.map((v, i) => n.feedback(v.negotiationId, 'accept', { proposalId: chosen[i]! }, `accept-${v.negotiationId}`)),
    );
    await until(ids, (v) => v.status === 'observing');
    // Observing the instances: a timer and a signal wait, on a worker that goes.
    await pool.killOldest();

    const done = await Promise.all(ids.map((id) => n.result(id)));
    expect(pool.kills).toBe(3);
    expect(done.map((v) => v.status)).toEqual(ids.map(() => 'completed'));
    expectRejectedThenAgreedOnce(done);
    // Local instances by their processes; the aws ones are counted in EC2 below.
    const services = negotiatedServices(dataDir);
    const made = new Map(ids.map((id, i) => [id, i < NEGOTIATIONS - ON_AWS ? (services.get(id)?.length ?? 0) : 1]));
    expect(
      await countNegotiationSideEffects(
        db,
        ids.map((workflowId) => ({ workflowId, agreed: true, failed: false })),
        made,
      ),
    ).toEqual({
      duplicated: [],
      leftBehind: [],
      missing: [],
    });
    // Exactly one EC2 instance per aws negotiation, the one it reports.
    const aws = ids.slice(NEGOTIATIONS - ON_AWS);
    const instances = await ec2InstancesByKey(
      moto.endpoint,
      'us-east-1',
      aws.map((id) => `${id}/instance`),
    );
    expect(aws.map((id) => [id, instances.get(`${id}/instance`)])).toEqual(aws.map((id) => [id, 1]));
    expect(done.slice(NEGOTIATIONS - ON_AWS).map((v) => v.provisioned?.instance.provider)).toEqual(aws.map(() => 'aws'));
  }, 240_000);
});
