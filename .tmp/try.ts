import highsLoader from '/work/wt7/node_modules/highs';
import { captureLocalHost } from '/work/wt7/src/providers/local-capture';
import { parseManifest } from '/work/wt7/src/snapshot/manifest';
import { parseHost, parseTemplate } from '/work/wt7/src/snapshot/template';
import { NegotiationAgent } from '/work/wt7/src/snapshot/agent';
import { declaredNegotiator } from '/work/wt7/src/snapshot/negotiation';
import { summarise } from '/work/wt7/src/snapshot/summary';
import fs from 'node:fs';
(async () => {
  const m = parseManifest(JSON.parse(fs.readFileSync('/work/wt7/examples/snapshots/custom-environment.json', 'utf8')));
  const host = parseHost({ ...JSON.parse(fs.readFileSync('/work/wt7/examples/snapshots/production_server_1.host.json', 'utf8')), root: '/work/wt7/examples/snapshots/hosts/production_server_1' }) as any;
  const snaps = await Promise.all(m.sources.map(async (s) => {
    const { index, label, type, priority, tags } = s;
    const resources = s.type === 'template' ? parseTemplate(JSON.parse(fs.readFileSync(`/work/wt7/examples/snapshots/${s.id}.json`, 'utf8'))).resources : await captureLocalHost(host, s.path);
    return { source: { index, label, type, priority, tags }, resources };
  }));
  const solver = (await highsLoader()) as any;
  const r = await new NegotiationAgent(snaps, { limits: m.limits, metrics: {}, negotiatorFor: () => declaredNegotiator, solver }).resolve();
  console.log(JSON.stringify(summarise(r), null, 1));
})();
