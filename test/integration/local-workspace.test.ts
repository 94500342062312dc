import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalWorkspace } from '../../src/providers/local-workspace';
import { resourceSchema, type ServiceResource } from '../../src/snapshot/resources';
import { isRunning, processDirectories, readRecord } from '../../src/stack/daemon';
import { canConnect, freePort } from '../../src/stack/ports';

// A worker SIGKILLed between starting a snapshot service and writing its run
// record leaves the service running unrecorded; the retry must not start a
// second one beside it (which would fail to listen while the health check
// reached the orphan) and must end up with a record naming the live process.
describe('LocalWorkspace.startService after a lost run record', () => {
  let dataDir: string;
  let workspace: LocalWorkspace;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-workspace-'));
    workspace = new LocalWorkspace(dataDir);
  });

  afterAll(async () => {
    await workspace.teardown('orphaned');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends the unrecorded service of the same name, starts one, and records the one that listens', async () => {
    await workspace.materialise('orphaned', [], () => undefined);
    const port = await freePort();
    const web = resourceSchema.parse({ kind: 'service', name: 'web', ports: [port] }) as ServiceResource;
    const first = await workspace.startService('orphaned', web, {}, 'service:web');
    const other = await workspace.startService(
      'orphaned',
      resourceSchema.parse({ kind: 'service', name: 'worker', ports: [await freePort()] }) as ServiceResource,
      {},
      'service:worker',
    );
    const runDir = path.join(workspace.dir('orphaned'), 'run');
    fs.rmSync(path.join(runDir, `${first.runName}.json`));

    const again = await workspace.startService('orphaned', web, {}, 'service:web');
    expect(again.pid).not.toBe(first.pid);
    const tree = path.join(workspace.dir('orphaned'), 'fs');
    const inTree = [...processDirectories()].filter(([, dir]) => dir === tree).map(([pid]) => pid);
    expect(inTree.sort()).toEqual([again.pid, other.pid].sort());
    expect(isRunning(readRecord(runDir, again.runName)!)).toBe(true);
    expect(await canConnect(port)).toBe(true);
    expect(await workspace.teardown('orphaned')).toEqual({ stopped: ['web', 'worker'], exited: [] });
  });
});
