import { z } from 'zod';
import { BUILTIN_PERSONAS } from './builtin-personas';
import { profileFromStructured, structuredWorkloadSchema } from './capacity';
import { DIMENSIONS, profileOf, round, type Compliance, type Figures, type PersonaBody, type ResourceProfile, type Role } from './persona';
import type { KindGuess } from './encoder/nearest-kind';
import type { TextModel } from './text-model';
import { analyzeDescription, type WorkloadAnalysis } from './workload/analyze';
import type { Answers, Question } from './workload/questions';

/** A workload as prose ("run a medium-sized e-commerce website with a nightly report") or as numbers. */
export const workloadSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('text'),
      text: z.string().trim().min(3, { message: 'expected a description of at least a few words' }).max(2000),
    }),
    z.strictObject({ kind: z.literal('structured'), workload: structuredWorkloadSchema }),
  ],
  { message: 'expected kind "text" with a description or kind "structured" with a workload' },
);
export type Workload = z.infer<typeof workloadSchema>;
export type WorkloadInput = z.input<typeof workloadSchema>;

export interface AnalyzerSettings {
  /** Capacity ≥ predicted peak × headroom. */
  headroom: number;
  /** Below this confidence the estimate is called uncertain and the headroom widened. */
  confidenceThreshold: number;
  widenedHeadroom: number;
}

export const DEFAULT_ANALYZER: AnalyzerSettings = { headroom: 1.3, confidenceThreshold: 0.6, widenedHeadroom: 1.6 };

export interface Analysis {
  role: Role;
  profile: ResourceProfile;
  /** formulas: structured numbers; workload-analyzer: a description read; text-model: a description of no kind the analyzer knows, guessed by the learned model. */
  method: 'formulas' | 'workload-analyzer' | 'text-model';
  /** The workload kind the description names (text workloads). */
  kind?: WorkloadAnalysis['kind'];
  /** Regimes the description names: every proposal must meet them. */
  compliance: Compliance[];
  /** Whether the workload faces the internet (443 only) or stays internal; undefined: the persona's ingress applies. */
  publicIngress?: boolean;
  /** What the analysis needed and did not find; answers refine it. */
  questions: Question[];
  /** Answers given so far. */
  answers?: Answers;
  /** Part-time use read from the description. */
  schedule?: WorkloadAnalysis['schedule'];
  confidence: number;
  uncertain: boolean;
  headroom: number;
  /** The persona whose trust boundary and budget apply: the base persona, or the built-in one of the role. */
  persona: { name: string; version?: number };
  notes: string[];
}

const maxProfile = (a: ResourceProfile, b: ResourceProfile): ResourceProfile => {
  const out = { storageGb: Math.max(a.storageGb, b.storageGb) } as ResourceProfile;
  for (const d of DIMENSIONS)
    out[d] = {
      peak: Math.max(a[d].peak, b[d].peak),
      average: Math.max(a[d].average, b[d].average),
      sustained: Math.max(a[d].sustained, b[d].sustained),
    };
  return out;
};

/** The built-in persona of a role: where a request without a base persona takes its security profile and budget. */
export function defaultPersonaOf(role: Role): PersonaBody {
  return BUILTIN_PERSONAS.find((p) => p.role === role)!;
}

/**
 * Predicts the resource profile of a workload. Structured workloads go through
 * the capacity formulas (certain); descriptions through the text model, whose
 * confidence below the threshold widens the headroom. A base persona's
 * profile is a floor: the workload can only raise it.
 */
const figures = (peak: number, average: number, digits = 3): Figures => ({
  peak: round(peak, digits),
  average: round(average, digits),
  sustained: round(Math.sqrt(peak * average), digits),
});

/**
 * An analysis of a description as a resource profile (memory is held all
 * day). Proposals take headroom on the load; the smallest instance the kind
 * is run on is a floor on the capacity, not on the load, so it is divided by
 * the headroom here: a wiki's 0.3 vCPU asks for a 2 vCPU machine, not a 4.
 */
