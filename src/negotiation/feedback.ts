import { z } from 'zod';
import { PRICED_REGIONS, REGIONS, SECURITY_LEVELS, STORAGE_KINDS } from './catalog';
import { shortPath, TOO_DEEP, tooDeepAt } from '../depth';
import { describeConstraint, parseConstraint, regionSchema, type UserConstraint } from './constraints';
import { interpretReason, REJECT_REASONS, type ReadReason, type RejectReason } from './reasons';
import type { Proposal } from './solver';

export { REJECT_REASONS } from './reasons';

const MAX_CONSTRAINTS = 50;
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

/** What a person (or a policy) answers to the proposals of a round. */
export const feedbackSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('accept'), proposalId, by }),
    z.strictObject({
      kind: z.literal('reject'),
      because: z.enum(REJECT_REASONS, { message: `expected one of ${REJECT_REASONS.join(', ')}` }).optional(),
      reason: z.string().max(500).optional(),
      by,
    }),
    z.strictObject({ kind: z.literal('modify'), proposalId, changes: changesSchema, by }),
    z.strictObject({
      kind: z.literal('addConstraints'),
      constraints: z
        .array(z.unknown())
        .min(1, { message: 'expected at least one constraint' })
        .max(MAX_CONSTRAINTS, { message: `expected at most ${MAX_CONSTRAINTS} constraints at once` }),
      by,
    }),
  ],
  { message: 'expected feedback of kind accept, reject, modify or addConstraints' },
);
export type FeedbackInput = z.input<typeof feedbackSchema>;
export type Feedback =
  | Exclude<z.infer<typeof feedbackSchema>, { kind: 'addConstraints' }>
  | { kind: 'addConstraints'; constraints: UserConstraint[]; by?: string };

/** What each update takes, in the words its refusals use (and the Web UI user reads). */
export const FEEDBACK_FORMS: Record<Feedback['kind'], { takes: string; example: string }> = {
  accept: { takes: 'a proposal id, or {"proposalId": "<id>"}', example: '"r1-p2" or {"proposalId": "r1-p2"}' },
  reject: {
    takes: `a reason in words, or {"because": "${REJECT_REASONS.join('|')}", "reason": "<words>"} (both optional)`,
    example: '"too expensive" or {"because": "cost", "reason": "over budget"}',
  },
  modify: {
    takes:
      'a proposal id with the changes: {"proposalId": "<id>", "changes": {"instanceType", "storageKind", "storageGb", "iops", "security", "region"}} (the changes may also sit beside the proposal id)',
    example: '{"proposalId": "r1-p2", "storageGb": 500, "storageKind": "raid10-gp3"}',
  },
  addConstraints: {
    takes: 'a constraint in words, a list of them, or {"constraints": [...]}; words or JSON such as {"kind": "minIops", "iops": 3000}',
    example: '"no burstable instances" or ["region eu-west-1", "at least 3000 IOPS"]',
  },
};

const isFeedbackKind = (k: unknown): k is Feedback['kind'] => typeof k === 'string' && Object.hasOwn(FEEDBACK_FORMS, k);

const CHANGE_FIELDS = ['instanceType', 'storageKind', 'storageGb', 'iops', 'security', 'region'];
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An update's argument as a person types it into the Web UI, made into
 * feedback: `reject` takes a reason in words, `accept` a proposal id,
 * `addConstraints` a phrase or a list of them, `modify` its changes beside
 * the proposal id. Anything else is refused with the shape and an example.
 * The object forms the CLI and client send pass through unchanged.
 */
