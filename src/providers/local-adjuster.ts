import { declaredAdjuster, portsAbove, type SourceAdjuster } from '../snapshot/adjustment';
import { isPortFree } from '../stack/ports';

/**
 * The local provider's adjustments: a port moves to the next one
 * no source claims that is also free on this machine, where the composition
 * will run; paths and sizes as any source accepts them.
 */
export const localHostAdjuster: SourceAdjuster = {
  async alternatives(request) {
    const r = request.resource;
    if (r.kind !== 'port') return declaredAdjuster.alternatives(request);
    for (const port of portsAbove(r.number)) {
      if (!request.taken(`port:${port}/${r.protocol}`) && (await isPortFree(port))) return [{ ...r, number: port }];
    }
    return [];
  },
};
