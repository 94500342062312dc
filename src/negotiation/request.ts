import { z } from 'zod';
import { shortPath, TOO_DEEP, tooDeepAt } from '../depth';
import { workloadSchema } from './analyzer';
import { SECURITY_LEVELS, type SecurityLevel } from './catalog';
import { describeConstraint, parseConstraint, regionSchema, userConstraintSchema, type UserConstraint } from './constraints';
import { COMPLIANCE } from './persona';
import { statedRegion, type StatedRegion } from './workload/region';
import { accountSchema, userSchema } from '../security/caller';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$/;
const UNIT_MS: [RegExp, number][] = [
  [/^(ms|milliseconds?)$/, 1],
  [/^(s|secs?|seconds?)$/, 1000],
  [/^(m|mins?|minutes?)$/, 60_000],
  [/^(h|hrs?|hours?)$/, 3_600_000],
  [/^(d|days?)$/, 86_400_000],
  [/^(w|weeks?)$/, 604_800_000],
];

/** Milliseconds of a duration as Temporal reads it ("30 seconds", "1 day", "2h"), or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const factor = UNIT_MS.find(([re]) => re.test(m[2]!))![1];
  const ms = Number(m[1]) * factor;
  return Number.isFinite(ms) ? ms : undefined;
}

const DAY = 86_400_000;
/** How long each wait of a negotiation may be: at least a second, at most `maxDays`; outside it is refused, never clamped. */
const duration = (maxDays: number) =>
  z.string().superRefine((text, ctx) => {
    const ms = durationMs(text);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: 'expected a duration such as "30 seconds", "4 hours" or "2 days"' });
    else if (ms < 1000 || ms > maxDays * DAY)
      ctx.addIssue({ code: 'custom', message: `expected a duration from 1 second to ${maxDays} days, such as "4 hours" or "2 days"` });
  });

/** The documented bounds, in days, of a negotiation's waits. */
export const DURATION_LIMITS_DAYS = { roundTimeout: 30, deadline: 365, observeWindow: 90 } as const;

/**
 * An application's negotiation policy: accept the cheapest proposal that
 * meets `accept`; otherwise add the next of `otherwise` (one a round), then
 * reject; give up after `giveUpAfterRounds`.
 */
export const negotiationPolicySchema = z.strictObject({
  accept: z.strictObject({
    maxMonthlyUsd: z.number().positive().optional(),
    minHeadroom: z.number().min(1).optional(),
    families: z.array(z.string()).min(1).optional(),
    minSecurity: z.enum(SECURITY_LEVELS).optional(),
  }),
  otherwise: z.array(userConstraintSchema).default([]),
  giveUpAfterRounds: z.number().int().min(1).max(100).default(5),
});
export type NegotiationPolicy = z.infer<typeof negotiationPolicySchema>;

export const negotiationRequestSchema = z.strictObject({
  negotiationId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{2,62}$/, { message: 'expected a lower-case id such as shop-2026 (letters, digits, dashes; 3–63)' }),
  user: userSchema,
  account: accountSchema,
  /** Where it runs; absent: the region the description states, else us-east-1. */
  region: regionSchema.optional(),
  provider: z.enum(['local', 'aws']).default('local'),
  workload: workloadSchema,
  /** A persona from the store, `name` or `name@version`; `none` for no persona at all (no built-in one either). */
  basePersona: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,62}(@\d+)?$/, { message: 'expected a persona reference such as web-server or web-server@2' })
    .optional(),
  compliance: z.array(z.enum(COMPLIANCE)).default([]),
  constraints: z.array(z.unknown()).default([]),
  proposals: z.number().int().min(1).max(8).default(4),
  limits: z
    .strictObject({
      /** How long a round waits for feedback before a reminder goes out. */
      roundTimeout: duration(DURATION_LIMITS_DAYS.roundTimeout).default('1 day'),
      deadline: duration(DURATION_LIMITS_DAYS.deadline).default('14 days'),
      maxRounds: z.number().int().min(1).max(1000).default(20),
      /** Rounds per workflow run before continue-as-new starts a fresh history. */
      roundsPerRun: z.number().int().min(1).max(100).default(10),
    })
    .prefault({}),
  policy: negotiationPolicySchema.optional(),
  /** After provisioning: how long usage is observed before the persona is compared, and by how much it may differ. */
  observe: z
    .strictObject({
      window: duration(DURATION_LIMITS_DAYS.observeWindow).default('1 day'),
      threshold: z.number().positive().max(10).default(0.3),
    })
    .prefault({}),
});
export type NegotiationRequestInput = z.input<typeof negotiationRequestSchema>;
export type NegotiationRequest = Omit<z.infer<typeof negotiationRequestSchema>, 'constraints' | 'region'> & {
  constraints: UserConstraint[];
  region: string;
  /** Where `region` came from: the request's own field, the description's words, or the default. */
  regionFrom: 'request' | 'description' | 'default';
  /** The region the description states, kept when the request's own field overrides it. */
  statedRegion?: StatedRegion;
};

