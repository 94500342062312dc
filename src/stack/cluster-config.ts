/**
 * The production profile's Temporal cluster, on paper: which server processes
 * run, and the configuration file each one reads. Pure: ports and the store's
 * password come in, YAML-ready objects go out, so the layout is unit-tested
 * without starting anything.
 */

export type ServerRole = 'frontend' | 'history' | 'matching' | 'worker';

/**
 * Two history and two matching processes: the smallest layout in which shards
 * and task-queue partitions really move between hosts when one is killed
 * (docs/reliability.md's engine fault rows), and the shape a cluster grows in.
 */
export const CLUSTER_LAYOUT: ReadonlyArray<{ role: ServerRole; count: number }> = [
  { role: 'frontend', count: 1 },
  { role: 'history', count: 2 },
  { role: 'matching', count: 2 },
  { role: 'worker', count: 1 },
];

export interface ServerProcess {
  /** Daemon name: `temporal-frontend`, `temporal-history-1`, … */
  name: string;
  role: ServerRole;
  grpcPort: number;
  membershipPort: number;
  metricsPort: number;
  /** The frontend's HTTP API (the Web UI's server uses gRPC; this is for curl and SDKs that speak HTTP). */
  httpPort?: number;
}

export interface ClusterContext {
  postgres: { port: number; user: string; password: string };
  numHistoryShards: number;
  /** Where every process reaches the frontend: `127.0.0.1:<frontend grpc port>`. */
  frontendAddress: string;
  dynamicConfigPath: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** The largest port the cluster_membership table stores (a PostgreSQL smallint). */
export const MAX_MEMBERSHIP_PORT = 32767;

export const TEMPORAL_DATABASE = 'temporal';
export const VISIBILITY_DATABASE = 'temporal_visibility';

export function processNames(): Array<{ name: string; role: ServerRole }> {
  return CLUSTER_LAYOUT.flatMap(({ role, count }) =>
    Array.from({ length: count }, (_, i) => ({ role, name: count === 1 ? `temporal-${role}` : `temporal-${role}-${i + 1}` })),
  );
}

/**
 * Assigns ports from `next()` (a free-port finder); the frontend's gRPC port
 * is the one clients already use. Membership ports come from `nextMembership`:
 * the store keeps them in a smallint column, so they must be below 32768,
 * where the kernel's ephemeral range (which `next` draws from) never is.
 */
export async function planProcesses(
  frontendPort: number,
  next: () => Promise<number>,
  nextMembership: () => Promise<number> = next,
): Promise<ServerProcess[]> {
  const out: ServerProcess[] = [];
  for (const { name, role } of processNames()) {
    out.push({
      name,
      role,
      grpcPort: role === 'frontend' ? frontendPort : await next(),
      membershipPort: await nextMembership(),
      metricsPort: await next(),
      ...(role === 'frontend' ? { httpPort: await next() } : {}),
    });
  }
  return out;
}

function datastore(ctx: ClusterContext, databaseName: string, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${ctx.postgres.port}`,
      connectProtocol: 'tcp',
      user: ctx.postgres.user,
      password: ctx.postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

function rpc(p: ServerProcess) {
  return {
    rpc: {
      grpcPort: p.grpcPort,
      membershipPort: p.membershipPort,
      bindOnIP: '127.0.0.1',
      ...(p.httpPort ? { httpPort: p.httpPort } : {}),
    },
  };
}

/**
 * The configuration file of one server process (`temporal-server
 * --config-file <it> start --service <role>`). Every role appears under
 * `services`: a process tracks the membership ring of each role it calls and
 * refuses to start without it. Its own role carries its own ports; the others
 * name their first process's, which it only reads for the ring's name.
 */
export function serverConfig(p: ServerProcess, plan: ServerProcess[], ctx: ClusterContext): Record<string, unknown> {
  const services = Object.fromEntries(
    CLUSTER_LAYOUT.map(({ role }) => [role, rpc(role === p.role ? p : plan.find((q) => q.role === role)!)]),
  );
  return {
    log: { stdout: true, level: ctx.logLevel, format: 'json' },
    persistence: {
      numHistoryShards: ctx.numHistoryShards,
      defaultStore: 'default',
      visibilityStore: 'visibility',
      datastores: {
        default: datastore(ctx, TEMPORAL_DATABASE, 20),
        visibility: datastore(ctx, VISIBILITY_DATABASE, 10),
      },
    },
    global: {
      // Hosts find each other through the cluster_membership table in the store; each advertises loopback.
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${p.metricsPort}` } },
    },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: ctx.frontendAddress } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    // The internal worker (and any service calling the frontend) dials this address.
    publicClient: { hostPort: ctx.frontendAddress },
    dynamicConfigClient: { filepath: ctx.dynamicConfigPath, pollInterval: '10s' },
  };
}

/** KEY=VALUE lines (docker/temporal/cluster.env, compose's env_file format): comments and blank lines skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=VALUE: ${line.slice(0, 80)}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
