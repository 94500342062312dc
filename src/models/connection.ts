import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger';

export class MongoUnavailable extends Error {
  readonly type = 'MongoUnavailable';
  constructor(
    readonly uri: string,
    cause: unknown,
  ) {
    super(
      `MongoDB is not reachable at ${redact(uri)} (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Start the local stack with `mosaic stack start`, or point MOSAIC_MONGODB_URI at a running server.',
      { cause },
    );
    this.name = 'MongoUnavailable';
  }
}

/** Hides the password of a connection string before it reaches a log or an error. */
export function redact(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export interface ConnectOptions {
  logger?: Logger;
  /** Attempts before giving up; the delay doubles from 250 ms up to 5 s. */
  attempts?: number;
}

/**
 * One connection per process. Commands are not buffered: when the server is
 * down an operation fails within seconds, so the activity calling it fails
 * with a retryable error and Temporal retries it, instead of hanging.
 */
export async function connectMongo(uri: string, opts: ConnectOptions = {}): Promise<Connection> {
  const attempts = opts.attempts ?? 5;
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    const connection = mongoose.createConnection(uri, {
      serverSelectionTimeoutMS: 3000,
      connectTimeoutMS: 3000,
      bufferCommands: false,
      autoIndex: true,
    });
    try {
      await connection.asPromise();
      opts.logger?.info({ uri: redact(uri) }, 'connected to MongoDB');
      return connection;
    } catch (err) {
      await connection.close().catch(() => {});
      if (attempt >= attempts) throw new MongoUnavailable(uri, err);
      opts.logger?.warn({ uri: redact(uri), attempt, err: (err as Error).message }, 'MongoDB not reachable yet, retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }
}

/** Server flavour and version: FerretDB reports itself in buildInfo. */
export async function describeServer(connection: Connection): Promise<{ flavor: string; version: string; compatibleWith: string }> {
  const info = await connection.db!.admin().command({ buildInfo: 1 });
  const ferret = info.ferretdbVersion as string | undefined;
  return ferret
    ? { flavor: 'FerretDB', version: ferret, compatibleWith: `MongoDB ${info.version}` }
    : { flavor: 'MongoDB', version: String(info.version), compatibleWith: `MongoDB ${info.version}` };
}
