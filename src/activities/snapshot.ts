import { ApplicationFailure, Context } from '@temporalio/activity';
import path from 'node:path';
import highsLoader from 'highs';
import type { Connection } from 'mongoose';
import type { Config } from '../config';
import {
  captureModel,
  compositionModel,
  CURRENT_IMPACT_MODEL,
  hostModel,
  impactModelModel,
  templateModel,
  type StoredHost,
} from '../models/snapshot';
import { metrics as prometheus } from '../observability/metrics';
import type { AwsProvider } from '../providers/aws';
import type { RestoredVolume } from '../providers/aws/volumes';
import { ProviderRejected } from '../providers/errors';
import { captureLocalHost } from '../providers/local-capture';
import { captureSshHost, copySshFiles, copySshVolume, type SshFileToCopy } from '../providers/ssh-capture';
import { localHostAdjuster } from '../providers/local-adjuster';
import { checkPackages, type PackageCheck } from '../providers/package-check';
import { LocalWorkspace, type StartedService, type TeardownReport } from '../providers/local-workspace';
import type { ServiceHealth } from '../providers/service-health';
import { HostUnavailable, ManifestInvalid, SnapshotError, TemplateExists, TemplateNotFound } from '../snapshot/errors';
import type { Placed } from '../snapshot/graph';
import { parseImpactModel, placementsOf, trainImpactModel, type ImpactModel, type ServiceObservation } from '../snapshot/impact';
import { parseManifest, type Manifest } from '../snapshot/manifest';
import type { MilpSolver } from '../snapshot/milp';
import { declaredAdjuster } from '../snapshot/adjustment';
import { resolveSnapshots } from '../snapshot/resolve';
import { keyOf, resourceSchema, type Resource, type ServiceResource, type Snapshot } from '../snapshot/resources';
import { REF_PATTERN } from '../security/governed';
import { SecurityError } from '../security/errors';
import { summarise, type ResolutionSummary } from '../snapshot/summary';
import { parseTemplate, type Host } from '../snapshot/template';
import type { CatalogOperation, CatalogRequest, CatalogViews } from '../contract/snapshot';
import { nonRetryable, withStorage } from './errors';
import { createGovernedStore } from './governed-store';

export type ManifestSource = Manifest['sources'][number];

export interface SourceRetrieved {
  label: string;
  resources: number;
  files: number;
  services: number;
}

export interface Provisioned {
  workspace: string;
  files: number;
  volumes: number;
  ports: number[];
  /** Every package the composition declares, checked on this machine: installed, or what is planned for it. */
  packages?: PackageCheck[];
  /** Volumes captured from AWS hosts, restored from their EBS snapshots and attached. */
  restored?: RestoredVolume[];
  /** Volumes of SSH hosts, their regular files copied in and checked against the host's sha256 (links and special files are not). */
  copiedVolumes?: CopiedVolume[];
}

export interface CopiedVolume {
  name: string;
  host: string;
  files: number;
  bytes: number;
  /** Symlinks, sockets and other non-regular entries left out. */
  skipped: number;
}

/** Restored volumes are tagged under this prefix per source, so teardown finds exactly them. */
const restorePrefix = (workflowId: string, sourceIndex: number) => `${workflowId}/${sourceIndex}/restore`;

export interface MonitorReport {
  windowSeconds: number;
  services: (ServiceHealth & { cpuCores: number; rssBytes: number })[];
  diskBytes: number;
}

export interface TeardownResult {
  /** How many services were running and were ended. */
  stopped: number;
  snapshotsDeleted: number;
  /** EBS volumes restored from those snapshots, detached and deleted. */
  volumesDeleted?: number;
  /** By name: which were stopped, which had already exited. */
  services: TeardownReport;
}

/** How long one watch runs when nothing changes: it returns before its start-to-close timeout, and the workflow starts the next. */
const WATCH_SECONDS = 50 * 60;
const WATCH_INTERVAL_MS = 1000;

