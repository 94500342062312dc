import pino from 'pino';
import type { Config } from './config';
import { counter } from './observability/metrics';

export type Logger = pino.Logger;

/** Fields that hold secrets, wherever they sit in a record (up to three levels deep): their values never reach a log. */
export const SECRET_FIELDS = [
  'privateKey',
  'privateKeyPem',
  'apiKey',
  'password',
  'passphrase',
  'secret',
  'secretAccessKey',
  'sessionToken',
  'token',
  'authorization',
  'Authorization',
  'credentials',
  'cookie',
];
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
export const REDACTED = '[redacted]';

// Secrets inside free text: a PEM private key block, the password of a URI such as mongodb://user:pass@host.
const PEM_PRIVATE = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;
const URI_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi;
export const scrub = (text: string): string => text.replace(PEM_PRIVATE, REDACTED).replace(URI_PASSWORD, `$1${REDACTED}@`);

function scrubValues(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 3 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: scrub(value.message), stack: value.stack && scrub(value.stack) };
  if (Array.isArray(value)) return value.map((v) => scrubValues(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValues(v, depth + 1)]));
}

/** What a log destination holds while it cannot write (a full disk, a closed pipe); beyond it, lines are dropped and counted. */
export const LOG_BUFFER_BYTES = 1024 * 1024;

const logWriteErrors = () =>
  counter('mosaic_log_write_errors_total', 'log writes the destination refused (disk full, closed pipe), by error code', ['code'] as const);
const logLinesDropped = () => counter('mosaic_log_lines_dropped_total', 'log lines dropped while the destination could not write', []);

/**
 * Where logs go (stderr by default), made so that it cannot end the process:
 * a write error (ENOSPC on a full disk, EPIPE on a closed pipe) is an 'error'
 * event, which with no listener is an uncaught exception that takes the whole
 * worker, every workflow on it, down. Here it only degrades logging: the
 * error is counted, what could not be written waits in a bounded buffer and
 * goes out when the destination takes writes again, lines beyond it are
 * dropped and counted.
 */
export function logDestination(dest: number | string = 2): pino.DestinationStream {
  const stream = pino.destination({ dest, sync: true, maxLength: LOG_BUFFER_BYTES });
  stream.on('error', (err: NodeJS.ErrnoException) => logWriteErrors().inc({ code: err.code ?? 'unknown' }));
  stream.on('drop', () => logLinesDropped().inc());
  return stream;
}

/**
 * Structured JSON logs, one line per event, on stderr so stdout stays clean
 * for `--json` output. Secret fields are redacted by name and secrets inside
 * strings (PEM private keys, URI passwords) by shape, messages included.
 */
export function createLogger(level: Config['logLevel'], name = 'mosaic', destination: pino.DestinationStream = logDestination()): Logger {
  return pino(
    {
      name,
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      formatters: { log: (record) => scrubValues(record) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/** Routes the Temporal SDK's logs (with workflow and activity ids in meta) into pino. */
export function temporalLogger(logger: Logger): TemporalLoggerLike {
  const log = (level: TemporalLogLevel, message: string, meta?: Record<string, unknown>) =>
    logger[level.toLowerCase() as Lowercase<TemporalLogLevel>](meta ?? {}, message);
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

type TemporalLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
type LogFn = (message: string, meta?: Record<string, unknown>) => void;
interface TemporalLoggerLike {
  log(level: TemporalLogLevel, message: string, meta?: Record<string, unknown>): void;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}
