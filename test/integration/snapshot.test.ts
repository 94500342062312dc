import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { captureModel, compositionModel, CURRENT_IMPACT_MODEL, impactModelModel } from '../../src/models/snapshot';
import { parseImpactModel } from '../../src/snapshot/impact';
import { ManifestInvalid } from '../../src/snapshot/errors';
import { canConnect, freePort, isPortFree } from '../../src/stack/ports';
import { registry } from '../../src/observability/metrics';
import { eventually } from '../harness/eventually';
import { failureOf } from '../harness/failures';
import { recordHistory } from '../harness/histories';
import { startTestWorker, type TestWorker } from '../harness/worker';
import { generateKeyPair } from '../../src/security/keys';
import { registerCommand, registerHost } from '../harness/governed';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples', 'snapshots');
const example = (file: string) => fs.readFileSync(path.join(EXAMPLES, file), 'utf8');

/** Two neighbouring free ports: the web port and the one negotiation moves it to. */
async function portPair(): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p < 65000 && (await isPortFree(p + 1)) && (await isPortFree(p + 2))) return p;
  }
}

describe('composeSnapshot on the real stack', () => {
  const admin = generateKeyPair();
  let w: TestWorker;
  let db: Connection;
  let dataDir: string;
  // Where the test signals a composed service: outside the data dir, which services (run as mosaic-svc) must not read.
  let markers: string;
  let hostRoot: string;
  let web: number;
  let analytics: number;
  // The example templates and host, on ports free on this machine.
  const onPorts = (text: string) =>
    text
      .replaceAll('18080', String(web))
      .replaceAll('18090', String(analytics))
      .replaceAll('18091', String(analytics + 1));

  beforeAll(async () => {
    const uri = `mongodb://127.0.0.1:${process.env.MOSAIC_MONGODB_PORT}/snapshot_${randomUUID().slice(0, 8)}`;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-snapshot-'));
    markers = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-markers-'));
    fs.chmodSync(markers, 0o755);
    hostRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-host-'));
    fs.cpSync(path.join(EXAMPLES, 'hosts', 'production_server_1'), hostRoot, { recursive: true });
    web = await portPair();
    analytics = await portPair();
    const conf = path.join(hostRoot, 'var/app/config/app.conf');
    fs.writeFileSync(conf, onPorts(fs.readFileSync(conf, 'utf8')));
    w = await startTestWorker({
      MOSAIC_MONGODB_URI: uri,
      MOSAIC_DATA_DIR: dataDir,
      MOSAIC_SNAPSHOT_MONITOR_SECONDS: '1',
      MOSAIC_BOOTSTRAP_ADMIN_KEY: admin.publicKeyPem,
    });
    db = await mongoose.createConnection(uri).asPromise();
    for (const t of ['template_a', 'template_b'])
      await w.client.snapshots.catalog({ operation: 'template.create', template: JSON.parse(onPorts(example(`${t}.json`))) });
    const host = JSON.parse(onPorts(example('production_server_1.host.json')));
    await registerHost(w.client, admin, { ...host, root: hostRoot });
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await w?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(markers, { recursive: true, force: true });
    fs.rmSync(hostRoot, { recursive: true, force: true });
  });

  const workspaceOf = () => fs.readdirSync(path.join(dataDir, 'resources', 'snapshots'));

  it('composes the specification example from two templates and a live host, runs it, and tears it down on cancel', async () => {
    const handle = await w.client.snapshots.compose(JSON.parse(example('custom-environment.json')));
    const status = await w.client.snapshots.waitFor(handle, ['running']);

    expect(status.sources.map((s) => [s.label, s.state])).toEqual([
      ['template_a', 'retrieved'],
      ['production_server_1', 'retrieved'],
      ['template_b', 'retrieved'],
    ]);
    const decisions = status.resolution!.decisions;
    expect(decisions.find((d) => d.kind === 'port')).toMatchObject({
      key: `port:${web}/tcp`,
      winner: 'production_server_1',
      adjusted: [`template_a → port:${web + 1}/tcp`],
    });
    expect(decisions.find((d) => d.kind === 'file')).toMatchObject({
      winner: 'production_server_1',
      adjusted: ['template_a → file:/var/app/config/app.conf.template_a'],
    });
    expect(decisions.find((d) => d.kind === 'env')).toMatchObject({
      key: 'env:LOG_LEVEL',
      winner: 'template_a',
      discarded: ['template_b'],
    });
    expect(decisions.find((d) => d.kind === 'package')).toMatchObject({ key: 'package:postgres', winner: 'template_a' });
    expect(status.resolution!.totals.cpu).toBeLessThanOrEqual(8);

    // The merged tree: the live host's config where it was, template_a's renamed beside it, pointing at its new port.
    const tree = path.join(status.provisioned!.workspace, 'fs', 'var/app');
    expect(fs.readFileSync(path.join(tree, 'config/app.conf'), 'utf8')).toContain('mode production');
    expect(fs.readFileSync(path.join(tree, 'config/app.conf.template_a'), 'utf8')).toBe(`listen ${web + 1}\nmode template\n`);
    expect(fs.existsSync(path.join(tree, 'data/seed.json'))).toBe(true);
    expect(status.provisioned!.volumes).toBe(2);
    // The package the composition kept is checked on this machine, which has no postgres: planned, never ignored.
    expect(status.provisioned!.packages).toEqual([
      expect.objectContaining({ name: 'postgres', version: '14.2.0', state: 'missing', plan: 'apt-get install -y postgres' }),
    ]);

    expect(status.services.map((s) => s.name).sort()).toEqual(['analytics', 'api', 'reports', 'web']);
    const answer = async (port: number) => (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { service: string };
    expect((await answer(web)).service).toBe('api');
    expect((await answer(web + 1)).service).toBe('web');
    expect(status.monitor!.services.every((s) => s.healthy)).toBe(true);
    const record = await compositionModel(db).findOne({ workflowId: handle.workflowId }).lean();
    expect(record!.observations.map((o) => o.key).sort()).toEqual(['service:analytics', 'service:api', 'service:reports', 'service:web']);
    // Each outcome is recorded with the placement it had, and the impact model is retrained from it.
    expect(record!.observations.map((o) => o.placement?.colocated)).toEqual([3, 3, 3, 3]);
    const stored = await impactModelModel(db).findOne({ _id: CURRENT_IMPACT_MODEL }).lean();
    expect(parseImpactModel(stored!.model).metrics['service:analytics']!.samples).toBeGreaterThanOrEqual(1);

    const final = await w.client.snapshots.cancel(handle.workflowId, 'test done');
    expect(final).toMatchObject({ state: 'cancelled', error: 'test done', teardown: { stopped: 4 } });
    expect(await canConnect(web)).toBe(false);
    expect(await canConnect(web + 1)).toBe(false);
    expect(workspaceOf()).toEqual([]);
    const described = await handle.describe();
    expect(described.searchAttributes.MosaicKind).toEqual(['snapshot']);
    await recordHistory(w.client.temporal, handle.workflowId, 'cancelled');
  });

  it('learns from the earlier run: the next composition predicts from it', async () => {
    const manifest = { ...JSON.parse(example('custom-environment.json')), name: 'second run' };
    const handle = await w.client.snapshots.compose(manifest);
    const status = await w.client.snapshots.waitFor(handle, ['running']);
    expect(status.resolution!.decisions.find((d) => d.kind === 'port')!.rule).toMatch(
      /predicted impact: health [\d.]+, CPU use [\d.]+ \(mean of \d+ runs?\)/,
    );
    await w.client.snapshots.cancel(handle.workflowId);
  });

  it('tears down what it made when a service fails its health check', async () => {
    const broken = {
      id: `broken_${randomUUID().slice(0, 6)}`,
      resources: [
        { kind: 'file', path: '/srv/readme', content: 'hello' },
        { kind: 'service', name: 'ok', ports: [analytics + 2] },
        {
          kind: 'service',
          name: 'crash',
          command: await registerCommand(w.client, admin, [process.execPath, '-e', 'process.exit(3)']),
          ports: [analytics + 2 + 1],
          dependsOn: ['service:ok'],
        },
      ],
    };
    await w.client.snapshots.catalog({ operation: 'template.create', template: broken });
    const handle = await w.client.snapshots.compose({
      name: 'broken',
      sources: [{ type: 'template', id: broken.id }],
      conflict_resolution: 'FIRST_WIN',
    });
    const failure = await failureOf(handle.result());
    expect(failure).toMatchObject({ type: 'ProviderRejected' });
    expect(failure.message).toMatch(/startService of crash was rejected \(HealthCheckFailed\)/);
    const status = await w.client.snapshots.status(handle.workflowId);
    expect(status).toMatchObject({ state: 'failed', teardown: { stopped: 1 } });
    expect(status.error).toMatch(/^start failed: /);
    expect(await canConnect(analytics + 2)).toBe(false);
    expect(workspaceOf()).toEqual([]);
    await recordHistory(w.client.temporal, handle.workflowId, 'compensated');
  });

  describe.each(['FIRST_WIN', 'LAST_WIN'] as const)('two sources asking for one port under %s', (strategy) => {
    it('ends with one healthy owner of the port, the other service left out with the rule that decided', async () => {
      const port = await freePort();
      const [a, b] = [`port_a_${randomUUID().slice(0, 6)}`, `port_b_${randomUUID().slice(0, 6)}`];
      // Written the way a user writes them: services with ports, no port resources, no negotiation possible under a rule.
      await w.client.snapshots.catalog({
        operation: 'template.create',
        template: { id: a, resources: [{ kind: 'service', name: 'front', ports: [port], healthCheck: { port, path: '/' } }] },
      });
      await w.client.snapshots.catalog({
        operation: 'template.create',
        template: { id: b, resources: [{ kind: 'service', name: 'back', ports: [port] }] },
      });
      const handle = await w.client.snapshots.compose({
        name: `collision ${strategy}`,
        sources: [
          { type: 'template', id: a },
          { type: 'template', id: b },
        ],
        conflict_resolution: strategy,
      });
      const status = await w.client.snapshots.waitFor(handle, ['running', 'degraded']);
      const [winner, loser, kept, gone] = strategy === 'FIRST_WIN' ? [a, b, 'front', 'back'] : [b, a, 'back', 'front'];
      expect(status.state).toBe('running');
      expect(status.resolution!.decisions).toEqual([
        expect.objectContaining({ kind: 'port', key: `port:${port}/tcp`, winner, discarded: [loser] }),
      ]);
      expect(status.resolution!.decisions[0]!.rule).toMatch(new RegExp(`^${strategy}: ${winner} is sources`));
      expect(status.resolution!.dropped).toEqual([
        {
          source: loser,
          key: `service:${gone}`,
          reason: expect.stringMatching(new RegExp(`^needs port:${port}/tcp, which went to ${winner} \\(${strategy}`)),
        },
      ]);
      expect(status.provisioned!.ports).toEqual([port]);
      expect(status.services.map((x) => x.name)).toEqual([kept]);
      expect(status.health).toEqual([{ name: kept, healthy: true }]);
      expect(((await (await fetch(`http://127.0.0.1:${port}/`)).json()) as { service: string }).service).toBe(kept);
      const final = await w.client.snapshots.cancel(handle.workflowId);
      expect(final.teardown).toMatchObject({ stopped: 1, services: { stopped: [kept], exited: [] } });
    });
  });

  it('goes degraded with the reason when a service dies after it started, and cancel says it had exited', async () => {
    const [stays, dies] = [await freePort(), await freePort()];
    const id = `dies_${randomUUID().slice(0, 6)}`;
    const marker = path.join(markers, `${id}.die`);
    // Healthy until the test creates the marker file, then it exits with a message in its log.
    const dying = `const fs=require('node:fs');require('node:http').createServer((q,r)=>r.end('ok')).listen(+process.env.PORT,'127.0.0.1');setInterval(()=>{if(fs.existsSync(${JSON.stringify(marker)})){console.error('giving up: marker found');process.exit(4)}},100)`;
    await w.client.snapshots.catalog({
      operation: 'template.create',
      template: {
        id,
        resources: [
          { kind: 'service', name: 'stays', ports: [stays] },
          {
            kind: 'service',
            name: 'dies',
            ports: [dies],
            command: await registerCommand(w.client, admin, [process.execPath, '-e', dying]),
          },
        ],
      },
    });
    const handle = await w.client.snapshots.compose({
      name: 'dies',
      sources: [{ type: 'template', id }],
      conflict_resolution: 'FIRST_WIN',
    });
    expect((await w.client.snapshots.waitFor(handle, ['running', 'degraded'])).state).toBe('running');
    fs.writeFileSync(marker, '');
    const degraded = await w.client.snapshots.waitFor(handle, ['degraded']);
    expect(degraded.health).toEqual([
      { name: 'stays', healthy: true },
      {
        name: 'dies',
        healthy: false,
        kind: 'exited',
        reason: expect.stringMatching(/^process \d+ exited; last log line: giving up: marker found$/),
      },
    ]);
    expect((await handle.describe()).searchAttributes.MosaicState).toEqual(['degraded']);
    // The watch keeps Prometheus current per service while the composition runs, and forgets it at teardown.
    const up = async () =>
      (await registry.getSingleMetric('mosaic_snapshot_service_up')!.get()).values
        .filter((v) => v.labels.composition === handle.workflowId)
        .map((v) => [v.labels.service, v.value])
        .sort();
    await eventually(async () =>
      expect(await up()).toEqual([
        ['dies', 0],
        ['stays', 1],
      ]),
    );
    const final = await w.client.snapshots.cancel(handle.workflowId);
    expect(final.teardown).toMatchObject({ stopped: 1, services: { stopped: ['stays'], exited: ['dies'] } });
    expect(await up()).toEqual([]);
    await recordHistory(w.client.temporal, handle.workflowId, 'degraded');
  });

  it('runs services under their allocation, and a service over its memory limit is stopped by the kernel and reported', async () => {
    const [port, hog] = [await freePort(), await freePort()];
    const id = `hog_${randomUUID().slice(0, 6)}`;
    const marker = path.join(markers, `${id}.eat`);
    // Serves, until the marker appears; then it allocates (and touches) memory far past its 96MiB.
    const eater = `const fs=require('node:fs');require('node:http').createServer((q,r)=>r.end('ok')).listen(+process.env.PORT,'127.0.0.1');const a=[];setInterval(()=>{if(fs.existsSync(${JSON.stringify(marker)}))a.push(Buffer.alloc(32<<20,1))},50)`;
    await w.client.snapshots.catalog({
      operation: 'template.create',
      template: {
        id,
        resources: [
          { kind: 'service', name: 'steady', ports: [port], cpu: '250m', memory: '128MiB' },
          {
            kind: 'service',
            name: 'hog',
            ports: [hog],
            cpu: '0.5',
            memory: '96MiB',
            command: await registerCommand(w.client, admin, [process.execPath, '-e', eater]),
          },
        ],
      },
    });
    const handle = await w.client.snapshots.compose({ name: 'hog', sources: [{ type: 'template', id }], conflict_resolution: 'FIRST_WIN' });
    const up = await w.client.snapshots.waitFor(handle, ['running', 'degraded']);
    expect(up.state).toBe('running');
    const limits = up.services.map((x) => x.limits!);
    // This machine offers cgroups (v1 or v2): both limits are the kernel's, and the status says which and what.
    for (const l of limits) expect(['cgroup-v1', 'cgroup-v2']).toContain(l.memory);
    expect(limits[0]!.detail).toMatch(/128MiB/);
    expect(limits[1]!.detail).toMatch(/96MiB/);
    expect(limits[1]!.detail).toMatch(/50000\/100000 \(0\.5 cores\)/);

    fs.writeFileSync(marker, '');
    const degraded = await w.client.snapshots.waitFor(handle, ['degraded']);
    expect(degraded.health!.find((h) => h.name === 'hog')).toEqual({
      name: 'hog',
      healthy: false,
      kind: 'memory-limit',
      reason: expect.stringMatching(/^killed by the kernel: over its memory limit of 96MiB \(cgroup-v[12]\)$/),
    });
    expect(degraded.health!.find((h) => h.name === 'steady')).toEqual({ name: 'steady', healthy: true });
    const final = await w.client.snapshots.cancel(handle.workflowId);
    expect(final.teardown).toMatchObject({ stopped: 1, services: { stopped: ['steady'], exited: ['hog'] } });
  });

  it('restores the volumes a local host declares from their directories', async () => {
    const name = `vol_host_${randomUUID().slice(0, 6)}`;
    await registerHost(w.client, admin, {
      name,
      provider: 'local',
      root: hostRoot,
      allowedPaths: ['/var/app'],
      volumes: [{ name: 'appdata', path: '/var/app/data', size: '1GiB' }],
    });
    const handle = await w.client.snapshots.compose({
      name: 'volumes',
      sources: [{ type: 'live', host: name, path: '/var/app/config' }],
      conflict_resolution: 'FIRST_WIN',
    });
    const status = await w.client.snapshots.waitFor(handle, ['running', 'degraded']);
    expect(status.provisioned!.volumes).toBe(1);
    const restored = path.join(status.provisioned!.workspace, 'volumes', 'appdata', 'seed.json');
    expect(fs.readFileSync(restored, 'utf8')).toBe(fs.readFileSync(path.join(hostRoot, 'var/app/data/seed.json'), 'utf8'));
    expect(status.resolution!.totals.disk).toBeGreaterThanOrEqual(2 ** 30);
    await w.client.snapshots.cancel(handle.workflowId);
    expect(workspaceOf()).toEqual([]);
  });

  it('refuses an unknown template before retrieving anything', async () => {
    const handle = await w.client.snapshots.compose({ name: 'x', sources: [{ type: 'template', id: 'no_such_template' }] });
    expect(await failureOf(handle.result())).toEqual({
      type: 'TemplateNotFound',
      message: 'template no_such_template does not exist; create it with `mosaic snapshot template create <file>` or fix sources[].id',
    });
    expect(await captureModel(db).countDocuments({ workflowId: handle.workflowId })).toBe(0);
  });

  it('refuses a live path outside the host roots and an unregistered host', async () => {
    const outside = await w.client.snapshots.compose({
      name: 'x',
      sources: [{ type: 'live', host: 'production_server_1', path: '/var/app/../../etc' }],
    });
    expect(await failureOf(outside.result())).toMatchObject({ type: 'PathOutsideRoots' });
    expect((await w.client.snapshots.status(outside.workflowId)).state).toBe('failed');
    const unknown = await w.client.snapshots.compose({ name: 'x', sources: [{ type: 'live', host: 'nowhere', path: '/var/app' }] });
    expect(await failureOf(unknown.result())).toMatchObject({
      type: 'HostUnavailable',
      message: expect.stringMatching(/^host nowhere is not registered/),
    });
  });

  it('refuses limits nothing can fit, saying what the required services need', async () => {
    const handle = await w.client.snapshots.compose({
      ...JSON.parse(example('custom-environment.json')),
      resource_limits: { cpu: '2 cores' },
    });
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('LimitsUnsatisfiable');
    expect(failure.message).toMatch(/at their smallest they need 5 cores/);
    expect(workspaceOf()).toEqual([]);
  });

  it('validates the manifest in the client, naming the field', async () => {
    await expect(
      w.client.snapshots.compose({ name: 'x', sources: [{ type: 'template', id: 'a' }], resource_limits: { memory: '4 gigs' } }),
    ).rejects.toThrow(ManifestInvalid);
  });

  it('keeps templates immutable: the same content again is a no-op, other content is refused', async () => {
    const template = JSON.parse(onPorts(example('template_a.json')));
    expect(await w.client.snapshots.catalog({ operation: 'template.create', template })).toEqual({ id: 'template_a', created: false });
    const changed = { ...template, description: 'changed' };
    expect(await failureOf(w.client.snapshots.catalog({ operation: 'template.create', template: changed }))).toMatchObject({
      type: 'TemplateExists',
    });
    const list = await w.client.snapshots.catalog({ operation: 'template.list' });
    expect(list.find((t) => t.id === 'template_a')).toMatchObject({ resources: 7 });
    for await (const run of w.client.temporal.workflow.list({
      query: `TaskQueue = '${w.taskQueue}' AND WorkflowType = 'manageSnapshotCatalog' AND ExecutionStatus = 'Completed'`,
    })) {
      await recordHistory(w.client.temporal, run.workflowId, 'template');
      break;
    }
  });
});
