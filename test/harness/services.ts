import fs from 'node:fs';
import path from 'node:path';
import { stopDaemon } from '../../src/stack/daemon';

/** Stops every instance process the local provider started under a data dir (agreed negotiation instances, services). */
export async function stopLocalServices(dataDir: string): Promise<void> {
  const runDir = path.join(dataDir, 'resources', 'services');
  if (!fs.existsSync(runDir)) return;
  for (const file of fs.readdirSync(runDir).filter((f) => f.endsWith('.json')))
    await stopDaemon(runDir, file.slice(0, -'.json'.length), 2000);
}
