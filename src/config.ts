import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { pemBlocks } from './security/root-keys';

/**
 * Every setting Mosaic reads, with the environment variable that sets it.
 * Defaults run the local stack; nothing else in the code reads process.env.
 */
const port = (fallback: number) =>
  z.coerce
    .number({ message: 'expected a TCP port number such as 7233' })
    .int({ message: 'expected a whole TCP port number such as 7233' })
    .min(1, { message: 'expected a TCP port between 1 and 65535' })
    .max(65535, { message: 'expected a TCP port between 1 and 65535' })
    .default(fallback);

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** One AES-256 key of MOSAIC_PAYLOAD_KEYS: its id travels in each encrypted payload's metadata. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

const payloadKeyForm =
  'expected comma-separated id:base64 pairs of 32-byte keys, the current key first, such as k2:<base64>,k1:<base64> (make one with `openssl rand -base64 32`)';

const payloadKeys = z.string().transform((text, ctx): PayloadKey[] => {
  const keys: PayloadKey[] = [];
  for (const [index, entry] of text
    .split(',')
    .map((e) => e.trim())
    .entries()) {
    const [id, b64, extra] = entry.split(':');
    const problem = (why: string) => ctx.addIssue({ code: 'custom', message: `${why}; ${payloadKeyForm}` });
    // Never echo an entry: it may be a bare key.
    if (extra !== undefined || !id || !b64 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      problem(`entry ${index + 1} is not id:base64 with an id of letters, digits, . _ or -`);
      return z.NEVER;
    }
    const key = Buffer.from(b64, 'base64');
    // Buffer.from skips characters that are not base64: compare lengths so a typo is not a silently shorter key.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || key.length !== 32) {
      problem(`key ${id} is ${key.length} bytes of base64, not 32`);
      return z.NEVER;
    }
    if (keys.some((k) => k.id === id)) {
      problem(`key id ${id} appears twice`);
      return z.NEVER;
    }
    keys.push({ id, key });
  }
  return keys;
});

/** Where `stack start` keeps its PostgreSQL superuser's password: the default of MOSAIC_POSTGRES_PASSWORD_FILE. */
export const postgresPasswordFile = (dataDir: string) => path.join(dataDir, 'run', 'postgresql.password');

