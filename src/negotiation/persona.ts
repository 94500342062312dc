import { z } from 'zod';
import { shortPath, TOO_DEEP, tooDeepAt } from '../depth';
import { parseCidr } from './firewall';

/**
 * A persona describes what an instance is for, not how it is configured: its
 * role, the load it is expected to carry over time, the trust boundary it
 * sits in, how long it lives and what it may cost. Proposals are derived from
 * it; the configuration is what negotiation agrees on.
 */
export const ROLES = [
  'web-server',
  'database',
  'analytics',
  'message-queue',
  'cache',
  'batch-worker',
  'search-engine',
  'realtime-server',
  'file-store',
] as const;
export type Role = (typeof ROLES)[number];

export const COMPLIANCE = [
  'hipaa',
  'pci-dss',
  'sox',
  'gdpr',
  'soc2',
  'iso-27001',
  'fedramp',
  'ferpa',
  'ccpa',
  'glba',
  'lgpd',
  'pipeda',
  'popia',
  'pdpa',
  'dpdp',
] as const;
export type Compliance = (typeof COMPLIANCE)[number];

export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
export const VISIBILITIES = ['private', 'account', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

const nonNegative = (unit: string) => z.number({ message: `expected a number of ${unit}` }).min(0, { message: `expected ${unit} ≥ 0` });

/** One point of the expected load: `hour` is hours from the start of a typical day (0–23). */
export const loadPointSchema = z.strictObject({
  hour: z.number().int().min(0).max(23),
  cpu: nonNegative('vCPUs'),
  memoryGb: nonNegative('GiB'),
  iops: nonNegative('IOPS'),
  networkGbps: nonNegative('Gbit/s'),
});
export type LoadPoint = z.infer<typeof loadPointSchema>;

export const DIMENSIONS = ['cpu', 'memoryGb', 'iops', 'networkGbps'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface Figures {
  peak: number;
  average: number;
  /** The level held for long stretches: the 75th percentile of the series. */
  sustained: number;
}
export type ResourceProfile = Record<Dimension, Figures> & { storageGb: number };

const ruleSchema = z.strictObject({
  protocol: z.enum(['tcp', 'udp', 'all']),
  port: z.number().int().min(0).max(65535),
  cidr: z
    .string()
    .max(18)
    .superRefine((cidr, ctx) => {
      const parsed = parseCidr(cidr);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: `expected an IPv4 CIDR such as 10.0.0.0/16 (${parsed})` });
    }),
});
export type NetworkRule = z.infer<typeof ruleSchema>;

export const securityProfileSchema = z.strictObject({
  accessLevel: z.enum(['public', 'internal', 'restricted']),
  classification: z.enum(CLASSIFICATIONS),
  compliance: z.array(z.enum(COMPLIANCE)).default([]),
  ingress: z.array(ruleSchema).max(50).default([]),
  egress: z
    .array(ruleSchema)
    .max(50)
    .default([{ protocol: 'all', port: 0, cidr: '0.0.0.0/0' }]),
});
export type SecurityProfile = z.infer<typeof securityProfileSchema>;

export const personaBodySchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, { message: 'expected a lower-case name such as web-shop (letters, digits, dashes)' }),
  description: z.string().max(500).default(''),
  role: z.enum(ROLES, { message: `expected a role: ${ROLES.join(', ')}` }),
  tags: z
    .array(z.string().regex(/^[a-z0-9-]+$/))
    .max(20)
    .default([]),
  performance: z.strictObject({
    series: z.array(loadPointSchema).min(1, { message: 'expected at least one load point' }).max(24),
    storageGb: nonNegative('GiB'),
  }),
  security: securityProfileSchema,
  lifecycle: z.strictObject({
    expectedUptimePct: z.number().min(1).max(100),
    scaling: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) }),
    durationDays: z.number().int().min(1),
  }),
  cost: z.strictObject({ maxHourlyUsd: z.number().positive(), maxMonthlyUsd: z.number().positive() }),
});
export type PersonaBody = z.infer<typeof personaBodySchema>;
export type PersonaInput = z.input<typeof personaBodySchema>;

export interface Persona extends PersonaBody {
  version: number;
  visibility: Visibility;
  account: string;
  creator: string;
  createdAt: Date;
  /** A version derived from observed usage waits for its owner's publish; `active` versions are offered. */
  status: 'active' | 'proposed';
  usage: { timesUsed: number; agreements: number; totalRounds: number };
}

/** A persona that is not what its schema says, with the field and the fix. */
export class InvalidPersona extends Error {
  readonly type = 'InvalidPersona';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPersona';
  }
}

export function parsePersona(input: unknown): PersonaBody {
  const deep = tooDeepAt(input);
  if (deep) throw new InvalidPersona(`${shortPath(deep)}: ${TOO_DEEP}`);
  const parsed = personaBodySchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidPersona(parsed.error.issues.map((i) => `${i.path.join('.') || 'persona'}: ${i.message}`).join('; '));
  }
  const p = parsed.data;
  if (p.lifecycle.scaling.max < p.lifecycle.scaling.min) throw new InvalidPersona('lifecycle.scaling: max must be ≥ min');
  if (p.cost.maxMonthlyUsd < p.cost.maxHourlyUsd) throw new InvalidPersona('cost: maxMonthlyUsd must be ≥ maxHourlyUsd');
  return p;
}

function percentile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** Peak, average and sustained figures of each dimension of a load series. */
export function profileOf(series: LoadPoint[], storageGb: number): ResourceProfile {
  const figures = (d: Dimension): Figures => {
    const values = series.map((p) => p[d]).sort((a, b) => a - b);
    return {
      peak: values[values.length - 1]!,
      average: values.reduce((s, v) => s + v, 0) / values.length,
      sustained: percentile(values, 0.75),
    };
  };
  return { cpu: figures('cpu'), memoryGb: figures('memoryGb'), iops: figures('iops'), networkGbps: figures('networkGbps'), storageGb };
}

/**
 * A 24-hour series with the given figures: `sustained` during the busy half
 * of the day, `peak` in its busiest hours, and a trough that keeps the
 * average. Used to turn an analysed profile into a persona.
 */
export function seriesOf(profile: ResourceProfile, peakHours: number[] = [12, 13]): LoadPoint[] {
  return Array.from({ length: 24 }, (_, hour) => {
    const busy = hour >= 8 && hour < 20;
    const pick = (f: Figures) =>
      peakHours.includes(hour)
        ? f.peak
        : busy
          ? f.sustained
          : Math.max(0, (24 * f.average - 12 * f.sustained - peakHours.length * (f.peak - f.sustained)) / 12);
    return {
      hour,
      cpu: round(pick(profile.cpu)),
      memoryGb: round(pick(profile.memoryGb)),
      iops: Math.round(pick(profile.iops)),
      networkGbps: round(pick(profile.networkGbps)),
    };
  });
}

export const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Compliance regimes that require encryption at rest with a customer-managed key and no open administrative ports. */
export const ENCRYPTING_COMPLIANCE: readonly Compliance[] = ['hipaa', 'pci-dss'];
