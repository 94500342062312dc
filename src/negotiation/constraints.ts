import { z } from 'zod';
import { quote } from '../quote';
import { COMPLIANCE } from './persona';
import { REGIONS, SECURITY_LEVELS, STORAGE_KINDS } from './catalog';

/** A region of the catalog: every region the shipped EC2 data knows, priced or not. */
export const regionSchema = z.enum(REGIONS as [string, ...string[]], {
  message: `expected a region of the catalog, such as us-east-1 or eu-central-1 (all ${REGIONS.length}: mosaic catalog regions)`,
});

/** What a person or a policy adds to a negotiation: "region eu-west-1", "no burstable types", "at least 3000 IOPS"… */
export const userConstraintSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('region'),
      region: regionSchema,
    }),
    z.strictObject({ kind: z.literal('noBurstable') }),
    z.strictObject({
      kind: z.literal('minIops'),
      iops: z.number().int().positive().max(1e6, { message: 'expected at most 1,000,000 IOPS' }),
    }),
    z.strictObject({ kind: z.literal('minVcpu'), vcpu: z.number().positive().max(4096, { message: 'expected at most 4096 vCPUs' }) }),
    z.strictObject({
      kind: z.literal('minMemoryGb'),
      memoryGb: z.number().positive().max(65536, { message: 'expected at most 65536 GiB' }),
    }),
    z.strictObject({
      kind: z.literal('maxMonthlyUsd'),
      usd: z.number().positive().max(1e9, { message: 'expected at most 1,000,000,000 USD' }),
    }),
    z.strictObject({ kind: z.literal('maxHourlyUsd'), usd: z.number().positive().max(1e6, { message: 'expected at most 1,000,000 USD' }) }),
    z.strictObject({ kind: z.literal('families'), families: z.array(z.string().min(1)).min(1) }),
    z.strictObject({ kind: z.literal('excludeFamilies'), families: z.array(z.string().min(1)).min(1) }),
    z.strictObject({ kind: z.literal('arch'), arch: z.enum(['x86_64', 'arm64']) }),
    z.strictObject({ kind: z.literal('storage'), kinds: z.array(z.enum(STORAGE_KINDS)).min(1) }),
    z.strictObject({ kind: z.literal('redundantStorage') }),
    z.strictObject({ kind: z.literal('minSecurity'), level: z.enum(SECURITY_LEVELS) }),
    z.strictObject({ kind: z.literal('compliance'), regime: z.enum(COMPLIANCE) }),
    z.strictObject({ kind: z.literal('minHeadroom'), factor: z.number().min(1).max(10) }),
    /** Configurations already rejected, by proposal key. */
    z.strictObject({ kind: z.literal('exclude'), keys: z.array(z.string().min(1)).min(1) }),
  ],
  {
    message:
      'expected a constraint kind: region, noBurstable, minIops, minVcpu, minMemoryGb, maxMonthlyUsd, maxHourlyUsd, families, excludeFamilies, arch, storage, redundantStorage, minSecurity, compliance, minHeadroom',
  },
);
export type UserConstraint = z.infer<typeof userConstraintSchema>;

export class InvalidConstraint extends Error {
  readonly type = 'InvalidConstraint';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidConstraint';
  }
}

