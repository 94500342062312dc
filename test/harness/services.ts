import fs from 'node:fs';
import path from 'node:path';
import { processDirectories, stopDaemon } from '../../src/stack/daemon';

/** Stops every instance process the local provider started under a data dir (agreed negotiation instances, services). */
export async function stopLocalServices(dataDir: string): Promise<void> {
  const runDir = path.join(dataDir, 'resources', 'services');
  if (!fs.existsSync(runDir)) return;
  for (const file of fs.readdirSync(runDir).filter((f) => f.endsWith('.json')))
    await stopDaemon(runDir, file.slice(0, -'.json'.length), 2000);
}

/**
 * Ends whatever still runs inside a data dir (a snapshot's services, an
 * instance), found by working directory: what a test's demo left running when
 * it failed before the test learnt its workflow ids.
 */
export function killProcessesUnder(dataDir: string): void {
  const root = `${path.resolve(dataDir)}/`;
  for (const [pid, cwd] of processDirectories())
    if (`${cwd}/`.startsWith(root) && pid !== process.pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
}
