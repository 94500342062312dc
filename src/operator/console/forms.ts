import { SECURITY_LEVELS, STORAGE_KINDS } from '../../negotiation/catalog';
import { REJECT_REASONS } from '../../negotiation/reasons';
import { QUESTION_IDS } from '../../negotiation/workload/questions';

/**
 * The console's forms as the negotiation's updates take them. What a form
 * can tell by itself (a number that is not one, a field too long, a choice
 * not offered) is refused here with the field it belongs to; what needs the
 * negotiation's state (does the proposal exist, does the phrase parse, does
 * the change fit the constraints) is the workflow's validator's, and its
 * answer is put next to the field it names (`fieldOf`).
 */

export const ACTIONS = ['accept', 'reject', 'modify', 'constrain', 'answer'] as const;
export type Action = (typeof ACTIONS)[number];

/** The form fields of each action; the first is where an error that names no field goes. */
export const FIELDS: Record<Action, readonly string[]> = {
  accept: ['proposalId'],
  reject: ['reason', 'because'],
  modify: ['proposalId', 'instanceType', 'storageKind', 'storageGb', 'security'],
  constrain: ['constraints'],
  answer: QUESTION_IDS,
};

export type ActionBody =
  | { action: 'accept'; body: { proposalId: string } }
  | { action: 'reject'; body: { because?: (typeof REJECT_REASONS)[number]; reason?: string } }
  | {
      action: 'modify';
      body: {
        proposalId: string;
        changes: {
          instanceType?: string;
          storageKind?: (typeof STORAGE_KINDS)[number];
          storageGb?: number;
          security?: (typeof SECURITY_LEVELS)[number];
        };
      };
    }
  | { action: 'constrain'; body: { constraints: string[] } }
  | { action: 'answer'; body: { answers: Record<string, number | string> } };

export type FieldErrors = Record<string, string>;

export type Parsed = { ok: true; value: ActionBody; updateId: string } | { ok: false; errors: FieldErrors };

/** Bounds of what a form may carry: the workflow bounds them again. */
const MAX_TEXT = 500;
const MAX_CONSTRAINTS = 50;
const MAX_PHRASE = 200;
const UPDATE_ID = /^[A-Za-z0-9-]{8,64}$/;
const PROPOSAL_ID = /^[A-Za-z0-9-]{1,40}$/;
const INSTANCE_TYPE = /^[a-z0-9-]{1,20}\.[a-z0-9-]{1,20}$/;

type Form = Record<string, string | undefined>;

const text = (form: Form, field: string) => (form[field] ?? '').trim();

export function parseAction(action: Action, form: Form): Parsed {
  const errors: FieldErrors = {};
  const updateId = text(form, 'updateId');
  if (!UPDATE_ID.test(updateId)) errors.updateId = 'the form has no update id: reload the page and send it again';
  const proposalId = () => {
    const id = text(form, 'proposalId');
    if (!id) errors.proposalId = 'choose a proposal';
    else if (!PROPOSAL_ID.test(id)) errors.proposalId = 'a proposal id such as r1-p2';
    return id;
  };
  const choice = <T extends string>(field: string, allowed: readonly T[]): T | undefined => {
    const v = text(form, field);
    if (!v) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      errors[field] = `one of ${allowed.join(', ')}`;
      return undefined;
    }
    return v as T;
  };
  const value = ((): ActionBody | undefined => {
    switch (action) {
      case 'accept':
        return { action, body: { proposalId: proposalId() } };
      case 'reject': {
        const because = choice('because', REJECT_REASONS);
        const reason = text(form, 'reason');
        if (reason.length > MAX_TEXT) errors.reason = `at most ${MAX_TEXT} characters (this has ${reason.length})`;
        if (!reason && !because && !errors.because) errors.reason = 'say what is wrong, in words or by choosing a reason';
        return { action, body: { ...(because && { because }), ...(reason && { reason }) } };
      }
      case 'modify': {
        const id = proposalId();
        const instanceType = text(form, 'instanceType').toLowerCase();
        if (instanceType && !INSTANCE_TYPE.test(instanceType)) errors.instanceType = 'an instance type such as m6i.large';
        const storageKind = choice('storageKind', STORAGE_KINDS);
        const security = choice('security', SECURITY_LEVELS);
        const size = text(form, 'storageGb');
        let storageGb: number | undefined;
        if (size) {
          storageGb = Number(size);
          if (!/^\d+$/.test(size) || storageGb < 1 || storageGb > 64_000) errors.storageGb = 'a whole number of GiB from 1 to 64000';
        }
        const changes = {
          ...(instanceType && { instanceType }),
          ...(storageKind && { storageKind }),
          ...(storageGb !== undefined && { storageGb }),
          ...(security && { security }),
        };
        if (!Object.keys(changes).length && !Object.keys(errors).some((k) => k !== 'updateId' && k !== 'proposalId'))
          errors.instanceType = 'change at least one of instance type, storage or security';
        return { action, body: { proposalId: id, changes } };
      }
      case 'constrain': {
        // One phrase a line, or several on a line separated by ";" (as the CLI takes them).
        const phrases = text(form, 'constraints')
          .split(/[\n;]/)
          .map((p) => p.trim())
          .filter(Boolean);
        if (!phrases.length) errors.constraints = 'write a constraint, such as "no burstable types" or "at most 200 per month"';
        else if (phrases.length > MAX_CONSTRAINTS) errors.constraints = `at most ${MAX_CONSTRAINTS} constraints at once`;
        else {
          const long = phrases.find((p) => p.length > MAX_PHRASE);
          if (long) errors.constraints = `a constraint is at most ${MAX_PHRASE} characters: "${long.slice(0, 40)}…"`;
        }
        return { action, body: { constraints: phrases } };
      }
      case 'answer': {
        const answers: Record<string, number | string> = {};
        for (const id of QUESTION_IDS) {
          const v = text(form, id);
          if (!v) continue;
          if (v.length > MAX_PHRASE) errors[id] = `at most ${MAX_PHRASE} characters`;
          // The kind is a word; every other answer is a number in the question's unit ("2 000" and "2,000" too).
          else if (id === 'kind') answers[id] = v;
          else {
            const n = Number(v.replace(/[\s,_]/g, ''));
            if (!Number.isFinite(n)) errors[id] = `a number (the question's unit), not "${v.slice(0, 40)}"`;
            else answers[id] = n;
          }
        }
        if (!Object.keys(answers).length && !Object.keys(errors).length) errors[QUESTION_IDS[0]!] = 'answer at least one question';
        return { action, body: { answers } };
      }
    }
  })();
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: value!, updateId };
}

/**
 * The field a refusal from the workflow belongs to. Refusals start with the
 * path of what they refuse ("changes.storageGb: expected…", "answers.dataGib:
 * …", "instanceType: m9.huge is not in the catalog"), or name a proposal
 * ("proposal r1-p9 does not exist"); anything else goes to the form's first field.
 */
export function fieldOf(action: Action, message: string): string {
  const fields = FIELDS[action];
  const head = /^([A-Za-z.[\]0-9]+):/.exec(message)?.[1]?.split('.').pop();
  if (head && fields.includes(head)) return head;
  if (/^proposal\b/.test(message) && fields.includes('proposalId')) return 'proposalId';
  if (action === 'reject' && /^because\b/.test(message)) return 'because';
  return fields[0]!;
}
