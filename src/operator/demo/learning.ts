import type { KeyPair } from '../../security/keys';
import type { MosaicClient } from '../../client/mosaic-client';

/**
 * The learning loop in the demo: a retrain now, on what the compose family
 * just logged. With few outcomes it ends with "not enough data" and changes
 * nothing, which is the honest result on a fresh stack; after real traffic
 * it trains, evaluates off-policy and promotes only a better model. The
 * retrain is signed with the demo's admin key, as a retrain by hand must be.
 */
export async function demoLearning(
  client: MosaicClient,
  key: KeyPair,
): Promise<{ family: string; workflowId: string; outcome: string; url: string }> {
  const result = await client.models.retrain({}, key.privateKeyPem);
  const status = await client.models.status();
  const schedule = status.schedule ? `schedule every ${status.schedule.interval}` : 'no schedule yet';
  const outcome =
    result.status === 'busy'
      ? `another retrain is running (${result.holder})`
      : result.status === 'not-enough-data'
        ? `${result.message}; serving ${status.serving}, ${schedule}`
        : `bandit-v${result.version} ${result.promoted ? 'promoted' : 'kept as candidate'}: ${result.decision.reason}; ${schedule}`;
  return { family: 'learning', workflowId: result.workflowId, outcome, url: result.url };
}