export const settings = {
  MOSAIC_TEMPORAL_PORT: { schema: port(7233), doc: 'gRPC port of the local Temporal dev server' },
  MOSAIC_TEMPORAL_UI_PORT: { schema: port(8233), doc: 'Web UI port of the local Temporal dev server' },
  MOSAIC_POSTGRES_PORT: {
    schema: port(5433),
    doc: "port of the stack's PostgreSQL: where the postgres-local handler makes databases, and the production profile's Temporal store",
  },
  MOSAIC_POSTGRES_PASSWORD_FILE: {
    schema: z.string().min(1).optional(),
    doc: "superuser password file of the stack's PostgreSQL, which `stack start` writes (default $MOSAIC_DATA_DIR/run/postgresql.password): a worker with a data dir of its own names the stack's",
  },
  MOSAIC_PROMETHEUS_PORT: { schema: port(9090), doc: "port of the production profile's Prometheus" },
  MOSAIC_PROMETHEUS_SCRAPE_INTERVAL: {
    schema: z
      .string()
      .regex(/^[1-9]\d{0,3}s$/, { message: 'expected whole seconds such as 15s' })
      .optional(),
    doc: "how often the production profile's Prometheus scrapes (default: docker/prometheus.yml's, 15s)",
  },
  MOSAIC_TEMPORAL_ADDRESS: {
    schema: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, { message: 'expected host:port such as 127.0.0.1:7233' })
      .optional(),
    doc: 'Temporal frontend address (default 127.0.0.1:$MOSAIC_TEMPORAL_PORT)',
  },
  MOSAIC_TEMPORAL_NAMESPACE: { schema: z.string().min(1).default('default'), doc: 'Temporal namespace' },
  MOSAIC_TEMPORAL_TLS: { schema: bool.default(false), doc: 'connect to Temporal over TLS (Temporal Cloud, secured clusters)' },
  MOSAIC_TEMPORAL_API_KEY: { schema: z.string().min(1).optional(), doc: 'API key for Temporal Cloud; implies TLS' },
  MOSAIC_TEMPORAL_TLS_CA: {
    schema: z.string().min(1).optional(),
    doc: 'PEM file of the CA that signed the server certificate (a private CA); implies TLS',
  },
  MOSAIC_TEMPORAL_TLS_CERT: {
    schema: z.string().min(1).optional(),
    doc: 'PEM client certificate for mutual TLS (with MOSAIC_TEMPORAL_TLS_KEY); implies TLS',
  },
  MOSAIC_TEMPORAL_TLS_KEY: {
    schema: z.string().min(1).optional(),
    doc: 'PEM private key of the client certificate (with MOSAIC_TEMPORAL_TLS_CERT)',
  },
  MOSAIC_WEB_UI_URL: {
    schema: z.url({ message: 'expected a URL such as http://localhost:8233' }).optional(),
    doc: 'Temporal Web UI base URL printed in links (default http://localhost:$MOSAIC_TEMPORAL_UI_PORT)',
  },
  MOSAIC_TASK_QUEUE: { schema: z.string().min(1).default('mosaic'), doc: 'task queue the worker polls' },
  MOSAIC_MONGODB_PORT: { schema: port(27017), doc: 'port of the local FerretDB' },
  MOSAIC_MONGODB_URI: {
    schema: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'expected a MongoDB URI such as mongodb://127.0.0.1:27017/mosaic' })
      .optional(),
    doc: 'MongoDB connection string (default mongodb://127.0.0.1:$MOSAIC_MONGODB_PORT/mosaic)',
  },
  MOSAIC_DATA_DIR: { schema: z.string().min(1).default('.mosaic'), doc: 'local state: databases, pid files, logs' },
  MOSAIC_SSH_KEY_DIR: {
    schema: z.string().min(1).optional(),
    doc: 'directory of the private keys SSH hosts name in their `key` field (default $MOSAIC_DATA_DIR/ssh-keys); keys never travel in requests',
  },
  MOSAIC_CACHE_DIR: {
    schema: z
      .string()
      .min(1)
      .default(path.join(os.homedir(), '.cache', 'mosaic')),
    doc: 'downloaded and built binaries (Temporal CLI, FerretDB), the sentence encoder (models/) and trained text models (text-models/)',
  },
  MOSAIC_MODEL_KEY: {
    schema: z
      .string()
      .regex(/^[0-9a-fA-F]{64,}$/, {
        message: 'expected at least 32 bytes as hex (64 hex digits), such as the output of `openssl rand -hex 32`',
      })
      .optional(),
    doc: 'secret that authenticates stored decision models (HMAC-SHA256); the same on every worker. Unset: a key file made once in the data dir (one-machine setups)',
  },
  MOSAIC_BOOTSTRAP_ADMIN_KEY: {
    schema: z
      .string()
      .includes('PUBLIC KEY', { message: 'expected a PEM public key (the .pub file of `mosaic keys generate`)' })
      .optional(),
    doc: 'a root admin key given as a variable (PEM public key), like one in MOSAIC_ROOT_KEYS; the worker also lists it as an actor at start',
  },
  MOSAIC_ROOT_KEYS: {
    schema: z
      .string()
      .includes('PUBLIC KEY', { message: 'expected one or more PEM public keys (the .pub files of `mosaic keys generate`, concatenated)' })
      .optional(),
    doc: 'root admin keys (PEM public keys, concatenated): every actor, role grant and signed object must chain to one; the same on every worker',
  },
  MOSAIC_ROOT_KEYS_FILE: {
    schema: z.string().min(1).optional(),
    doc: 'file of root admin keys (PEM public keys) read besides MOSAIC_ROOT_KEYS (default $MOSAIC_DATA_DIR/keys/root-keys.pem; `mosaic admin init` appends to it)',
  },
  MOSAIC_QUOTA_PER_ACCOUNT: {
    schema: z.coerce
      .number({ message: 'expected a whole number such as 100' })
      .int({ message: 'expected a whole number such as 100' })
      .min(1)
      .default(100),
    doc: 'resources an account may hold before quota-check refuses more',
  },
  MOSAIC_REVERIFY_SECONDS: {
    schema: z.coerce
      .number({ message: 'expected a whole number of seconds such as 30' })
      .int({ message: 'expected a whole number of seconds such as 30' })
      .min(1, { message: 'expected at least 1 second' })
      .max(3600, { message: 'expected at most 3600 seconds (an hour)' })
      .default(30),
    doc: 'how often a worker reloads and verifies every active policy and handler version even when no governed change was made, so a row changed directly in the database is refused within this time',
  },
  MOSAIC_NOTIFY_URL: {
    schema: z.url({ message: 'expected an http(s) URL such as https://hooks.example.com/mosaic' }).optional(),
    doc: 'where the notify handler POSTs composition results (unset: notify is skipped)',
  },
  MOSAIC_NEGOTIATION_WEBHOOK_URL: {
    schema: z.url({ message: 'expected an http(s) URL such as https://hooks.example.com/negotiations' }).optional(),
    doc: 'where a negotiation waiting for feedback past its round timeout POSTs a reminder (unset: reminders are only recorded)',
  },
  MOSAIC_AWS_REGION: {
    schema: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'expected an AWS region such as eu-west-1' })
      .optional(),
    doc: 'enables the aws provider; credentials come from the AWS SDK default chain',
  },
  MOSAIC_AWS_ENDPOINT: {
    schema: z.url({ message: 'expected a URL such as http://127.0.0.1:5000' }).optional(),
    doc: 'an S3/EC2/KMS-compatible endpoint instead of AWS (moto in tests)',
  },
  MOSAIC_LOCAL_S3_ENDPOINT: {
    schema: z
      .url({ message: 'expected an S3 endpoint URL such as https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000' })
      .optional(),
    doc: 'an S3 (or S3-compatible) endpoint where the s3-bucket handler makes the buckets of local-provider requests, credentials from the AWS SDK default chain; unset, local requests never get s3-bucket',
  },
  MOSAIC_RETRAIN_INTERVAL: {
    schema: z
      .string()
      .regex(/^[1-9]\d*(m|h|d)$/, { message: 'expected a whole number of minutes, hours or days such as 30m, 1h or 1d' })
      .default('1h'),
    doc: 'how often the `mosaic-retrain-policy` schedule retrains the decision model',
  },
  MOSAIC_RETRAIN_HORIZON_DAYS: {
    schema: z.coerce
      .number({ message: 'expected a number of days such as 30' })
      .positive({ message: 'expected a positive number of days such as 30' })
      .default(30),
    doc: 'a retrain learns from the outcomes of this many past days',
  },
  MOSAIC_RETRAIN_MIN_DECISIONS: {
    schema: z.coerce
      .number({ message: 'expected a whole number such as 200' })
      .int({ message: 'expected a whole number such as 200' })
      .min(10, { message: 'expected at least 10' })
      .default(200),
    doc: 'logged decisions a retrain needs; with fewer it ends with "not enough data" and changes nothing',
  },
  MOSAIC_RETRAIN_MARGIN: {
    schema: z.coerce
      .number({ message: 'expected a number such as 0.01' })
      .min(0, { message: 'expected a margin of 0 or more, such as 0.01' })
      .default(0),
    doc: "a candidate model is promoted only if its doubly robust lower bound beats the serving model's estimate by this much reward (0: by any amount the 95 % paired interval is sure of)",
  },
  MOSAIC_METRICS_PORT: {
    schema: z.coerce
      .number({ message: 'expected a TCP port number such as 9464, or 0 to serve no metrics' })
      .int({ message: 'expected a whole TCP port number such as 9464, or 0' })
      .min(0, { message: 'expected a TCP port between 1 and 65535, or 0 to serve no metrics' })
      .max(65535, { message: 'expected a TCP port between 1 and 65535, or 0 to serve no metrics' })
      .default(9464),
    doc: "port of the worker's Prometheus /metrics (Mosaic and Temporal SDK metrics); 0 serves none",
  },
  MOSAIC_METRICS_HOST: {
    schema: z.string().min(1).default('127.0.0.1'),
    doc: 'address the metrics server binds (0.0.0.0 in containers, so Prometheus can scrape it)',
  },
  MOSAIC_SNAPSHOT_MONITOR_SECONDS: {
    schema: z.coerce
      .number({ message: 'expected a whole number of seconds such as 10' })
      .int({ message: 'expected a whole number of seconds such as 10' })
      .min(1, { message: 'expected at least 1 second' })
      .max(86_400, { message: 'expected at most 86400 seconds (a day)' })
      .default(10),
    doc: 'how long a composed snapshot is monitored after it starts; what is measured trains the AI_AGENT',
  },
  MOSAIC_PAYLOAD_KEYS: {
    schema: payloadKeys.optional(),
    secret: true,
    doc: 'AES-256-GCM keys that encrypt workflow inputs and results in Temporal, as id:base64 pairs; the first encrypts, every one decrypts (unset: payloads are plain JSON)',
  },
  MOSAIC_CODEC_TOKEN: {
    secret: true,
    schema: z
      .string()
      .min(16, { message: 'expected a bearer token of at least 16 characters (make one with `openssl rand -hex 24`)' })
      .optional(),
    doc: 'bearer token `mosaic codec-server` requires before it encodes or decodes payloads for the Web UI',
  },
  MOSAIC_CONSOLE_PORT: {
    schema: z.coerce
      .number({ message: 'expected a TCP port such as 8240' })
      .int({ message: 'expected a TCP port such as 8240' })
      .min(0, { message: 'expected a TCP port between 0 and 65535' })
      .max(65535, { message: 'expected a TCP port between 0 and 65535' })
      .default(8240),
    doc: 'port `mosaic console` listens on (127.0.0.1 unless --host)',
  },
  MOSAIC_CONSOLE_URL: {
    schema: z.url({ message: 'expected the URL people open the console at, such as https://mosaic.example.com' }).optional(),
    doc: 'base of the console links the CLI prints, the reminder webhook carries and the Web UI shows (default http://127.0.0.1:$MOSAIC_CONSOLE_PORT)',
  },
  MOSAIC_CONSOLE_OPERATOR_TOKEN: {
    secret: true,
    schema: z.string().min(16, { message: 'expected a token of at least 16 characters (make one with `openssl rand -hex 24`)' }).optional(),
    doc: 'sign-in token of the console for operators: they read and negotiate (accept, reject, modify, constrain, answer)',
  },
  MOSAIC_CONSOLE_VIEWER_TOKEN: {
    secret: true,
    schema: z.string().min(16, { message: 'expected a token of at least 16 characters (make one with `openssl rand -hex 24`)' }).optional(),
    doc: 'sign-in token of the console for viewers: they read negotiations and change nothing',
  },
  MOSAIC_LOG_LEVEL: {
    schema: z
      .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal'], {
        message: 'expected one of trace, debug, info, warn, error, fatal',
      })
      .default('info'),
    doc: 'log level of the worker and CLI',
  },
} as const;

