import type { Proposal } from './solver';

/** What the Web UI's memo shows of an agreement: the instance, where, and what it costs. */
export function agreementMemo(p: Proposal) {
  return {
    proposalId: p.id,
    instanceType: p.instanceType,
    region: p.region,
    storage: `${p.storage.kind} ${p.storage.volumes}×${p.storage.sizeGbEach} GiB`,
    security: p.security.level,
    monthlyUsd: p.monthlyUsd,
    hourlyUsd: p.hourlyUsd,
  };
}
