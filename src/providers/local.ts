import { spawn } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { isRunning, readRecord, SpawnFailed, startDaemon, stopDaemon } from '../stack/daemon';
import { canConnect, freePort } from '../stack/ports';
import { waitUntilReady } from '../stack/stack';
import { ProviderRejected } from './errors';
import { readText } from './read-text';
import { serviceAllocation } from './service-allocation';
import { serviceEnvironment } from './service-env';
import { ServiceLimits, type Enforcement } from './service-limits';
import { handOver, serviceIdentity, spawnUser, type ServiceIdentity } from './service-user';
import type { MetricObservation } from '../negotiation/metric-usage';
import type { BucketInput, DatabaseInput, KeyInput, ObservationWindow, Provider, ResourceRef, ServiceInput } from './provider';
import { MAX_SAMPLE_BYTES, parseSamples, peakFromSamples, SAMPLE_INTERVAL_S, SAMPLER_SCRIPT } from './usage-samples';

const short = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);

// The service a request without a command gets: answers every HTTP request
// with its name, so a person (or a test) can see it is up.
export const DEFAULT_SERVICE = [
  process.execPath,
  '-e',
  "require('node:http').createServer((q,r)=>r.end(JSON.stringify({service:process.env.MOSAIC_SERVICE_NAME,ok:true}))).listen(+process.env.PORT,'127.0.0.1')",
];

/** A service command that cannot start here: no retry or other worker of the same image will start it either. */
export const commandRefused = (service: string, err: SpawnFailed) =>
  new ProviderRejected({
    provider: 'local',
    operation: 'startService',
    resource: service,
    code: err.code,
    detail: `${err.message}; give a command that exists on the worker (an absolute path, or a program on its PATH)`,
  });

/**
 * The embedded default: real effects on this machine. A bucket is a directory
 * tree with metadata, a database is a database on the MongoDB server, a
 * service is a child process on a port it reserved, a key is 32 random bytes
 * in a file only the owner reads. Everything lives under `<dataDir>/resources`.
 */
export class LocalProvider implements Provider {
  readonly name = 'local' as const;
  private readonly root: string;
  private readonly limits = new ServiceLimits();
  /** Read once: who services run as does not change while the worker runs. */
  private readonly identity: ServiceIdentity = serviceIdentity();

  constructor(
    dataDir: string,
    private readonly mongo: Connection,
    /** How often a workload's usage is sampled (usage-samples.ts); tests shorten it to see intervals in seconds. */
    private readonly sampleIntervalS = SAMPLE_INTERVAL_S,
  ) {
    this.root = path.join(path.resolve(dataDir), 'resources');
  }

  /** Where the run records of the services it starts are. */
  static servicesDir(dataDir: string): string {
    return path.join(path.resolve(dataDir), 'resources', 'services');
  }

