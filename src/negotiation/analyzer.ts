import { z } from 'zod';
import { BUILTIN_PERSONAS } from './builtin-personas';
import { profileFromStructured, structuredWorkloadSchema } from './capacity';
import { DIMENSIONS, profileOf, round, type PersonaBody, type ResourceProfile, type Role } from './persona';
import type { TextModel } from './text-model';

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
  method: 'formulas' | 'text-model';
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
export function analyse(
  workload: Workload,
  base: (PersonaBody & { version?: number }) | undefined,
  model: TextModel | undefined,
  settings: AnalyzerSettings = DEFAULT_ANALYZER,
): Analysis {
  const notes: string[] = [];
  let role: Role;
  let profile: ResourceProfile;
  let confidence: number;
  let method: Analysis['method'];
  if (workload.kind === 'structured') {
    role = workload.workload.role;
    profile = profileFromStructured(workload.workload);
    confidence = 1;
    method = 'formulas';
    notes.push(
      `capacity formulas for a ${role} at ${workload.workload.requestsPerSecond} requests/s (peak ×${workload.workload.peakFactor})`,
    );
  } else {
    if (!model) throw new Error('the text model is not loaded');
    const prediction = model.predict(workload.text);
    role = prediction.role;
    profile = prediction.profile;
    confidence = prediction.confidence;
    method = 'text-model';
    notes.push(`text model (${model.examples} examples) reads a ${role} with confidence ${confidence}`);
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
  return {
    role,
    profile,
    method,
    confidence,
    uncertain,
    headroom: uncertain ? settings.widenedHeadroom : settings.headroom,
    persona: base ? { name: base.name, version: base.version } : { name: defaultPersonaOf(role).name },
    notes,
  };
}