export function feedbackFromPayload(kind: Feedback['kind'], payload: unknown): Record<string, unknown> {
  const refuse = (got: string) => {
    const form = FEEDBACK_FORMS[kind];
    return new FeedbackRejected(`${kind} takes ${form.takes}; got ${got}. For example ${form.example}`);
  };
  const got = (v: unknown) =>
    Array.isArray(v)
      ? 'a list'
      : v === null || v === undefined
        ? 'nothing'
        : typeof v === 'string'
          ? v.trim()
            ? `the text "${v.slice(0, 40)}"`
            : 'an empty text'
          : JSON.stringify(v).slice(0, 40);
  const text = typeof payload === 'string' ? payload.trim() : undefined;
  switch (kind) {
    case 'accept':
      if (text) return { kind, proposalId: text };
      break;
    case 'reject':
      if (payload === undefined || payload === null || text === '') return { kind };
      if (text) return { kind, reason: text };
      break;
    case 'addConstraints':
      // Several phrases in one text go one a line or between semicolons ("families m6i, c6i" keeps its comma).
      if (text) return { kind, constraints: text.split(/\s*(?:;|\n)\s*/).filter(Boolean) };
      if (Array.isArray(payload)) return { kind, constraints: payload };
      if (isRecord(payload) && !('constraints' in payload) && typeof payload.kind === 'string') return { kind, constraints: [payload] };
      break;
    case 'modify':
      if (isRecord(payload) && !('changes' in payload) && CHANGE_FIELDS.some((f) => f in payload)) {
        const changes = Object.fromEntries(Object.entries(payload).filter(([k]) => CHANGE_FIELDS.includes(k)));
        const rest = Object.fromEntries(Object.entries(payload).filter(([k]) => !CHANGE_FIELDS.includes(k)));
        return { ...rest, kind, changes };
      }
      break;
  }
  if (isRecord(payload)) return { ...payload, kind };
  throw refuse(got(payload));
}

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
  if (!parsed.success) {
    const kind = (input as { kind?: unknown } | null)?.kind;
    const shape = isFeedbackKind(kind) ? FEEDBACK_FORMS[kind] : undefined;
    const issues = parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys'
        ? `${i.path.length ? `${i.path.join('.')}: ` : ''}unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`
        : `${i.path.join('.') || 'feedback'}: ${i.message}`,
    );
    throw new FeedbackRejected(`${issues.join('; ')}${shape ? `. ${kind} takes ${shape.takes}; for example ${shape.example}` : ''}`);
  }
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
 * The readings of a rejection to try in order: a cost reason first asks for
 * less than the cheapest rejected, then, if nothing is, for less than their
 * average; every other reason has one reading.
 */
export function rejectionReadings(f: Extract<Feedback, { kind: 'reject' }>, proposals: Proposal[]): UserConstraint[][] {
  const strict = rejectionConstraints(f, proposals);
  return reasonsOf(f).reasons.includes('cost') && proposals.length > 1
    ? [strict, rejectionConstraints(f, proposals, 'on-average')]
    : [strict];
}

/** The reasons of a rejection: the one chosen (`because`) and those its words name. */
export function reasonsOf(f: Extract<Feedback, { kind: 'reject' }>): { reasons: RejectReason[]; read: ReadReason } {
  const read = interpretReason(f.reason);
  const reasons = REJECT_REASONS.filter((r) => r === f.because || read.reasons.includes(r));
  return { reasons, read };
}

/**
 * What a rejection teaches the next round: never these configurations again,
 * and, by each reason given or read from the words, cheaper / more headroom /
 * other families / another region / other storage / stronger security than
 * anything rejected, plus any clause that is a constraint of its own
 * ("too expensive, at most 200 per month").
 */
