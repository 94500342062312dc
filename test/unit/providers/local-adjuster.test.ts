import net from 'node:net';
import { localHostAdjuster } from '../../../src/providers/local-adjuster';
import { resourceSchema } from '../../../src/snapshot/resources';
import { freePort, isPortFree } from '../../../src/stack/ports';

describe("the local provider's adjustments", () => {
  it('offers the next port no source claims that is also free on this machine', async () => {
    let base = 0;
    while (!base) {
      const p = await freePort();
      if (p < 65000 && (await isPortFree(p + 1)) && (await isPortFree(p + 2)) && (await isPortFree(p + 3))) base = p;
    }
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(base + 2, '127.0.0.1', r));
    try {
      const port = resourceSchema.parse({ kind: 'port', number: base, service: 'web' });
      const source = { index: 1, label: 'production_server_1', type: 'live' as const, priority: 2, tags: [] };
      const offers = await localHostAdjuster.alternatives({ source, resource: port, taken: (k) => k === `port:${base + 1}/tcp` });
      expect(offers).toEqual([{ ...port, number: base + 3 }]);
    } finally {
      busy.close();
    }
  });

  it('renames a file beside itself, as any source accepts', async () => {
    const file = resourceSchema.parse({ kind: 'file', path: '/var/app/app.conf', hash: 'a'.repeat(64), size: 1 });
    const source = { index: 0, label: 'template_a', type: 'template' as const, priority: 1, tags: [] };
    expect(await localHostAdjuster.alternatives({ source, resource: file, taken: () => false })).toEqual([
      { ...file, path: '/var/app/app.conf.template_a' },
    ]);
  });
});