const PHRASES: [RegExp, (m: RegExpExecArray) => unknown][] = [
  [/^(?:region|in)\s+([a-z0-9-]+)$/, (m) => ({ kind: 'region', region: m[1] })],
  [/^no\s+burstable(?:\s+types?)?$/, () => ({ kind: 'noBurstable' })],
  [/^at\s+least\s+(\d+)\s+iops$/, (m) => ({ kind: 'minIops', iops: Number(m[1]) })],
  [/^at\s+least\s+(\d+(?:\.\d+)?)\s+vcpus?$/, (m) => ({ kind: 'minVcpu', vcpu: Number(m[1]) })],
  [/^at\s+least\s+(\d+(?:\.\d+)?)\s+gi?b(?:\s+(?:of\s+)?memory)?$/, (m) => ({ kind: 'minMemoryGb', memoryGb: Number(m[1]) })],
  [
    /^(?:at\s+most|under|max)\s+\$?(\d+(?:\.\d+)?)\s*(?:usd\s*)?(?:\/|per\s+|a\s+)month$/,
    (m) => ({ kind: 'maxMonthlyUsd', usd: Number(m[1]) }),
  ],
  [
    /^(?:at\s+most|under|max)\s+\$?(\d+(?:\.\d+)?)\s*(?:usd\s*)?(?:\/|per\s+|an?\s+)(?:hour|h)$/,
    (m) => ({ kind: 'maxHourlyUsd', usd: Number(m[1]) }),
  ],
  [/^famil(?:y|ies)\s+([a-z0-9, ]+)$/, (m) => ({ kind: 'families', families: m[1]!.split(/[\s,]+/).filter(Boolean) })],
  [/^no\s+famil(?:y|ies)\s+([a-z0-9, ]+)$/, (m) => ({ kind: 'excludeFamilies', families: m[1]!.split(/[\s,]+/).filter(Boolean) })],
  [/^(arm64|x86_64|graviton)(?:\s+only)?$/, (m) => ({ kind: 'arch', arch: m[1] === 'graviton' ? 'arm64' : m[1] })],
  [/^storage\s+([a-z0-9-, ]+)$/, (m) => ({ kind: 'storage', kinds: m[1]!.split(/[\s,]+/).filter(Boolean) })],
  [/^redundant\s+storage$/, () => ({ kind: 'redundantStorage' })],
  [/^dedicated(?:\s+tenancy)?$/, () => ({ kind: 'minSecurity', level: 'dedicated' })],
  [/^(?:kms|encrypted(?:\s+with\s+kms)?)$/, () => ({ kind: 'minSecurity', level: 'kms' })],
  [
    /^(?:must\s+)?comply\s+with\s+(pci[\s-]?dss|hipaa|sox|gdpr)$/,
    (m) => ({ kind: 'compliance', regime: m[1]!.replace(/\s/, '-').replace(/^pcidss$/, 'pci-dss') }),
  ],
  [/^headroom\s+(\d+(?:\.\d+)?)x?$/, (m) => ({ kind: 'minHeadroom', factor: Number(m[1]) })],
];

/** A constraint as JSON, or as one of the phrases `mosaic negotiate constrain` accepts. */
export function parseConstraint(input: unknown): UserConstraint {
  let value = input;
  if (typeof input === 'string') {
    const text = input.trim().toLowerCase().replace(/\s+/g, ' ');
    const match = PHRASES.map(([re, make]) => {
      const m = re.exec(text);
      return m ? make(m) : undefined;
    }).find((v) => v !== undefined);
    if (!match) {
      throw new InvalidConstraint(
        `${quote(input)} is not a constraint I know; try e.g. "region eu-west-1", "no burstable types", "at least 3000 IOPS", "at most 200 per month", "must comply with PCI DSS", "families m6i, c6i"`,
      );
    }
    value = match;
  }
  const parsed = userConstraintSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidConstraint(
      `constraint ${quote(input)}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'kind'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** How a constraint reads in messages. */
export function describeConstraint(c: UserConstraint): string {
  switch (c.kind) {
    case 'region':
      return `region ${c.region}`;
    case 'noBurstable':
      return 'no burstable types';
    case 'minIops':
      return `at least ${c.iops} IOPS`;
    case 'minVcpu':
      return `at least ${c.vcpu} vCPUs`;
    case 'minMemoryGb':
      return `at least ${c.memoryGb} GiB memory`;
    case 'maxMonthlyUsd':
      return `at most $${c.usd}/month`;
    case 'maxHourlyUsd':
      return `at most $${c.usd}/hour`;
    case 'families':
      return `families ${c.families.join(', ')}`;
    case 'excludeFamilies':
      return `no families ${c.families.join(', ')}`;
    case 'arch':
      return `${c.arch} only`;
    case 'storage':
      return `storage ${c.kinds.join(', ')}`;
    case 'redundantStorage':
      return 'redundant storage';
    case 'minSecurity':
      return `security ${c.level} or stronger`;
    case 'compliance':
      return `complies with ${c.regime}`;
    case 'minHeadroom':
      return `headroom ×${c.factor}`;
    case 'exclude':
      return `not ${c.keys.join(', ')}`;
  }
}
