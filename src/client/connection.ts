import { Client, Connection } from '@temporalio/client';
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

export async function connectClient(config: Config): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: 3000 });
  } catch (err) {
    throw new TemporalUnavailable(config.temporal.address, err);
  }
  return new Client({ connection, namespace: config.temporal.namespace, ...payloadDataConverter(config.payloadKeys) });
}
