import { PdlError } from '../../../src/pdl';

/** The PdlError fn throws; fails the test when it throws nothing or something else. */
export function pdlErrorOf(fn: () => unknown): PdlError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PdlError) return err;
    throw err;
  }
  throw new Error('expected a PdlError');
}