/** The region a request runs in when neither its field nor its description names one. */
export const DEFAULT_REGION = 'us-east-1';

export class InvalidNegotiation extends Error {
  readonly type = 'InvalidNegotiation';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidNegotiation';
  }
}

export function parseNegotiationRequest(input: unknown): NegotiationRequest {
  const deep = tooDeepAt(input);
  if (deep) throw new InvalidNegotiation(`${shortPath(deep)}: ${TOO_DEEP}`);
  const parsed = negotiationRequestSchema.safeParse(input);
  if (!parsed.success)
    throw new InvalidNegotiation(parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
  const constraints = parsed.data.constraints.map((c, i) => {
    try {
      return parseConstraint(c);
    } catch (err) {
      throw new InvalidNegotiation(`constraints.${i}: ${(err as Error).message}`);
    }
  });
  const { workload } = parsed.data;
  const stated = workload.kind === 'text' ? statedRegion(workload.text) : undefined;
  const statedOnly = stated && { region: stated.region, text: stated.text };
  if (parsed.data.region)
    return { ...parsed.data, constraints, region: parsed.data.region, regionFrom: 'request', statedRegion: statedOnly };
  if (stated) return { ...parsed.data, constraints, region: stated.region, regionFrom: 'description', statedRegion: statedOnly };
  return { ...parsed.data, constraints, region: DEFAULT_REGION, regionFrom: 'default' };
}

/** What the first output says of the region: read from the description, or the request's overriding what the description says. */
export function regionNote(request: Pick<NegotiationRequest, 'region' | 'regionFrom' | 'statedRegion'>): string | undefined {
  const stated = request.statedRegion;
  if (request.regionFrom === 'description' && stated) return `region ${request.region}, as the description says ("${stated.text}")`;
  if (request.regionFrom === 'request' && stated && stated.region !== request.region)
    return `region ${request.region}, as the request says: it wins over the description's ${stated.region} ("${stated.text}")`;
  return undefined;
}

/** The base persona that means none: no profile floor, no cost tolerance, no compliance or ingress of a persona. */
export const NO_PERSONA = 'none';

interface PersonaTerms {
  name: string;
  version?: number;
  builtin: boolean;
  cost: { maxHourlyUsd: number; maxMonthlyUsd: number };
  security: { compliance: readonly string[]; ingress: readonly { protocol: string; port: number; cidr: string }[] };
}

/**
 * The sentence the first output carries about the persona: which one applies
 * (given, built-in for the role, or none), its cost tolerance or the user's
 * limit that replaces it, and the trust boundary it brings.
 */
export function personaNote(persona: PersonaTerms | undefined, req: { constraints: UserConstraint[] }): string {
  if (!persona) return `no persona (basePersona "${NO_PERSONA}"): no cost tolerance, no compliance beyond the request's, no ingress opened`;
  const ref = `${persona.name}${persona.version ? `@${persona.version}` : ''}`;
  const own = req.constraints.filter((c) => c.kind === 'maxMonthlyUsd' || c.kind === 'maxHourlyUsd').map(describeConstraint);
  const tolerance = `$${persona.cost.maxMonthlyUsd}/month, $${persona.cost.maxHourlyUsd}/hour`;
  const ingress = persona.security.ingress.map((r) => `${r.protocol}/${r.port} from ${r.cidr}`).join(', ') || 'none';
  const compliance = persona.security.compliance.length ? `, compliance ${persona.security.compliance.join(', ')}` : '';
  return [
    persona.builtin ? `built-in persona ${ref} applies (no base persona given)` : `base persona ${ref} applies`,
    own.length
      ? `its cost tolerance (${tolerance}) is replaced by your limit: ${own.join(', ')}`
      : `its cost tolerance applies: at most ${tolerance} (a limit of your own, e.g. "at most 1500 per month", replaces it; basePersona "${NO_PERSONA}" uses no persona)`,
    `its security profile: ingress ${ingress}${compliance}`,
  ].join('; ');
}

export const securityRank = (level: SecurityLevel) => SECURITY_LEVELS.indexOf(level) + 1;