export function profileOfAnalysis(a: WorkloadAnalysis, headroom = 1): ResourceProfile {
  // Rounded down: 4 GiB ÷ 1.3 rounded up would ask for 4.0001 GiB, and the next size up.
  const atLeast = (d: 'vcpu' | 'memoryGib') => Math.max(a.load[d], Math.floor((a.peak[d] / headroom) * 1000) / 1000);
  return {
    cpu: figures(atLeast('vcpu'), a.average.vcpu),
    memoryGb: figures(atLeast('memoryGib'), a.average.memoryGib),
    iops: figures(a.peak.iops, a.average.iops, 0),
    networkGbps: figures(a.peak.networkGbps, a.average.networkGbps),
    storageGb: a.storageGib,
  };
}

export function analyse(
  workload: Workload,
  base: (PersonaBody & { version?: number }) | undefined,
  model: TextModel | undefined,
  settings: AnalyzerSettings = DEFAULT_ANALYZER,
  answers?: Answers,
  /** The sentence encoder's nearest kind, for a description the rules cannot place (encoder/likeness.ts). */
  likeness?: KindGuess,
): Analysis {
  const notes: string[] = [];
  let role: Role;
  let profile: ResourceProfile;
  let confidence: number;
  let method: Analysis['method'];
  let read: WorkloadAnalysis | undefined;
  if (workload.kind === 'structured') {
    role = workload.workload.role;
    profile = profileFromStructured(workload.workload);
    confidence = 1;
    method = 'formulas';
    notes.push(
      `capacity formulas for a ${role} at ${workload.workload.requestsPerSecond} requests/s (peak ×${workload.workload.peakFactor})`,
    );
  } else {
    read = analyzeDescription(workload.text, { answers, lifecycleDays: base?.lifecycle.durationDays, likeness });
    if (read.role !== 'unknown') {
      role = read.role;
      // The headroom the proposals will take: widened when the estimate is uncertain.
      profile = profileOfAnalysis(read, read.confidence < settings.confidenceThreshold ? settings.widenedHeadroom : settings.headroom);
      confidence = read.confidence;
      method = 'workload-analyzer';
      notes.push(`read a ${read.kind} (${read.evidence.slice(0, 3).join(', ')}) with confidence ${read.confidence}`, ...read.notes);
    } else {
      if (!model) throw new Error('the text model is not loaded');
      // No kind the analyzer knows: the learned model guesses, and the first round asks what it is.
      const prediction = model.predict(workload.text);
      role = prediction.role;
      profile = prediction.profile;
      confidence = Math.min(prediction.confidence, 0.5);
      method = 'text-model';
      notes.push(
        `no known kind of workload named: the text model (${model.examples} examples) guesses a ${role} with confidence ${confidence}`,
      );
    }
  }
  if (base) {
    if (base.role !== role) notes.push(`base persona ${base.name} is a ${base.role}; its role wins over the predicted ${role}`);
    role = base.role;
    profile = maxProfile(profileOf(base.performance.series, base.performance.storageGb), profile);
    notes.push(`base persona ${base.name}${base.version ? `@${base.version}` : ''}'s profile is the floor`);
  }
  const uncertain = confidence < settings.confidenceThreshold;
  if (uncertain)
    notes.push(
      `estimate uncertain (confidence ${round(confidence, 2)} < ${settings.confidenceThreshold}): headroom widened from ×${settings.headroom} to ×${settings.widenedHeadroom}`,
    );
  if (read?.questions.length) notes.push(`asks: ${read.questions.map((q) => q.question).join(' ')}`);
  return {
    role,
    profile,
    method,
    kind: read?.kind,
    compliance: read?.compliance ?? [],
    publicIngress: read?.publicIngress,
    questions: read?.questions ?? [],
    answers,
    schedule: read?.schedule,
    confidence,
    uncertain,
    headroom: uncertain ? settings.widenedHeadroom : settings.headroom,
    persona: base ? { name: base.name, version: base.version } : { name: defaultPersonaOf(role).name },
    notes,
  };
}
