import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { temporalConnectionOptions, type Config } from '../config';
import { payloadDataConverter } from '../security/payload-codec';

export class TemporalUnavailable extends Error {
  readonly type = 'TemporalUnavailable';
  constructor(
    readonly address: string,
    cause: unknown,
  ) {
    super(
      `Temporal is not reachable at ${address} (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Start the local stack with `mosaic stack start`, or set MOSAIC_TEMPORAL_ADDRESS.',
      { cause },
    );
    this.name = 'TemporalUnavailable';
  }
}

/**
 * How many times a call the frontend cannot answer (gRPC UNAVAILABLE: the
 * frontend restarting, its PostgreSQL restarting) is made again. The SDK's
 * default, 10 (backoff from 0.1 s to 5 s: about 20 s in all), gave up within
 * one frontend restart on a loaded host; 30 is about 2 minutes. Safe to repeat:
 * starts and signals carry a request id, updates their update id, so a call
 * whose answer was lost is answered from the first. Connecting still fails
 * within connectTimeout when nothing is there at all.
 */
export const UNAVAILABLE_ATTEMPTS = 30;

export async function connectClient(config: Config): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({
      ...temporalConnectionOptions(config),
      connectTimeout: 3000,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: UNAVAILABLE_ATTEMPTS }))],
    });
  } catch (err) {
    throw new TemporalUnavailable(config.temporal.address, err);
  }
  return new Client({ connection, namespace: config.temporal.namespace, ...payloadDataConverter(config.payloadKeys) });
}
