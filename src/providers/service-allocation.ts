import { INSTANCES_BY_NAME } from '../negotiation/catalog';
import type { Allocation } from './service-limits';

const MIB = 2 ** 20;

/** What a service gets when its request names neither an allocation nor an instance type: enough for a small server. */
export const DEFAULT_SERVICE_ALLOCATION: Allocation = { cpu: 0.5, memoryBytes: 512 * MIB };

/** What a request may say about a service's size: cores and MiB, or an instance type whose vCPUs and memory it gets. */
export interface ServiceSize {
  cpu?: number;
  memoryMb?: number;
  instanceType?: string;
}

/**
 * The CPU and memory a composed service is held to: the request's own
 * figures first, else its instance type's (from the EC2 catalog), else the
 * default. Each figure is taken on its own, so `cpu` alone keeps the
 * instance type's memory.
 */
export function serviceAllocation(size: ServiceSize): Allocation {
  const type = size.instanceType === undefined ? undefined : INSTANCES_BY_NAME.get(size.instanceType);
  return {
    cpu: size.cpu ?? type?.vcpu ?? DEFAULT_SERVICE_ALLOCATION.cpu,
    memoryBytes:
      size.memoryMb !== undefined
        ? size.memoryMb * MIB
        : type
          ? Math.round(type.memoryGb * 1024) * MIB
          : DEFAULT_SERVICE_ALLOCATION.memoryBytes,
  };
}