type Settings = typeof settings;
type Raw = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export interface Config {
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    tls: boolean;
    /** Files of a private CA and a client certificate (mutual TLS), read when connecting. */
    tlsFiles?: { ca?: string; cert?: string; key?: string };
    apiKey?: string;
    port: number;
    uiPort: number;
    webUiUrl: string;
  };
  mongodb: { uri: string; port: number };
  /** The production profile of the local stack (src/stack/production.ts). */
  /** The stack's PostgreSQL (src/stack/postgresql.ts), when installed. */
  postgresql: { port: number; passwordFile: string };
  production: { prometheusPort: number; scrapeInterval?: string };
  dataDir: string;
  cacheDir: string;
  bootstrapAdminKey?: string;
  /** Trust anchors outside MongoDB: PEM public keys given in variables, and the file read at each trust check. */
  rootKeys: { pems: string[]; file: string };
  /** Hex secret authenticating stored models; unset, a key file in the data dir is used. */
  modelKey?: string;
  composition: { quotaPerAccount: number; notifyUrl?: string; reverifySeconds: number };
  snapshot: { monitorSeconds: number; sshKeyDir: string };
  negotiation: { webhookUrl?: string };
  aws?: { region: string; endpoint?: string };
  /** The S3 the s3-bucket handler uses for local requests; unset, it serves aws ones only. */
  localS3?: { endpoint: string };
  learning: { retrainInterval: string; horizonDays: number; minDecisions: number; margin: number };
  /** port 0: no metrics server. */
  metrics: { host: string; port: number };
  /** Empty: payloads are not encrypted. The first key encrypts; any of them decrypts. */
  payloadKeys: PayloadKey[];
  codecToken?: string;
  /** The negotiation console: where it listens, the base of its links, and its sign-in tokens by role. */
  console: { port: number; url: string; operatorToken?: string; viewerToken?: string };
  logLevel: Raw['MOSAIC_LOG_LEVEL'];
}

