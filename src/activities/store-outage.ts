import type { Connection } from 'mongoose';
import { isStorageError } from './errors';

const PING_EVERY_MS = 1000;

const answers = (connection: Connection) =>
  connection
    .db!.admin()
    .ping()
    .then(
      () => true,
      () => false,
    );

/**
 * Runs `work`, and when it fails while Mosaic's own store does not answer,
 * waits for the store (pinging each second) until `until`, then runs it
 * again: a store outage is not the handler's failure and should not use up
 * its retry budget (five quick attempts of a 10-second step are over long
 * before a 30-second outage is). The work is idempotent by its step key, so
 * running it again is safe. A storage error while the store answers (a
 * duplicate key, a refused write) and an outage lasting past `until` are
 * thrown as they are.
 */
export async function outlastingStoreOutages<T>(connection: Connection, until: number, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (!isStorageError(err) || (await answers(connection))) throw err;
      let back = false;
      while (!back && Date.now() + PING_EVERY_MS < until) {
        await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS));
        back = await answers(connection);
      }
      if (!back) throw err;
    }
  }
}
