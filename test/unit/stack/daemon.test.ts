import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../../harness/eventually';
import { isRunning, readRecord, SpawnFailed, startDaemon, stopDaemon } from '../../../src/stack/daemon';

describe('daemons', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-daemon-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const spec = () => ({ name: 'sleeper', executable: '/bin/sleep', args: ['30'], runDir: dir, logDir: dir, ports: {} });

  it('stops exactly the process it started and forgets it', async () => {
    const record = await startDaemon(spec());
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

  it('refuses a program that does not exist with SpawnFailed, records nothing and leaves this process running', async () => {
    const missing = { ...spec(), executable: '/nowhere/no-such-program' };
    const failed = await startDaemon(missing).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(SpawnFailed);
    expect(failed).toMatchObject({ code: 'ENOENT', message: expect.stringContaining('/nowhere/no-such-program') });
    expect(readRecord(dir, 'sleeper')).toBeUndefined();
    // The child's 'error' event came after the rejection; an unlistened one would have failed this test run.
    await new Promise((r) => setTimeout(r, 50));
  });

  it('refuses a file that is not executable with SpawnFailed (EACCES)', async () => {
    const script = path.join(dir, 'not-executable.sh');
    fs.writeFileSync(script, '#!/bin/sh\nsleep 30\n', { mode: 0o644 });
    await expect(startDaemon({ ...spec(), executable: script })).rejects.toMatchObject({ name: 'SpawnFailed', code: 'EACCES' });
  });

  it('runs a launcher that execs the program in its own place, and still refuses a missing program with SpawnFailed', async () => {
    // `env NAME=value` is a launcher: it changes the new process, then execs the program with the same pid.
    const record = await startDaemon({ ...spec(), executable: 'sleep', launcher: ['env', 'MOSAIC_LAUNCHED=1'] });
    await eventually(async () => expect(fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/\/sleep$/), 3000);
    expect(fs.readFileSync(`/proc/${record.pid}/environ`, 'utf8').split('\0')).toContain('MOSAIC_LAUNCHED=1');
    expect(isRunning(record)).toBe(true);
    await stopDaemon(dir, 'sleeper', 1000);
    // Found before the launcher runs: a missing program is the system's ENOENT, not the launcher's exit code.
    await expect(startDaemon({ ...spec(), executable: 'no-such-program', launcher: ['env'] })).rejects.toMatchObject({
      name: 'SpawnFailed',
      code: 'ENOENT',
      message: expect.stringContaining('no such program on PATH'),
    });
    expect(readRecord(dir, 'sleeper')).toBeUndefined();
  });

  it('takes a process in the middle of its exec (its command line empty for a moment) for running', async () => {
    // A launcher's exec empties /proc/<pid>/cmdline for an instant; a poll that lands there must not call the service gone.
    for (let i = 0; i < 10; i++) {
      const record = await startDaemon({ ...spec(), executable: 'sleep', launcher: ['env', 'A=1', 'env', 'B=2'] });
      const until = Date.now() + 100;
      let gone = 0;
      while (Date.now() < until) if (!isRunning(record)) gone++;
      expect(gone).toBe(0);
      await stopDaemon(dir, 'sleeper', 1000);
    }
  });

  it('ends the whole process group: a child the program forked goes with it', async () => {
    const pidFile = path.join(dir, 'child.pid');
    // A shell that forks a sleeper, records its pid, and waits; the sleeper ignores nothing but is not the recorded pid.
    await startDaemon({ ...spec(), executable: '/bin/sh', args: ['-c', `sleep 30 & echo $! > ${pidFile}; wait`] });
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8').trim() === '') await new Promise((r) => setTimeout(r, 20));
    const child = Number(fs.readFileSync(pidFile, 'utf8'));
    await expect(stopDaemon(dir, 'sleeper', 2000)).resolves.toBe('stopped');
    const alive = () => {
      try {
        process.kill(child, 0);
        return !/^\S+ \(\S+\) Z/.test(fs.readFileSync(`/proc/${child}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    await eventually(async () => expect(alive()).toBe(false), 3000);
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