/** A bad setting: names the variable, what it held and the form expected. */
export class ConfigError extends Error {
  readonly type = 'ConfigError';
  constructor(readonly problems: { variable: string; value: string | undefined; expected: string }[]) {
    super(problems.map((p) => `${p.variable}=${JSON.stringify(p.value ?? '')} is invalid: ${p.expected}`).join('\n'));
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const shape = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v.schema]));
  // Empty strings mean "unset": shells and compose files produce them often.
  const input = Object.fromEntries(Object.keys(settings).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = z.object(shape).safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0]);
        // A bad key or token must not end up in a terminal or a log.
        const secret = 'secret' in settings[variable as keyof Settings];
        return { variable, value: secret ? '(hidden)' : env[variable], expected: issue.message };
      }),
    );
  }
  const raw = parsed.data as Raw;
  const [cert, key] = [raw.MOSAIC_TEMPORAL_TLS_CERT, raw.MOSAIC_TEMPORAL_TLS_KEY];
  if ((cert === undefined) !== (key === undefined)) {
    const missing = cert === undefined ? 'MOSAIC_TEMPORAL_TLS_CERT' : 'MOSAIC_TEMPORAL_TLS_KEY';
    throw new ConfigError([
      {
        variable: missing,
        value: undefined,
        expected: 'a client certificate needs both MOSAIC_TEMPORAL_TLS_CERT and MOSAIC_TEMPORAL_TLS_KEY',
      },
    ]);
  }
  const tlsFiles = raw.MOSAIC_TEMPORAL_TLS_CA || cert ? { ca: raw.MOSAIC_TEMPORAL_TLS_CA, cert, key } : undefined;
  return {
    temporal: {
      address: raw.MOSAIC_TEMPORAL_ADDRESS ?? `127.0.0.1:${raw.MOSAIC_TEMPORAL_PORT}`,
      namespace: raw.MOSAIC_TEMPORAL_NAMESPACE,
      taskQueue: raw.MOSAIC_TASK_QUEUE,
      tls: raw.MOSAIC_TEMPORAL_TLS || raw.MOSAIC_TEMPORAL_API_KEY !== undefined || tlsFiles !== undefined,
      ...(tlsFiles ? { tlsFiles } : {}),
      apiKey: raw.MOSAIC_TEMPORAL_API_KEY,
      port: raw.MOSAIC_TEMPORAL_PORT,
      uiPort: raw.MOSAIC_TEMPORAL_UI_PORT,
      webUiUrl: (raw.MOSAIC_WEB_UI_URL ?? `http://localhost:${raw.MOSAIC_TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
    },
    mongodb: {
      uri: raw.MOSAIC_MONGODB_URI ?? `mongodb://127.0.0.1:${raw.MOSAIC_MONGODB_PORT}/mosaic`,
      port: raw.MOSAIC_MONGODB_PORT,
    },
    postgresql: {
      port: raw.MOSAIC_POSTGRES_PORT,
      passwordFile: path.resolve(raw.MOSAIC_POSTGRES_PASSWORD_FILE ?? postgresPasswordFile(raw.MOSAIC_DATA_DIR)),
    },
    production: {
      prometheusPort: raw.MOSAIC_PROMETHEUS_PORT,
      scrapeInterval: raw.MOSAIC_PROMETHEUS_SCRAPE_INTERVAL,
    },
    dataDir: path.resolve(raw.MOSAIC_DATA_DIR),
    cacheDir: path.resolve(raw.MOSAIC_CACHE_DIR),
    bootstrapAdminKey: raw.MOSAIC_BOOTSTRAP_ADMIN_KEY,
    rootKeys: {
      pems: pemBlocks([raw.MOSAIC_ROOT_KEYS, raw.MOSAIC_BOOTSTRAP_ADMIN_KEY].join('\n')),
      file: path.resolve(raw.MOSAIC_ROOT_KEYS_FILE ?? path.join(raw.MOSAIC_DATA_DIR, 'keys', 'root-keys.pem')),
    },
    modelKey: raw.MOSAIC_MODEL_KEY,
    composition: {
      quotaPerAccount: raw.MOSAIC_QUOTA_PER_ACCOUNT,
      notifyUrl: raw.MOSAIC_NOTIFY_URL,
      reverifySeconds: raw.MOSAIC_REVERIFY_SECONDS,
    },
    snapshot: {
      monitorSeconds: raw.MOSAIC_SNAPSHOT_MONITOR_SECONDS,
      sshKeyDir: path.resolve(raw.MOSAIC_SSH_KEY_DIR ?? path.join(raw.MOSAIC_DATA_DIR, 'ssh-keys')),
    },
    negotiation: { webhookUrl: raw.MOSAIC_NEGOTIATION_WEBHOOK_URL },
    aws: raw.MOSAIC_AWS_REGION ? { region: raw.MOSAIC_AWS_REGION, endpoint: raw.MOSAIC_AWS_ENDPOINT } : undefined,
    localS3: raw.MOSAIC_LOCAL_S3_ENDPOINT ? { endpoint: raw.MOSAIC_LOCAL_S3_ENDPOINT } : undefined,
    learning: {
      retrainInterval: raw.MOSAIC_RETRAIN_INTERVAL,
      horizonDays: raw.MOSAIC_RETRAIN_HORIZON_DAYS,
      minDecisions: raw.MOSAIC_RETRAIN_MIN_DECISIONS,
      margin: raw.MOSAIC_RETRAIN_MARGIN,
    },
    metrics: { host: raw.MOSAIC_METRICS_HOST, port: raw.MOSAIC_METRICS_PORT },
    payloadKeys: raw.MOSAIC_PAYLOAD_KEYS ?? [],
    codecToken: raw.MOSAIC_CODEC_TOKEN,
    console: {
      port: raw.MOSAIC_CONSOLE_PORT,
      url: (raw.MOSAIC_CONSOLE_URL ?? `http://127.0.0.1:${raw.MOSAIC_CONSOLE_PORT}`).replace(/\/$/, ''),
      operatorToken: raw.MOSAIC_CONSOLE_OPERATOR_TOKEN,
      viewerToken: raw.MOSAIC_CONSOLE_VIEWER_TOKEN,
    },
    logLevel: raw.MOSAIC_LOG_LEVEL,
  };
}