const sameHealth = (a: ServiceHealth[], b: ServiceHealth[]) =>
  a.length === b.length && a.every((x, i) => x.name === b[i]!.name && x.healthy === b[i]!.healthy && x.kind === b[i]!.kind);

/** Compositions the impact model is trained on, newest first: with MAX_TRAINING, what bounds one retrain. */
const OBSERVATIONS_LEARNED_FROM = 200;

/** Domain errors end the run with their stable type; storage and provider outages retry. */
async function domain<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SnapshotError || err instanceof ProviderRejected || err instanceof SecurityError) throw nonRetryable(err);
    throw err;
  }
}

function heartbeat(details: unknown): void {
  Context.current().heartbeat(details);
}

export function createSnapshotActivities(deps: { connection: Connection; config: Config; aws?: AwsProvider }) {
  const { connection, config, aws } = deps;
  const templates = templateModel(connection);
  const hosts = hostModel(connection);
  const captures = captureModel(connection);
  const compositions = compositionModel(connection);
  const impactModels = impactModelModel(connection);
  const workspace = new LocalWorkspace(config.dataDir);
  let solver: Promise<MilpSolver> | undefined;

  const governed = createGovernedStore(connection);
  const host = (name: string): Promise<Host> => withStorage('read host', () => governed.host(name));

  // Where a file's origin may be copied from: the template files root, and what registered local hosts allow to be captured.
  const templateFilesRoot = LocalWorkspace.templateFilesRoot(config.dataDir);
  const originRoots = async (): Promise<string[]> => {
    const local = (await withStorage('read hosts', () => governed.localHosts())).flatMap((h) => (h.provider === 'local' ? [h] : []));
    return [templateFilesRoot, ...local.flatMap((h) => h.allowedPaths.map((p) => path.join(h.root, p)))];
  };

  /**
   * Registered commands and files replaced by what they registered, each
   * checked against its signed registration now: a service runs the command
   * line an operator signed, a template file is copied from the registered
   * path and must have the registered content.
   */
  const resolveGoverned = (resources: Resource[], field: (i: number) => string): Promise<Resource[]> =>
    withStorage('read registrations', () =>
      Promise.all(
        resources.map(async (r, i) => {
          if (r.kind === 'service' && typeof r.command === 'string') return { ...r, command: (await governed.command(r.command)).argv };
          if (r.kind === 'file' && r.origin !== undefined && REF_PATTERN.test(r.origin)) {
            const file = await governed.file(r.origin);
            if (file.sha256 !== r.hash)
              throw new ManifestInvalid(
                `${field(i)}.hash`,
                `the registered file ${r.origin} has sha256 ${file.sha256}, not ${r.hash}: give its hash, or register the content you mean as a new version`,
              );
            return { ...r, origin: file.path };
          }
          return r;
        }),
      ),
    );

  const resolution = async (workflowId: string) => {
    const row = await withStorage('read composition', () => compositions.findOne({ workflowId }).lean());
    if (!row?.resolution)
      throw ApplicationFailure.nonRetryable(`composition ${workflowId} has not been resolved`, 'CompositionNotResolved');
    return row.resolution;
  };

  /** Trained on the recorded outcomes of the latest compositions, oldest first, as the model's features assume. */
  const trainOnRecorded = async (): Promise<ImpactModel> => {
    const recent = await withStorage('read outcomes', () =>
      compositions
        .find({ 'observations.0': { $exists: true } }, { observations: 1 })
        .sort({ updatedAt: -1 })
        .limit(OBSERVATIONS_LEARNED_FROM)
        .lean(),
    );
    return trainImpactModel(recent.reverse().flatMap((r) => r.observations as ServiceObservation[]));
  };

  /** The stored model; trained from the records when none is stored yet (outcomes recorded before the model existed). */
  const currentImpactModel = async (): Promise<ImpactModel> => {
    const stored = await withStorage('read impact model', () => impactModels.findOne({ _id: CURRENT_IMPACT_MODEL }).lean());
    return stored ? parseImpactModel(stored.model) : trainOnRecorded();
  };

  /**
   * Files a capture carried by reference from SSH hosts (`ssh://<host><path>`),
   * and SSH hosts' volumes, copied into the workspace and checked against
   * their hashes; their origins then point at the copies, so provisioning
   * writes them as any other file or local volume.
   */
  const copyFromSshHosts = async (
    workflowId: string,
    placed: Placed[],
  ): Promise<{ placed: Placed[]; roots: string[]; volumes: CopiedVolume[] }> => {
    const remote = (r: Resource) =>
      (r.kind === 'file' || r.kind === 'volume') && r.origin?.startsWith('ssh://') ? /^ssh:\/\/([^/]+)(\/.*)$/.exec(r.origin) : null;
    const byHost = new Map<string, { files: SshFileToCopy[]; volumes: { name: string; path: string }[] }>();
    for (const { resource: r } of placed) {
      const m = remote(r);
      if (!m) continue;
      const wanted = byHost.get(m[1]!) ?? { files: [], volumes: [] };
      if (r.kind === 'file') wanted.files.push({ path: m[2]!, hash: r.hash, size: r.size });
      else if (r.kind === 'volume') wanted.volumes.push({ name: r.name, path: m[2]! });
      byHost.set(m[1]!, wanted);
    }
    if (!byHost.size) return { placed, roots: [], volumes: [] };
    const root = path.join(workspace.dir(workflowId), 'ssh-copies');
    const volumes: CopiedVolume[] = [];
    for (const [name, wanted] of byHost) {
      const h = await host(name);
      if (h.provider !== 'ssh')
        throw new HostUnavailable(`a resource's origin names host ${name}, which is not an SSH host; capture it again`);
      const progress = (step: string) => heartbeat({ step });
      await copySshFiles(h, wanted.files, path.join(root, name), config.snapshot.sshKeyDir, progress);
      for (const v of wanted.volumes)
        volumes.push({
          name: v.name,
          host: name,
          ...(await copySshVolume(h, v, path.join(root, name), config.snapshot.sshKeyDir, progress)),
        });
    }
    return {
      placed: placed.map((p) => {
        const m = remote(p.resource);
        if (!m) return p;
        const copy = path.join(root, m[1]!, m[2]!);
        return { ...p, resource: { ...p.resource, origin: p.resource.kind === 'volume' ? `local:${copy}` : copy } as Resource };
      }),
      roots: [root],
      volumes,
    };
  };

  // One handler per catalog operation, each typed by its operation's answer.
  const catalog: { [K in CatalogOperation]: (request: CatalogRequest<K>) => Promise<CatalogViews[K]> } = {
    'template.create': async (request) => {
      const t = parseTemplate(request.template);
      // Refused at once, not at the first composition: a command or file nobody registered, or a hash that is not the registered one.
      await resolveGoverned(t.resources, (i) => `resources[${i}]`);
      const existing = await templates.findOne({ id: t.id }, { _id: 0, createdAt: 0 }).lean();
      if (existing) {
        if (JSON.stringify(parseTemplate(existing)) === JSON.stringify(t)) return { id: t.id, created: false };
        throw new TemplateExists(t.id);
      }
      await templates.updateOne({ id: t.id }, { $setOnInsert: { ...t, createdAt: new Date() } }, { upsert: true });
      return { id: t.id, created: true };
    },
    'template.list': async () =>
      (await templates.find({}, { _id: 0, id: 1, description: 1, tags: 1, resources: 1, createdAt: 1 }).sort({ id: 1 }).lean()).map(
        (t) => ({
          id: t.id,
          description: t.description,
          tags: t.tags,
          resources: t.resources.length,
          createdAt: t.createdAt.toISOString(),
        }),
      ),
    'template.show': async (request) => {
      const t = await templates.findOne({ id: request.id }, { _id: 0 }).lean();
      if (!t) throw new TemplateNotFound(request.id);
      return { ...t, createdAt: t.createdAt.toISOString() };
    },
    'host.list': async () =>
      // The signed registration stays out: who registered a host is what a reader needs.
      (await hosts.find({}, { _id: 0, registration: 0 }).sort({ name: 1 }).lean<StoredHost[]>()).map(({ registration, ...h }) => ({
        ...h,
        registeredAt: h.registeredAt.toISOString(),
      })),
  };

  return {
    /** Templates and hosts: create, list, show. A template id is immutable once created. */
    async snapshotCatalog<K extends CatalogOperation>(request: CatalogRequest<K>): Promise<CatalogViews[K]> {
      return domain(() => withStorage('snapshot catalog', () => catalog[request.operation](request)));
    },

    /** The manifest, and every template and host it names exists: nothing is retrieved for a composition that cannot run. */
    async validateSnapshotManifest(input: unknown): Promise<{ manifest: Manifest; monitorSeconds: number }> {
      return domain(async () => {
        const manifest = parseManifest(input);
        for (const s of manifest.sources) {
          if (s.type === 'template') {
            if (!(await withStorage('read template', () => templates.exists({ id: s.id })))) throw new TemplateNotFound(s.id);
          } else {
            const h = await host(s.host);
            if (h.provider === 'aws' && !aws)
              throw new HostUnavailable(
                `host ${h.name} is on AWS, and the aws provider is not configured on this worker; set MOSAIC_AWS_REGION`,
              );
          }
        }
        return { manifest, monitorSeconds: config.snapshot.monitorSeconds };
      });
    },

    /** One source's resources, stored for the resolve step; heartbeats as files are hashed. */
    async retrieveSnapshotSource(input: { workflowId: string; source: ManifestSource }): Promise<SourceRetrieved> {
      const { workflowId, source } = input;
      return domain(async () => {
        let resources: Resource[];
        if (source.type === 'template') {
          const t = await withStorage('read template', () => templates.findOne({ id: source.id }, { _id: 0, createdAt: 0 }).lean());
          if (!t) throw new TemplateNotFound(source.id);
          resources = await resolveGoverned(parseTemplate(t).resources, (i) => `template ${source.id} resources[${i}]`);
        } else {
          const h = await host(source.host);
          if (h.provider === 'local')
            resources = await resolveGoverned(
              await captureLocalHost(h, source.path, (files) => heartbeat({ files })),
              (i) => `host ${h.name} resources[${i}]`,
            );
          else if (h.provider === 'ssh')
            resources = await captureSshHost(h, source.path, config.snapshot.sshKeyDir, (step) => heartbeat({ step }));
          else {
            if (!aws) throw new HostUnavailable(`host ${h.name} is on AWS, and the aws provider is not configured on this worker`);
            resources = (
              await aws
                .captureInstance(h.region, { instanceId: h.instanceId, key: `${workflowId}/${source.index}`, name: h.name })
                .catch((err) => {
                  if (err instanceof ProviderRejected)
                    throw new HostUnavailable(`host ${h.name} (${h.instanceId}) cannot be captured: ${err.message}`);
                  throw err;
                })
            ).resources;
          }
        }
        const { index, label, type, priority, tags } = source;
        await withStorage('store capture', () =>
          captures.updateOne(
            { _id: `${workflowId}/${index}` },
            { $set: { workflowId, source: { index, label, type, priority, tags }, resources, capturedAt: new Date() } },
            { upsert: true },
          ),
        );
        return {
          label,
          resources: resources.length,
          files: resources.filter((r) => r.kind === 'file').length,
          services: resources.filter((r) => r.kind === 'service').length,
        };
      });
    },

    /** Conflicts found and resolved under the manifest's strategy; the whole resolution is stored, a summary returned. */
    async resolveSnapshotComposition(input: { workflowId: string; manifest: Manifest }): Promise<ResolutionSummary> {
      const { workflowId, manifest } = input;
      return domain(async () => {
        const rows = await withStorage('read captures', () => captures.find({ workflowId }).lean());
        const snapshots: Snapshot[] = manifest.sources.map((s) => {
          const row = rows.find((r) => r.source.index === s.index);
          if (!row) throw ApplicationFailure.nonRetryable(`source ${s.label} was not retrieved`, 'SourceNotRetrieved');
          return { source: row.source, resources: row.resources.map((r) => resourceSchema.parse(r)) };
        });
        const hostProviders = new Map<string, StoredHost['provider']>();
        for (const s of manifest.sources) if (s.type === 'live') hostProviders.set(s.label, (await host(s.host)).provider);
        const resolved = await resolveSnapshots(snapshots, manifest.strategy, manifest.limits, async () => {
          const impact = await currentImpactModel();
          solver ??= highsLoader() as unknown as Promise<MilpSolver>;
          return {
            impact,
            adjusterFor: (s) => (s.type === 'live' && hostProviders.get(s.label) === 'local' ? localHostAdjuster : declaredAdjuster),
            solver: await solver,
          };
        });
        await withStorage('store resolution', () =>
          compositions.updateOne(
            { workflowId },
            {
              $set: {
                manifest: manifest as unknown as Record<string, unknown>,
                resolution: resolved,
                placements: placementsOf(snapshots, resolved.resources),
                state: 'resolved',
                updatedAt: new Date(),
              },
              $setOnInsert: { services: [], observations: [] },
            },
            { upsert: true },
          ),
        );
        for (const d of resolved.decisions) prometheus.snapshotConflict(d.kind, resolved.strategy);
        return summarise(resolved);
      });
    },

    /** The merged tree written into the workspace, volumes made, ports checked free. */
    async provisionSnapshotWorkspace(input: { workflowId: string }): Promise<Provisioned> {
      return domain(async () => {
        const { resources } = await resolution(input.workflowId);
        const services = resources.filter((p: Placed) => p.resource.kind === 'service').map((p: Placed) => p.resource as ServiceResource);
        const ports = await workspace.reservePorts(input.workflowId, services);
        const copied = await copyFromSshHosts(input.workflowId, resources);
        const made = await workspace.materialise(input.workflowId, copied.placed, (files) => heartbeat({ files }), [
          ...(await originRoots()),
          ...copied.roots,
        ]);
        const packages = await checkPackages(
          resources.flatMap((p: Placed) => (p.resource.kind === 'package' ? [{ name: p.resource.name, version: p.resource.version }] : [])),
        );
        await withStorage('record workspace', () =>
          compositions.updateOne(
            { workflowId: input.workflowId },
            { $set: { workspace: made.workspace, state: 'provisioned', updatedAt: new Date() } },
          ),
        );
        const restored: RestoredVolume[] = [];
        for (const p of resources as Placed[]) {
          if (p.resource.kind !== 'volume' || !p.resource.origin?.startsWith('aws:snap-')) continue;
          const h = await host(p.source);
          if (h.provider !== 'aws' || !aws)
            throw new HostUnavailable(`volume ${p.resource.name} comes from ${p.source}, which is not an AWS host on this worker`);
          heartbeat({ restoring: p.resource.name });
          restored.push(
            await aws.restoreVolume(h.region, {
              key: `${restorePrefix(input.workflowId, p.sourceIndex)}/${p.resource.name}`,
              name: p.resource.name,
              snapshotId: p.resource.origin.slice('aws:'.length),
              instanceId: h.restoreTo ?? h.instanceId,
            }),
          );
        }
        return { ...made, ports, packages, restored, ...(copied.volumes.length ? { copiedVolumes: copied.volumes } : {}) };
      });
    },

    /** Starts the composed services, dependencies first, each healthy before the next. */
    async startSnapshotServices(input: { workflowId: string }): Promise<StartedService[]> {
      return domain(async () => {
        const { resources } = await resolution(input.workflowId);
        const env = Object.fromEntries(
          resources.flatMap((p: Placed) => (p.resource.kind === 'env' ? [[p.resource.name, p.resource.value]] : [])),
        );
        const pending = resources.filter((p: Placed) => p.resource.kind === 'service').map((p: Placed) => p.resource as ServiceResource);
        const started: StartedService[] = [];
        while (pending.length) {
          const ready = pending.findIndex((s) =>
            s.dependsOn
              .filter((d) => d.startsWith('service:'))
              .every((d) => started.some((x) => x.key === d) || !pending.some((p) => keyOf(p) === d)),
          );
          const [service] = pending.splice(Math.max(0, ready), 1);
          heartbeat({ starting: service!.name });
          started.push(await workspace.startService(input.workflowId, service!, env, keyOf(service!)));
          await withStorage('record services', () =>
            compositions.updateOne(
              { workflowId: input.workflowId },
              { $set: { services: started, state: 'started', updatedAt: new Date() } },
            ),
          );
        }
        return started;
      });
    },

    /** CPU, memory and disk over the window, recorded as observations the agent learns from. */
    async monitorSnapshot(input: { workflowId: string; windowSeconds: number }): Promise<MonitorReport> {
      const { workflowId, windowSeconds } = input;
      const row = await withStorage('read composition', () => compositions.findOne({ workflowId }).lean());
      const services = (row?.services ?? []) as StartedService[];
      const requested = new Map<string, ServiceResource>(
        (row?.resolution?.resources ?? [])
          .filter((p: Placed) => p.resource.kind === 'service')
          .map((p: Placed) => [keyOf(p.resource), p.resource as ServiceResource]),
      );
      const before = new Map(services.map((s) => [s.key, workspace.usage(s.pid)]));
      const started = Date.now();
      const peakRss = new Map<string, number>();
      while (Date.now() - started < windowSeconds * 1000) {
        await new Promise((r) => setTimeout(r, Math.min(1000, windowSeconds * 1000)));
        for (const s of services) peakRss.set(s.key, Math.max(peakRss.get(s.key) ?? 0, workspace.usage(s.pid)?.rssBytes ?? 0));
        heartbeat({ elapsedMs: Date.now() - started });
      }
      const elapsed = (Date.now() - started) / 1000;
      const report: MonitorReport = { windowSeconds, diskBytes: workspace.diskUsage(workflowId), services: [] };
      const observations: ServiceObservation[] = [];
      for (const s of services) {
        const [a, b] = [before.get(s.key), workspace.usage(s.pid)];
        const cpuCores = a && b ? (b.cpuSeconds - a.cpuSeconds) / elapsed : 0;
        // Alive, holding its own port, and answering there.
        const health = await workspace.health(workflowId, s);
        report.services.push({ ...health, cpuCores: Math.round(cpuCores * 1000) / 1000, rssBytes: peakRss.get(s.key) ?? 0 });
        if (!health.healthy) prometheus.snapshotServiceUnhealthy(health.kind!);
        const asked = requested.get(s.key);
        const placement = row?.placements?.[s.key];
        observations.push({
          key: s.key,
          healthy: health.healthy,
          cpuUse: Math.min(1, cpuCores / Math.max(0.001, asked?.cpu ?? 1)),
          ...(asked && asked.memory > 0 ? { memoryUse: (peakRss.get(s.key) ?? 0) / asked.memory } : {}),
          ...(placement ? { placement } : {}),
        });
      }
      await withStorage('record observations', () =>
        compositions.updateOne({ workflowId }, { $set: { observations, state: 'monitored', updatedAt: new Date() } }),
      );
      // Retrained on every new outcome, so the next AI_AGENT resolution decides with it.
      const model = await trainOnRecorded();
      await withStorage('store impact model', () =>
        impactModels.updateOne({ _id: CURRENT_IMPACT_MODEL }, { $set: { model, trainedAt: new Date() } }, { upsert: true }),
      );
      prometheus.outcome('snapshot', 'running');
      return report;
    },

    /**
     * Until a service's health changes (it exits, is killed over its memory
     * limit, loses its port, stops answering, or recovers), or WATCH_SECONDS
     * pass: the services' health then, against `reported`, the health the
     * workflow last saw. Cancelled with the composition, through heartbeats.
     */
    async watchSnapshotServices(input: { workflowId: string; reported: ServiceHealth[] }): Promise<ServiceHealth[]> {
      const { workflowId, reported } = input;
      const row = await withStorage('read composition', () => compositions.findOne({ workflowId }, { services: 1 }).lean());
      const services = (row?.services ?? []) as StartedService[];
      const started = Date.now();
      let last = new Map(services.map((s) => [s.key, { at: Date.now(), usage: workspace.usage(s.pid) }]));
      for (;;) {
        // Torn down meanwhile (the cancel reaches this attempt only with its next heartbeat): nothing left to watch or report.
        if (!workspace.exists(workflowId)) return reported;
        const now = await Promise.all(services.map((s) => workspace.health(workflowId, s)));
        // CPU over the last interval and resident memory, per service, for Prometheus while the composition runs.
        const readings = new Map(services.map((s) => [s.key, { at: Date.now(), usage: workspace.usage(s.pid) }]));
        services.forEach((s, i) => {
          const [a, b] = [last.get(s.key), readings.get(s.key)!];
          const seconds = a ? (b.at - a.at) / 1000 : 0;
          const cpuCores = a?.usage && b.usage && seconds > 0 ? (b.usage.cpuSeconds - a.usage.cpuSeconds) / seconds : 0;
          prometheus.snapshotService(workflowId, s.name, now[i]!.healthy, b.usage && { cpuCores, rssBytes: b.usage.rssBytes });
        });
        last = readings;
        if (!sameHealth(now, reported) || Date.now() - started > WATCH_SECONDS * 1000) {
          for (const h of now)
            if (!h.healthy && !reported.some((r) => r.name === h.name && !r.healthy)) prometheus.snapshotServiceUnhealthy(h.kind!);
          return now;
        }
        heartbeat({ checkedAt: new Date().toISOString() });
        await Context.current().sleep(WATCH_INTERVAL_MS);
      }
    },

    /** Ends what the composition started and removes what it made; harmless to repeat, and on nothing. */
    async teardownSnapshot(input: { workflowId: string; state: string }): Promise<TeardownResult> {
      const services = await workspace.teardown(input.workflowId);
      prometheus.forgetSnapshot(input.workflowId, [...services.stopped, ...services.exited]);
      let snapshotsDeleted = 0;
      let volumesDeleted = 0;
      const rows = await withStorage('read captures', () => captures.find({ workflowId: input.workflowId, 'source.type': 'live' }).lean());
      for (const r of rows) {
        const volumes = r.resources.filter((x) => x.kind === 'volume' && x.origin?.startsWith('aws:'));
        if (!volumes.length || !aws) continue;
        const h = await host(r.source.label);
        if (h.provider !== 'aws') continue;
        // The restored volumes first: they were made from these snapshots for this composition.
        volumesDeleted += await aws.deleteRestoredVolumes(h.region, restorePrefix(input.workflowId, r.source.index));
        snapshotsDeleted += await aws.deleteCaptureSnapshots(h.region, `${input.workflowId}/${r.source.index}`);
      }
      await withStorage('record teardown', () =>
        compositions.updateOne({ workflowId: input.workflowId }, { $set: { state: input.state, updatedAt: new Date() } }),
      );
      prometheus.outcome('snapshot', input.state);
      return { stopped: services.stopped.length, snapshotsDeleted, volumesDeleted, services };
    },
  };
}

export type SnapshotActivities = ReturnType<typeof createSnapshotActivities>;
