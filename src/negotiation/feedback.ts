import { z } from 'zod';
import { SECURITY_LEVELS, STORAGE_KINDS } from './catalog';
import { shortPath, TOO_DEEP, tooDeepAt } from '../depth';
import { parseConstraint, regionSchema, type UserConstraint } from './constraints';
import type { Proposal } from './solver';

const by = z.string().min(1).max(200).optional();
const proposalId = z.string().min(1, { message: 'expected the id of a proposal, such as r1-p2' });

export const changesSchema = z
  .strictObject({
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'expected an EC2 instance type such as m6i.large' })
      .optional(),
    storageKind: z.enum(STORAGE_KINDS).optional(),
    storageGb: z.number().int().positive().max(64000).optional(),
    iops: z.number().int().positive().max(256000).optional(),
    security: z.enum(SECURITY_LEVELS).optional(),
    region: regionSchema.optional(),
  })
  .refine((c) => Object.keys(c).length > 0, {
    message: 'expected at least one change: instanceType, storageKind, storageGb, iops, security or region',
  });

export const REJECT_REASONS = ['cost', 'performance', 'family', 'storage', 'security'] as const;

/** What a person (or a policy) answers to the proposals of a round. */
export const feedbackSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('accept'), proposalId, by }),
    z.strictObject({ kind: z.literal('reject'), because: z.enum(REJECT_REASONS).optional(), reason: z.string().max(500).optional(), by }),
    z.strictObject({ kind: z.literal('modify'), proposalId, changes: changesSchema, by }),
    z.strictObject({
      kind: z.literal('addConstraints'),
      constraints: z.array(z.unknown()).min(1, { message: 'expected at least one constraint' }),
      by,
    }),
  ],
  { message: 'expected feedback of kind accept, reject, modify or addConstraints' },
);
export type FeedbackInput = z.input<typeof feedbackSchema>;
export type Feedback =
  | Exclude<z.infer<typeof feedbackSchema>, { kind: 'addConstraints' }>
  | { kind: 'addConstraints'; constraints: UserConstraint[]; by?: string };

/** Feedback that cannot apply to the negotiation as it stands; the caller learns why and nothing changes. */
export class FeedbackRejected extends Error {
  readonly type = 'FeedbackRejected';
  constructor(message: string) {
    super(message);
    this.name = 'FeedbackRejected';
  }
}

/**
 * Checks feedback against the negotiation's state without changing it: the
 * shape, that the negotiation still takes feedback, and that the proposal it
 * names exists. Deterministic, so it runs in an update validator.
 */
export function validateFeedback(input: unknown, state: { status: string; proposals: Proposal[] }): Feedback {
  if (state.status === 'analysing')
    throw new FeedbackRejected('the negotiation is still analysing the workload; answer once its first proposals are shown');
  if (state.status !== 'awaiting-feedback') throw new FeedbackRejected(`the negotiation is ${state.status}; it no longer takes feedback`);
  const deep = tooDeepAt(input);
  if (deep) throw new FeedbackRejected(`${shortPath(deep)}: ${TOO_DEEP}`);
  const parsed = feedbackSchema.safeParse(input);
  if (!parsed.success)
    throw new FeedbackRejected(parsed.error.issues.map((i) => `${i.path.join('.') || 'feedback'}: ${i.message}`).join('; '));
  const f = parsed.data;
  if (f.kind === 'accept' || f.kind === 'modify') {
    if (!state.proposals.some((p) => p.id === f.proposalId)) {
      const current = state.proposals.map((p) => p.id).join(', ');
      throw new FeedbackRejected(
        `proposal ${f.proposalId} does not exist; ${current ? `the current proposals are ${current}` : 'this round has no proposals: add or relax constraints'}`,
      );
    }
  }
  if (f.kind === 'addConstraints') {
    try {
      return { ...f, constraints: f.constraints.map(parseConstraint) };
    } catch (err) {
      throw new FeedbackRejected((err as Error).message);
    }
  }
  return f;
}

/**
 * What a rejection teaches the next round: never these configurations again,
 * and, by the reason given, cheaper / more headroom / other families /
 * other storage / stronger security than anything rejected.
 */
export function rejectionConstraints(f: Extract<Feedback, { kind: 'reject' }>, proposals: Proposal[]): UserConstraint[] {
  const out: UserConstraint[] = [];
  if (proposals.length) out.push({ kind: 'exclude', keys: proposals.map((p) => p.key) });
  if (!proposals.length) return out;
  switch (f.because) {
    case 'cost':
      out.push({ kind: 'maxMonthlyUsd', usd: Math.max(1, Math.floor(Math.min(...proposals.map((p) => p.monthlyUsd)) * 0.95)) });
      break;
    case 'performance':
      out.push({
        kind: 'minHeadroom',
        factor: Math.min(10, Math.round(Math.max(...proposals.map((p) => Math.min(p.headroom, 8))) * 1.25 * 100) / 100),
      });
      break;
    case 'family':
      out.push({ kind: 'excludeFamilies', families: [...new Set(proposals.map((p) => p.family))] });
      break;
    case 'storage': {
      const offered = new Set(proposals.map((p) => p.storage.kind));
      const others = STORAGE_KINDS.filter((k) => !offered.has(k));
      if (others.length) out.push({ kind: 'storage', kinds: others });
      break;
    }
    case 'security': {
      const top = Math.max(...proposals.map((p) => p.security.rank));
      if (top < SECURITY_LEVELS.length) out.push({ kind: 'minSecurity', level: SECURITY_LEVELS[top]! });
      break;
    }
  }
  return out;
}