  private dir(kind: string): string {
    const dir = path.join(this.root, kind);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  // Every resource's name ends in the short hash of its key (a bucket's directory, a database, a service's
  // run record, a key's file), fixed before anything is made: what an attempt made is found by its key
  // even when the attempt failed before it could report it (findByKey).
  async createBucket(input: BucketInput): Promise<ResourceRef> {
    const dir = path.join(this.dir('buckets'), `${input.name}-${short(input.key)}`);
    const meta = path.join(dir, '.mosaic.json');
    if (!fs.existsSync(meta)) {
      fs.mkdirSync(path.join(dir, 'objects'), { recursive: true });
      // Written last, and atomically: its presence means the bucket is complete.
      fs.writeFileSync(
        `${meta}.tmp`,
        JSON.stringify(
          { key: input.key, name: input.name, region: input.region, tags: input.tags ?? {}, createdAt: new Date().toISOString() },
          null,
          2,
        ),
      );
      fs.renameSync(`${meta}.tmp`, meta);
    }
    return this.bucketRef(dir, input.key, input.name);
  }

  private bucketRef(dir: string, key: string, name: string): ResourceRef {
    return { provider: 'local', kind: 'bucket', id: dir, key, attributes: { path: dir, name } };
  }

  async deleteBucket(ref: ResourceRef): Promise<void> {
    fs.rmSync(ref.id, { recursive: true, force: true });
  }

  async createDatabase(input: DatabaseInput): Promise<ResourceRef> {
    const database = `${input.name.replace(/-/g, '_')}_${short(input.key)}`;
    const db = this.mongo.useDb(database, { useCache: true });
    await db
      .collection('_mosaic')
      .updateOne(
        { _id: 'database' as unknown as never },
        { $setOnInsert: { key: input.key, name: input.name, engine: input.engine, sizeGb: input.sizeGb, createdAt: new Date() } },
        { upsert: true },
      );
    const user = `mosaic_${short(input.key)}`;
    const userManagement = await this.ensureUser(db, user, input.key);
    return this.databaseRef(database, input.key, user, userManagement);
  }

  private databaseRef(database: string, key: string, user: string, userManagement: string): ResourceRef {
    return {
      provider: 'local',
      kind: 'database',
      id: database,
      key,
      attributes: { database, user, userManagement, secretFile: this.secretFile(key) },
    };
  }

  /** A user of its own where the server manages users; FerretDB v1 does not, which the ref says. */
  private async ensureUser(db: Connection, user: string, key: string): Promise<string> {
    const file = this.secretFile(key);
    if (!fs.existsSync(file))
      fs.writeFileSync(file, JSON.stringify({ user, password: randomBytes(18).toString('base64url') }), { mode: 0o600 });
    const { password } = JSON.parse(fs.readFileSync(file, 'utf8')) as { password: string };
    try {
      await db.db!.command({ createUser: user, pwd: password, roles: [{ role: 'readWrite', db: db.name }] });
      return 'mongodb-users';
    } catch (err) {
      const message = (err as Error).message;
      if (/already exists/.test(message)) return 'mongodb-users';
      if (/no such command|not supported|CommandNotFound/i.test(message)) return 'unsupported-by-server';
      throw err;
    }
  }

  private secretFile(key: string): string {
    return path.join(this.dir('secrets'), `${short(key)}.json`);
  }

  async deleteDatabase(ref: ResourceRef): Promise<void> {
    const db = this.mongo.useDb(ref.id, { useCache: true });
    if (ref.attributes.userManagement === 'mongodb-users') {
      await db.db!.command({ dropUser: ref.attributes.user }).catch(() => undefined);
    }
    await db.dropDatabase();
    fs.rmSync(this.secretFile(ref.key), { force: true });
  }

  /**
   * A process on a free port, as the service user (service-user.ts) in a
   * working directory of its own, held to its allocation: rlimits, or a
   * cgroup for `confinement: 'cgroup'`. Running already (a retry) is success.
   */
  async startService(input: ServiceInput): Promise<ResourceRef> {
    const name = `svc-${short(input.key)}`;
    const runDir = this.dir('services');
    const allocation = input.allocation ?? serviceAllocation({ instanceType: input.instanceType });
    const existing = readRecord(runDir, name);
    if (existing && isRunning(existing))
      return this.serviceRef(input, name, existing.pid, existing.ports.http!, this.enforce(input, name, existing.pid, allocation));
    const port = await freePort();
    const [executable, ...args] = input.command ?? DEFAULT_SERVICE;
    const cgroup = input.confinement === 'cgroup';
    const home = this.serviceHome(name);
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    handOver(home, this.identity);
    const record = await startDaemon({
      name,
      executable: executable!,
      args,
      runDir,
      logDir: runDir,
      cwd: home,
      user: spawnUser(this.identity),
      ports: { http: port },
      env: serviceEnvironment({ PORT: String(port), MOSAIC_SERVICE_NAME: input.name }),
      launcher: cgroup ? undefined : this.limits.rlimitLauncher(allocation),
    }).catch((err: unknown) => {
      throw err instanceof SpawnFailed ? commandRefused(input.name, err) : err;
    });
    let limits: Enforcement;
    try {
      // A cgroup is joined at once; rlimits were set before exec, and are read back once the service answers (after its exec).
      const joined = cgroup ? this.enforce(input, name, record.pid, allocation) : undefined;
      await waitUntilReady(`service ${input.name} on port ${port}`, record, () => canConnect(port), 10_000, 50);
      limits = joined ?? this.enforce(input, name, record.pid, allocation);
      if (input.command) this.startSampler(name, record.pid);
    } catch (err) {
      await stopDaemon(runDir, name, 1000);
      const killed = this.limits.memoryKill(name);
      await this.limits.release(name);
      if (err instanceof ProviderRejected || !killed) throw err;
      throw new ProviderRejected(
        {
          provider: 'local',
          operation: 'startService',
          resource: input.name,
          code: 'MemoryLimitExceeded',
          detail: `${killed}; give it more memory (spec.memoryMb)`,
        },
        { cause: err },
      );
    }
    return this.serviceRef(input, name, record.pid, port, limits);
  }

  /** Where a workload's usage samples go: the worker's (0700), out of reach of the service that is measured. */
  private samplesFile(name: string): string {
    return path.join(this.dir('usage'), `${name}.samples`);
  }

  /**
   * Samples the process's CPU and I/O totals every interval until it ends
   * (usage-samples.ts), as the worker's user from `/`: detached, it outlives
   * this worker as the service does, and stops by itself.
   */
  private startSampler(name: string, pid: number): void {
    const args = [
      '-c',
      SAMPLER_SCRIPT,
      'sampler',
      String(pid),
      this.samplesFile(name),
      String(this.sampleIntervalS),
      String(MAX_SAMPLE_BYTES),
    ];
    const sampler = spawn('sh', args, { detached: true, stdio: 'ignore', cwd: '/', env: serviceEnvironment({}) });
    sampler.on('error', () => undefined);
    sampler.unref();
  }

  /** The service's working directory: its own, owned by the user it runs as; nothing of the worker's is in it. */
  private serviceHome(name: string): string {
    return path.join(this.dir('services'), `${name}.d`);
  }

  /** The allocation applied as the input asks; a cgroup that cannot be made is a refusal, never a silent fallback. */
  private enforce(input: ServiceInput, name: string, pid: number, allocation: { cpu: number; memoryBytes: number }): Enforcement {
    if (input.confinement !== 'cgroup') return this.limits.confineWithRlimits(pid, allocation);
    const enforced = this.limits.confineInCgroup(name, pid, allocation);
    if (enforced) return enforced;
    throw new ProviderRejected({
      provider: 'local',
      operation: 'startService',
      resource: input.name,
      code: 'CgroupUnavailable',
      detail:
        'this worker cannot make a memory and cpu cgroup (cgroup v2 without both controllers delegated, no writable v1 hierarchies, or not root); run the worker where it can, or choose provision-service@1, which holds services with rlimits',
    });
  }

  private serviceRef(input: ServiceInput, name: string, pid: number, port: number, limits: Enforcement): ResourceRef {
    return {
      provider: 'local',
      kind: 'service',
      id: name,
      key: input.key,
      attributes: {
        name: input.name,
        pid: String(pid),
        port: String(port),
        url: `http://127.0.0.1:${port}`,
        // Only a command of the request's is the workload; the default service stands in for one and is never observed.
        workload: input.command ? 'command' : 'stand-in',
        runsAs: this.identity.detail,
        limits: limits.detail,
        ...(notApplied(input) ? { notApplied: notApplied(input)! } : {}),
      },
    };
  }

  /**
   * What the service's process used at its peak: the PEAK_PERCENTILE of the
   * sampled intervals' CPU and read/write calls per second inside the window
   * (usage-samples.ts), and its peak resident memory (VmHWM). A window
   * shorter than two samples gets the process's totals over the window
   * instead (an average). Only a command the request gave is observed; the
   * stand-in never is.
   */
  async observeUsage(ref: ResourceRef, window: ObservationWindow): Promise<MetricObservation> {
    if (ref.attributes.workload !== 'command')
      return { unobserved: 'the local provider ran its stand-in process, not the workload: there is nothing of the workload to observe' };
    const pid = Number(ref.attributes.pid);
    const seconds = (window.until.getTime() - window.since.getTime()) / 1000;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // A zombie (Z) or a dying process (X) has ended: its parent has not reaped it yet, and it holds no memory to read.
      if (stat[0] === 'Z' || stat[0] === 'X') throw new Error('ended');
      const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / 100;
      const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
      const calls = Number(/syscr: (\d+)/.exec(io)?.[1] ?? 0) + Number(/syscw: (\d+)/.exec(io)?.[1] ?? 0);
      if (seconds <= 0) return { unobserved: 'the observation window has no length' };
      const sampled = peakFromSamples(parseSamples(readText(this.samplesFile(ref.id))), window);
      return {
        usage: {
          source: 'provider',
          cpu: sampled?.cpu ?? cpuSeconds / seconds,
          memoryGb: hwmKb / 1024 / 1024,
          iops: sampled?.iops ?? calls / seconds,
          networkGbps: 0,
          seconds,
          // /proc counts no per-process network traffic.
          unmeasured: ['networkGbps'],
        },
      };
    } catch {
      return { unobserved: `the service's process ${pid} is no longer running: its usage is gone with it` };
    }
  }

