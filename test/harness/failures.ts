import { rootFailure } from '../../src/client/failures';

/** The failure a promise ends with: its stable type and message. Fails the test when it succeeds. */
export async function failureOf(promise: Promise<unknown>): Promise<{ type?: string | null; message: string }> {
  try {
    await promise;
  } catch (err) {
    const failure = rootFailure(err);
    return { type: failure?.type, message: failure?.message ?? (err as Error).message };
  }
  throw new Error('expected a failure');
}
