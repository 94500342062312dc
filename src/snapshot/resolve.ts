import { ResolutionAgent, type AgentOptions } from './agent';
import type { Limits, Strategy } from './manifest';
import type { Resolution } from './resolution';
import type { Snapshot } from './resources';
import { resolveByRule } from './strategies';

/** One composition's resolution under the manifest's strategy; the agent's needs are asked for only when it runs. */
export async function resolveSnapshots(
  snapshots: Snapshot[],
  strategy: Strategy,
  limits: Limits,
  agent: () => Promise<Omit<AgentOptions, 'limits'>>,
): Promise<Resolution> {
  if (strategy !== 'AI_AGENT') return resolveByRule(snapshots, strategy, limits);
  return new ResolutionAgent(snapshots, { ...(await agent()), limits }).resolve();
}
