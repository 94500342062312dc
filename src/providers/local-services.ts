import fs from 'node:fs';
import path from 'node:path';
import { endProcess, processDirectories, processDirectory, stopRecorded } from '../stack/daemon';
import { LocalProvider } from './local';
import { LocalWorkspace } from './local-workspace';

export interface StoppedService {
  pid: number;
  /** The run record's name, or the program's for a process no record named. */
  name: string;
  /** How it was found: by the run record its start wrote, or only by its working directory. */
  found: 'run-record' | 'working-directory';
  /** The record's directory, or the process's working directory. */
  where: string;
}

const program = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
};

/**
 * Ends every service process the local provider and snapshot compositions
 * started under `<dataDir>/resources` (they outlive the worker by design):
 * first by their run records, then any process still working in that tree
 * that no record named (an attempt whose record a retry overwrote). Their
 * files stay; a composition's own teardown removes those.
 */
export async function stopLocalServices(dataDir: string): Promise<StoppedService[]> {
  const stopped: StoppedService[] = [];
  for (const dir of [LocalProvider.servicesDir(dataDir), ...new LocalWorkspace(dataDir).runDirs()]) {
    for (const r of await stopRecorded(dir, 5000)) stopped.push({ pid: r.pid, name: r.name, found: 'run-record', where: dir });
  }
  const resources = path.join(path.resolve(dataDir), 'resources');
  const inTree = (cwd: string | undefined) => cwd !== undefined && cwd.startsWith(`${resources}/`);
  for (const [pid, cwd] of processDirectories()) {
    if (pid === process.pid || !inTree(cwd)) continue;
    const name = program(pid);
    await endProcess(pid, () => inTree(processDirectory(pid)), 5000);
    stopped.push({ pid, name, found: 'working-directory', where: cwd });
  }
  return stopped;
}
