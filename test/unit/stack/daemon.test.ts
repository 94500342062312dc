import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunning, readRecord, startDaemon, stopDaemon } from '../../../src/stack/daemon';

describe('daemons', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-daemon-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const spec = () => ({ name: 'sleeper', executable: '/bin/sleep', args: ['30'], runDir: dir, logDir: dir, ports: {} });

  it('stops exactly the process it started and forgets it', async () => {
    const record = startDaemon(spec());
    expect(isRunning(record)).toBe(true);
    expect(readRecord(dir, 'sleeper')?.pid).toBe(record.pid);
    await expect(stopDaemon(dir, 'sleeper')).resolves.toBe('stopped');
    expect(isRunning(record)).toBe(false);
    expect(readRecord(dir, 'sleeper')).toBeUndefined();
  });

  it('never signals a process whose command line is not the recorded one', async () => {
    // A stale record whose pid now belongs to someone else (here: this test process).
    fs.writeFileSync(
      path.join(dir, 'ghost.json'),
      JSON.stringify({
        name: 'ghost',
        pid: process.pid,
        executable: '/usr/bin/ferretdb-not-this',
        args: [],
        log: '',
        startedAt: '',
        ports: {},
      }),
    );
    await expect(stopDaemon(dir, 'ghost')).resolves.toBe('not-running');
    expect(readRecord(dir, 'ghost')).toBeUndefined();
  });

  it('reports not-running when there is no record', async () => {
    await expect(stopDaemon(dir, 'nothing')).resolves.toBe('not-running');
  });
});

describe('isRunning', () => {
  it('does not take another process of the same program for ours', () => {
    // This test runs in node too, with other arguments.
    expect(
      isRunning({
        name: 'w',
        pid: process.pid,
        executable: process.execPath,
        args: ['/nowhere/bin/mosaic.js', 'worker'],
        log: '',
        startedAt: '',
        ports: {},
      }),
    ).toBe(false);
    expect(isRunning({ name: 'w', pid: process.pid, executable: process.execPath, args: [], log: '', startedAt: '', ports: {} })).toBe(
      true,
    );
  });
});
