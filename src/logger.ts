import pino from 'pino';
import type { Config } from './config';

export type Logger = pino.Logger;

/** Structured JSON logs on stderr, so stdout stays clean for `--json` output. */
export function createLogger(level: Config['logLevel'], name = 'mosaic'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination(2));
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
