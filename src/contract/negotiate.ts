/**
 * The negotiation family's contract: negotiateInstance and managePersonas,
 * the `proposals` query, the feedback updates and signals, the view every
 * answer carries and the failure types. Type-only imports from the worker
 * side keep this module free of I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Analysed, ProvisionedInstance, Review } from '../activities/negotiation';
import type { AnyPersonaOperation } from '../activities/persona-store';
import type { ObservedUsage } from '../negotiation/evolution';
import type { FeedbackInput } from '../negotiation/feedback';
import type { Persona, Role, Visibility } from '../negotiation/persona';
import type { NegotiationRequestInput } from '../negotiation/request';
import type { Proposal } from '../negotiation/solver';

export type PersonaOperationKind = AnyPersonaOperation['kind'];
/** A persona store operation of kind K (any of them by default); its kind picks the answer's type. */
export type PersonaOperation<K extends PersonaOperationKind = PersonaOperationKind> = {
  [P in K]: Extract<AnyPersonaOperation, { kind: P }>;
}[K];

/** A persona version in a listing: its ref, who may see it, and how it has done. */
export type PersonaListing = {
  ref: string;
  account: string;
  role: Role;
  visibility: Visibility;
  status: Persona['status'];
  tags: string[];
  timesUsed: number;
  agreements: number;
  averageRounds: number;
};

/** What each persona operation answers with: the listing, or the version shown, created or published. */
export interface PersonaViews {
  list: PersonaListing[];
  show: Persona;
  create: Persona;
  publish: Persona;
}

export type NegotiationStatus =
  'analysing' | 'awaiting-feedback' | 'provisioning' | 'observing' | 'completed' | 'expired' | 'gave-up' | 'cancelled' | 'failed';

export interface HistoryEntry {
  round: number;
  at: string;
  event: string;
  by?: string;
  detail: string;
}

/** What the `proposals` query returns, and every update after it is applied. */
export interface NegotiationView {
  negotiationId: string;
  status: NegotiationStatus;
  round: number;
  proposals: Proposal[];
  constraints: string[];
  analysis?: Pick<
    Analysed['analysis'],
    | 'role'
    | 'method'
    | 'confidence'
    | 'uncertain'
    | 'headroom'
    | 'notes'
    | 'profile'
    | 'kind'
    | 'compliance'
    | 'questions'
    | 'answers'
    | 'schedule'
  >;
  history: HistoryEntry[];
  /** The proposals the round before showed, so a reader sees what changed (absent in round 1). */
  previous?: { round: number; proposals: Proposal[] };
  reminders: number;
  deadline: string;
  /** Which run of the workflow this is: continue-as-new starts the next one. */
  run: number;
  agreed?: Proposal;
  provisioned?: ProvisionedInstance;
  review?: Review;
  reason?: string;
}

export type NegotiationResult = NegotiationView;

/** The workflow types as Temporal knows them, and the signatures their implementations keep. */
export const negotiateInstance = 'negotiateInstance';
export type NegotiateInstance = (input: NegotiationRequestInput) => Promise<NegotiationView>;
export const managePersonas = 'managePersonas';
/** Generic, so the implementation is checked to answer each kind with that kind's view. */
export type ManagePersonas = <K extends PersonaOperationKind>(operation: PersonaOperation<K>) => Promise<PersonaViews[K]>;
/** One kind's instance of it, for the client to start (Temporal's types take a plain function). */
export type ManagePersonasOf<K extends PersonaOperationKind> = (operation: PersonaOperation<K>) => Promise<PersonaViews[K]>;

export const proposalsQuery = defineQuery<NegotiationView>('proposals');
/**
 * Feedback without an answer: an object with its `kind`, or words such as "reject too expensive" or "accept r1-p2".
 * Answers to the questions go this way too: "answer dataGib=500" or {"kind": "answer", "answers": {…}}.
 */
export const feedbackSignal =
  defineSignal<[((FeedbackInput | { kind: 'answer'; answers: Record<string, unknown> | string; by?: string }) & { id?: string }) | string]>(
    'feedback',
  );
export const reportUsageSignal = defineSignal<[ObservedUsage]>('reportUsage');
// Each update also takes its short form, as typed into the Web UI (feedback.ts, FEEDBACK_FORMS).
export const acceptUpdate = defineUpdate<NegotiationView, [{ proposalId: string; by?: string } | string]>('accept');
export const rejectUpdate = defineUpdate<NegotiationView, [{ because?: string; reason?: string; by?: string } | string | undefined]>(
  'reject',
);
export const modifyUpdate = defineUpdate<NegotiationView, [{ proposalId: string; changes: Record<string, unknown>; by?: string }]>(
  'modify',
);
export const addConstraintsUpdate = defineUpdate<NegotiationView, [{ constraints: unknown[]; by?: string } | string | unknown[]]>(
  'addConstraints',
);
/** Ends a negotiation that waits for feedback, without agreement; answers with the ended negotiation. */
export const cancelUpdate = defineUpdate<NegotiationView, [{ reason?: string; by?: string } | string | undefined]>('cancel');
/** Ends the observation of an agreed instance now rather than after `observe.window`; answers once it is reviewed. */
export const endObservationUpdate = defineUpdate<NegotiationView, [{ by?: string } | undefined]>('endObservation');
/**
 * Answers to the first round's questions ("How much data will it hold?"): the workload is analysed again and new proposals follow.
 * Also field=value pairs in words, as typed into the Web UI: "dataGib=500 peakRate=2000".
 */
export const answerQuestionsUpdate = defineUpdate<NegotiationView, [{ answers: Record<string, unknown> | string; by?: string } | string]>(
  'answerQuestions',
);

/** The failure types of negotiation and the persona store (ApplicationFailure `type`). */
export const NegotiationFailure = {
  InvalidNegotiation: 'InvalidNegotiation',
  ConstraintsConflict: 'ConstraintsConflict',
  FeedbackRejected: 'FeedbackRejected',
  ProposalInvalid: 'ProposalInvalid',
  UnknownPersona: 'UnknownPersona',
  InvalidPersona: 'InvalidPersona',
  PersonaRefused: 'PersonaRefused',
} as const;
export type NegotiationFailure = (typeof NegotiationFailure)[keyof typeof NegotiationFailure];

export const negotiateKind = 'negotiate';
export const personasKind = 'personas';