/** Link to a workflow in the Temporal Web UI. */
export function workflowUrl(config: Config, workflowId: string, runId?: string): string {
  const base = `${config.temporal.webUiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}` : base;
}

/** Link to one negotiation's page in the console (`mosaic console`). */
export function consoleUrl(base: string, negotiationId: string): string {
  return `${base}/negotiations/${encodeURIComponent(negotiationId.replace(/^negotiate-/, ''))}`;
}

/** Link to the Web UI's workflow list filtered by a visibility query. */
export function visibilityUrl(config: Config, query: string): string {
  return `${config.temporal.webUiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

/** TLS as both Temporal connections take it: `true` for the system's CAs, or the configured files' contents. */
export interface TemporalTls {
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

function readTlsFile(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new ConfigError([
      { variable, value: file, expected: `a readable PEM file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` },
    ]);
  }
}

/** Options shared by the client's Connection and the worker's NativeConnection. */
export function temporalConnectionOptions(config: Config): { address: string; tls?: true | TemporalTls; apiKey?: string } {
  const { address, tls, tlsFiles, apiKey } = config.temporal;
  let tlsOption: true | TemporalTls | undefined = tls ? true : undefined;
  if (tlsFiles) {
    tlsOption = {
      ...(tlsFiles.ca ? { serverRootCACertificate: readTlsFile('MOSAIC_TEMPORAL_TLS_CA', tlsFiles.ca) } : {}),
      ...(tlsFiles.cert && tlsFiles.key
        ? {
            clientCertPair: {
              crt: readTlsFile('MOSAIC_TEMPORAL_TLS_CERT', tlsFiles.cert),
              key: readTlsFile('MOSAIC_TEMPORAL_TLS_KEY', tlsFiles.key),
            },
          }
        : {}),
    };
  }
  return { address, ...(tlsOption ? { tls: tlsOption } : {}), ...(apiKey ? { apiKey } : {}) };
}
