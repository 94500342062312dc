import { PortContested } from './errors';
import type { Placed } from './graph';
import { sharedPorts } from './resources';

/**
 * The last word on ports: a resolution in which two placed services would
 * listen on one port is refused, whatever strategy produced it. Resolution
 * evicts the losers of every port conflict, so this holds by construction;
 * checking it costs one pass and keeps a future strategy honest.
 */
export function assertOnePortOwner(placed: Placed[]): void {
  const services = placed.flatMap((p) =>
    p.resource.kind === 'service' ? [{ ...p.resource, name: `${p.resource.name} of ${p.source}` }] : [],
  );
  const shared = sharedPorts(services);
  if (shared.length)
    throw new PortContested(
      shared.map((s) => `port ${s.port} would be held by ${s.services.join(' and ')}`).join('; ') +
        '; give one of them another port in its source',
    );
}