export function rejectionConstraints(
  f: Extract<Feedback, { kind: 'reject' }>,
  proposals: Proposal[],
  /** How much cheaper "too expensive" asks for: below the cheapest rejected, or (when nothing is) below their average. */
  cheaper: 'than-all' | 'on-average' = 'than-all',
): UserConstraint[] {
  const out: UserConstraint[] = [];
  if (!proposals.length) return out;
  out.push({ kind: 'exclude', keys: proposals.map((p) => p.key) });
  const { reasons, read } = reasonsOf(f);
  for (const reason of reasons) {
    switch (reason) {
      case 'cost': {
        const prices = proposals.map((p) => p.monthlyUsd);
        const average = prices.reduce((a, b) => a + b, 0) / prices.length;
        const usd = cheaper === 'than-all' ? Math.floor(Math.min(...prices) * 0.95) : Math.floor(average * 100 - 1) / 100;
        out.push({ kind: 'maxMonthlyUsd', usd: Math.max(1, usd) });
        break;
      }
      case 'performance':
        out.push({
          kind: 'minHeadroom',
          factor: Math.min(10, Math.round(Math.max(...proposals.map((p) => Math.min(p.headroom, 8))) * 1.25 * 100) / 100),
        });
        break;
      case 'family':
        // Families the words name ("we don't use t3") are avoided; without names, every family offered.
        out.push({
          kind: 'excludeFamilies',
          families: read.families.length ? read.families : [...new Set(proposals.map((p) => p.family))],
        });
        break;
      case 'region': {
        const offered = new Set(proposals.map((p) => p.region));
        // Unnamed: another region with prices, so the next round can be costed.
        const region = read.regions[0] ?? [...PRICED_REGIONS, ...REGIONS].find((r) => !offered.has(r));
        if (region) out.push({ kind: 'region', region });
        break;
      }
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
  }
  const said = new Set(out.map((c) => JSON.stringify(c)));
  return [...out, ...read.constraints.filter((c) => !said.has(JSON.stringify(c)))];
}

/**
 * A rejection as the history tells it: what was understood and from which
 * words, or that the words named nothing Mosaic can act on.
 */
export function describeRejection(f: Extract<Feedback, { kind: 'reject' }>, constraints: UserConstraint[]): string {
  const { reasons, read } = reasonsOf(f);
  const moves = constraints.filter((c) => c.kind !== 'exclude').map(describeConstraint);
  const from = read.evidence.map((e) => `${e.reason} ← "${e.word}"`);
  if (!f.reason && !f.because) return 'no reason given: only these configurations are avoided';
  if (!reasons.length && !read.constraints.length)
    return `"${f.reason}" names no cost, performance, family, region, storage or security: only these configurations are avoided`;
  return [
    reasons.length ? `because of ${reasons.join(', ')}` : 'for the constraints it names',
    f.reason ? ` (read from "${f.reason}"${from.length ? `: ${from.join(', ')}` : ''})` : '',
    moves.length ? `: now ${moves.join(', ')}` : '',
  ].join('');
}

const TEXT_KINDS: [RegExp, Feedback['kind']][] = [
  [/^accept(?:s|ed)?\b/i, 'accept'],
  [/^reject(?:s|ed)?\b/i, 'reject'],
  [/^(?:constrain|add\s*constraints?|addConstraints)\b/i, 'addConstraints'],
];

/**
 * A signal's feedback in words: "accept r1-p2", "reject too expensive",
 * "constrain no burstable types; at least 3000 IOPS". A modification needs
 * its fields, so it is sent as an object.
 */
export function feedbackFromText(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  for (const [re, kind] of TEXT_KINDS) {
    const m = re.exec(trimmed);
    if (m) return feedbackFromPayload(kind, trimmed.slice(m[0].length).replace(/^[\s:,-]+/, ''));
  }
  throw new FeedbackRejected(
    `feedback in words starts with accept, reject or constrain, e.g. "accept r1-p2", "reject too expensive" or "constrain no burstable types"; got "${trimmed.slice(0, 60)}"`,
  );
}

/**
 * What a feedback signal carried, read as feedback (its `id` aside): words,
 * or an object whose known `kind` gets that kind's short forms. Anything else
 * passes as it is, for validateFeedback to refuse with the shapes it takes.
 */
export function feedbackFromSignal(sent: unknown): unknown {
  if (typeof sent === 'string') return feedbackFromText(sent);
  const { id: _id, ...fields } = isRecord(sent) ? sent : {};
  return isFeedbackKind(fields.kind) ? feedbackFromPayload(fields.kind, fields) : fields;
}

/** A cancellation's reason: in words, or {"reason": "<words>", "by": "<who>"}, or nothing. */
export function cancellationFromPayload(payload: unknown): { reason?: string; by?: string } {
  if (payload === undefined || payload === null) return {};
  if (typeof payload === 'string') return payload.trim() ? { reason: payload.trim().slice(0, 500) } : {};
  const parsed = z.strictObject({ reason: z.string().max(500).optional(), by }).safeParse(payload);
  if (!parsed.success)
    throw new FeedbackRejected(
      `cancel takes a reason in words, or {"reason": "<words>", "by": "<who>"}; for example "the project was dropped": ${parsed.error.issues
        .map((i) =>
          i.code === 'unrecognized_keys' ? `unknown field ${i.keys.map((k) => `"${k}"`).join(', ')}` : `${i.path.join('.')}: ${i.message}`,
        )
        .join('; ')}`,
    );
  return parsed.data;
}
