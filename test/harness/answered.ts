import { MosaicWorkflowError } from '../../src/client/workflow-errors';

/**
 * Runs a client call until it is answered, as an application does while no
 * worker or no frontend can answer (killed, restarting, its store down): the
 * failure is then untyped and the call is made again (updates with the same
 * id, so a repeat after a lost answer gets the first answer). A typed refusal
 * is an answer and is thrown; so is the last failure after the deadline.
 */
export async function untilAnswered<T>(call: () => Promise<T>, deadline: number): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (err instanceof MosaicWorkflowError || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
