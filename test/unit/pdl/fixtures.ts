import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { PolicyContext } from '../../../src/pdl';

export const EXAMPLE = fs.readFileSync(path.resolve(__dirname, '../../../examples/policies/databases-eu.yaml'), 'utf8');

export function context(
  overrides: {
    request?: Partial<PolicyContext['request']>;
    system?: Partial<PolicyContext['system']>;
    handlers?: PolicyContext['handlers'];
  } = {},
): PolicyContext {
  return {
    request: {
      user: 'alice',
      account: 'acme',
      region: 'eu-west-1',
      resourceType: 'database',
      spec: {},
      security: { classification: 'internal', compliance: [], networkExposure: 'private' },
      ...overrides.request,
    },
    system: { cpu: 0.2, memory: 0.2, network: 0.2, ...overrides.system },
    handlers: overrides.handlers ?? {
      'postgres-local@2': metrics(0.01),
      'postgres-local@3': metrics(0.02),
      'rds@1': metrics(0.05),
    },
  };
}

export function metrics(errorRate: number) {
  return { latencyP50Ms: 100, latencyP95Ms: 300, errorRate, calls: 50, cpuMs: 10, memoryMb: 20 };
}

/** A small policy document; stages and spec fields override the defaults. */
export function policyYaml(name: string, spec: Record<string, unknown>, version = 1): string {
  return stringify({
    apiVersion: 'mosaic/v1',
    kind: 'CompositionPolicy',
    metadata: { name, version },
    spec: {
      match: 'request.resourceType == "database"',
      priority: 10,
      stages: [{ name: 'provision', candidates: ['postgres-local@2'] }],
      ...spec,
    },
  });
}