  async stopService(ref: ResourceRef): Promise<void> {
    await stopDaemon(this.dir('services'), ref.id, 5000);
    // Its sampler stops by itself once the process has gone.
    fs.rmSync(this.samplesFile(ref.id), { force: true });
    await this.limits.release(ref.id);
    fs.rmSync(this.serviceHome(ref.id), { recursive: true, force: true });
  }

  async createKey(input: KeyInput): Promise<ResourceRef> {
    const file = this.keyFile(input.key);
    if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
    return { provider: 'local', kind: 'key', id: file, key: input.key, attributes: { alias: input.alias } };
  }

  private keyFile(key: string): string {
    return path.join(this.dir('keys'), `${short(key)}.key`);
  }

  async deleteKey(ref: ResourceRef): Promise<void> {
    fs.rmSync(ref.id, { force: true });
  }

  /**
   * By the key's short hash each name ends in: bucket directories, databases
   * on the server (a user is dropped with its database where the server
   * manages users; FerretDB v1 does not), the service's run record, the key
   * file. What the ref of a complete resource would carry and is not known
   * here (a bucket's requested name, a key's alias) is derived or left out;
   * delete needs none of it.
   */
  async findByKey(key: string): Promise<ResourceRef[]> {
    // One machine: no regions.
    const suffix = short(key);
    const found: ResourceRef[] = [];
    for (const entry of fs.readdirSync(this.dir('buckets'))) {
      if (entry.endsWith(`-${suffix}`))
        found.push(this.bucketRef(path.join(this.dir('buckets'), entry), key, entry.slice(0, -suffix.length - 1)));
    }
    const { databases } = await this.mongo.db!.admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) {
      if (name.endsWith(`_${suffix}`)) found.push(this.databaseRef(name, key, `mosaic_${suffix}`, 'mongodb-users'));
    }
    const service = `svc-${suffix}`;
    if (readRecord(this.dir('services'), service)) found.push({ provider: 'local', kind: 'service', id: service, key, attributes: {} });
    if (fs.existsSync(this.keyFile(key))) found.push({ provider: 'local', kind: 'key', id: this.keyFile(key), key, attributes: {} });
    return found;
  }

  /** AES-256-GCM; the output is iv | tag | ciphertext, base64. */
  async encrypt(keyRef: ResourceRef, plaintext: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', fs.readFileSync(keyRef.id), iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  async decrypt(keyRef: ResourceRef, ciphertext: string): Promise<string> {
    const raw = Buffer.from(ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', fs.readFileSync(keyRef.id), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/**
 * What an instance request asks for that a process on this machine cannot
 * be: said in the result, plainly, rather than pretended.
 */
function notApplied(input: ServiceInput): string | undefined {
  const missing = [
    input.volumes?.length ? `${input.volumes.length} data volume(s) and their layout (no block devices, RAID or provisioned IOPS)` : '',
    input.ingress || input.egress ? 'the firewall (no security group; the default service listens on 127.0.0.1 only)' : '',
    input.tenancy === 'dedicated' ? 'dedicated tenancy' : '',
    input.zone !== undefined ? 'the availability zone (both processes of a multi-AZ layout run on this machine)' : '',
    input.rootVolume?.kmsKeyId ? 'the KMS-encrypted root volume' : '',
    input.userData ? 'the first-boot user data' : '',
  ].filter(Boolean);
  return missing.length ? `the local provider runs a process, so not applied: ${missing.join('; ')}; provider aws applies them` : undefined;
}
