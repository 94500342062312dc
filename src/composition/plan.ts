import type { HandlerDescriptor } from '../handlers/descriptor';
import type { DecisionRecord } from '../learning/logged';

export interface PlannedStep {
  stage: string;
  ref: string;
  /** 1 for required handlers, the choice's probability otherwise. */
  probability: number;
  reason: 'required' | 'chosen' | 'canary';
  requires: string[];
  provides: string[];
  undo: boolean;
  retry: HandlerDescriptor['retry'];
  timeoutMs: number;
  /** What the decision saw and did, for chosen steps: logged with the outcome for retraining and off-policy evaluation. */
  decision?: DecisionRecord;
}

export class PlanInvalid extends Error {
  readonly type = 'PlanInvalid';
  constructor(message: string) {
    super(message);
    this.name = 'PlanInvalid';
  }
}

/**
 * Groups steps into levels that run one after another; steps within a level
 * run in parallel. A stage waits for the stages PDL orders it after and for
 * every stage that provides a capability one of its handlers requires.
 */
export function planLevels(order: string[], steps: PlannedStep[], dependsOn: Record<string, string[]>): PlannedStep[][] {
  const byStage = new Map(order.map((s) => [s, steps.filter((step) => step.stage === s)]));
  const level = new Map<string, number>();
  for (const [position, stage] of order.entries()) {
    const deps = new Set(dependsOn[stage] ?? []);
    for (const step of byStage.get(stage)!) {
      for (const capability of step.requires) {
        const providers = order.filter((s) => byStage.get(s)!.some((p) => p.provides.includes(capability)));
        const earlier = providers.filter((s) => order.indexOf(s) < position);
        if (!earlier.length) {
          throw new PlanInvalid(
            providers.length
              ? `${step.ref} in stage ${stage} requires "${capability}", which only the later stage ${providers.join(', ')} provides; reorder the stages`
              : `${step.ref} in stage ${stage} requires "${capability}", which no handler in the plan provides`,
          );
        }
        earlier.forEach((s) => deps.add(s));
      }
    }
    level.set(stage, Math.max(0, ...[...deps].filter((d) => level.has(d)).map((d) => level.get(d)! + 1)));
  }
  const levels: PlannedStep[][] = [];
  for (const stage of order) {
    const l = level.get(stage)!;
    (levels[l] ??= []).push(...byStage.get(stage)!);
  }
  return levels.filter((l) => l.length > 0);
}
