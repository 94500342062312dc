import fs from 'node:fs';
import path from 'node:path';
import { rootFailure } from '../../client/failures';
import type { KeyPair } from '../../security/keys';
import { readableId, type MosaicClient } from '../../client/mosaic-client';
import { hostFromFile } from '../../client/snapshot';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples', 'snapshots');
const json = (file: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));

/**
 * The specification's example: templates template_a and template_b and the
 * live host production_server_1 (a directory on this machine) composed with
 * AI_AGENT and started. The environment keeps running, like the other demos'
 * resources; the previous demo composition is cancelled first, as it holds
 * the same ports. The host is a governed object: the demo's admin key
 * registers it (a signed change, accepted again unchanged on a second run).
 */
export async function runSnapshotDemo(client: MosaicClient, key: KeyPair): Promise<{ workflowId: string; outcome: string; url: string }> {
  const last = path.join(client.config.dataDir, 'demo-snapshot.json');
  if (fs.existsSync(last)) {
    const { workflowId } = JSON.parse(fs.readFileSync(last, 'utf8')) as { workflowId: string };
    await client.snapshots.cancel(workflowId, 'replaced by a new demo run').catch(() => undefined);
  }
  for (const id of ['template_a', 'template_b']) {
    await client.snapshots.catalog({ operation: 'template.create', template: json(`${id}.json`) }).catch((err) => {
      // Someone stored other content under the demo's id: compose with theirs.
      if (rootFailure(err)?.type !== 'TemplateExists') throw err;
    });
  }
  const hostFile = path.join(EXAMPLES, 'production_server_1.host.json');
  await client.governance.change(
    { operation: 'host.register', host: hostFromFile(hostFile, json('production_server_1.host.json')) },
    key.privateKeyPem,
  );
  const handle = await client.snapshots.compose(json('custom-environment.json'), readableId('demo-snapshot'));
  fs.mkdirSync(path.dirname(last), { recursive: true });
  fs.writeFileSync(last, JSON.stringify({ workflowId: handle.workflowId }));
  const status = await client.snapshots.waitFor(handle, ['running', 'degraded']);
  const r = status.resolution!;
  const decided = r.decisions.map((d) => `${d.kind} ${d.winner}${d.adjusted.length ? ` (${d.adjusted.join(', ')})` : ''}`).join('; ');
  const services = status.services.map((s) => `${s.name}${s.port ? `:${s.port}` : ''}`).join(', ');
  return {
    workflowId: handle.workflowId,
    outcome: `${r.resources} resources from 3 sources, ${r.conflicts} conflicts (${decided}); ${r.totals.cpu} of 8 cores; running ${services}; cancel with \`mosaic snapshot cancel ${handle.workflowId}\``,
    url: handle.url,
  };
}
