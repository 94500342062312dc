import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../../harness/eventually';
import { parseMountinfo, parseProcCgroup, rlimitsInForce, ServiceLimits } from '../../../src/providers/service-limits';
import { startDaemon, stopDaemon } from '../../../src/stack/daemon';

describe('finding the cgroup hierarchies', () => {
  it('reads v1 controllers and the v2 mount from mountinfo, ignoring everything else', () => {
    const text = [
      '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
      '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
      '35 31 0:32 /lxc/c1 /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
      '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd',
      '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw',
    ].join('\n');
    expect(parseMountinfo(text)).toEqual([
      { version: 1, mount: '/sys/fs/cgroup/cpu', root: '/', controllers: ['cpu'] },
      { version: 1, mount: '/sys/fs/cgroup/memory', root: '/lxc/c1', controllers: ['memory'] },
      { version: 1, mount: '/sys/fs/cgroup/systemd', root: '/', controllers: [] },
      { version: 2, mount: '/sys/fs/cgroup/unified', root: '/', controllers: [] },
    ]);
  });

  it("reads the process's own groups, joined controllers included", () => {
    const own = parseProcCgroup('4:memory:/process_api/abc\n2:cpu,cpuacct:/\n0::/user.slice\n');
    expect([own.get('memory'), own.get('cpu'), own.get('cpuacct'), own.get('')]).toEqual(['/process_api/abc', '/', '/', '/user.slice']);
  });
});

// On a machine with a writable memory cgroup (v1 or v2), the limit is the kernel's; elsewhere the fallback says so.
describe('confining a real process', () => {
  it('puts it in a group with its memory and CPU limits, and removes the group after it ends', async () => {
    const limits = new ServiceLimits();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const group = `test-${process.pid}-${Date.now()}`;
    const e = limits.confine(group, child.pid!, { cpu: 0.25, memoryBytes: 48 * 2 ** 20 });
    let groupDir: string | undefined;
    if (e.memory === 'cgroup-v1' || e.memory === 'cgroup-v2') {
      const line = fs.readFileSync(`/proc/${child.pid}/cgroup`, 'utf8');
      expect(line).toContain(`/mosaic-services/${group}`);
      const memoryPath = /^\d+:memory:(.*)$/m.exec(line)?.[1] ?? /^0::(.*)$/m.exec(line)![1]!;
      groupDir = e.memory === 'cgroup-v1' ? `/sys/fs/cgroup/memory${memoryPath}` : `/sys/fs/cgroup${memoryPath}`;
      expect(fs.existsSync(groupDir)).toBe(true);
      expect(e.detail).toMatch(/48MiB/);
      expect(e.detail).toMatch(/25000\/100000 \(0\.25 cores\)/);
    } else {
      expect(e.detail).toMatch(/RLIMIT_DATA=48MiB|memory not enforced/);
      expect(e.cpu).toBe('none');
    }
    expect(limits.memoryKill(group)).toBeUndefined();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await limits.release(group);
    if (groupDir) expect(fs.existsSync(groupDir)).toBe(false);
  });
});

describe('rlimits set before exec', () => {
  const limitsFile = (data: string, files: string, core: string) =>
    [
      'Limit                     Soft Limit           Hard Limit           Units',
      `Max data size             ${data}            ${data}            bytes`,
      `Max core file size        ${core}                    ${core}                    bytes`,
      `Max open files            ${files}                 ${files}                 files`,
    ].join('\n');

  it('reads them back from /proc/<pid>/limits: soft and hard, data, open files and core', () => {
    expect(rlimitsInForce(limitsFile('50331648', '1024', '0'), 48 * 2 ** 20)).toBe(true);
    expect(rlimitsInForce(limitsFile('unlimited', '1024', '0'), 48 * 2 ** 20)).toBe(false);
    expect(rlimitsInForce(limitsFile('50331648', '1048576', '0'), 48 * 2 ** 20)).toBe(false);
    expect(rlimitsInForce(limitsFile('50331648', '1024', 'unlimited'), 48 * 2 ** 20)).toBe(false);
    expect(rlimitsInForce('', 48 * 2 ** 20)).toBe(false);
  });

  it('hold for a process started through the launcher, and its status says they do', async () => {
    const limits = new ServiceLimits();
    const launcher = limits.rlimitLauncher({ cpu: 0.5, memoryBytes: 48 * 2 ** 20 });
    if (!launcher) return void expect(spawnSync('prlimit', ['--version']).status).not.toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosaic-rlimit-'));
    try {
      const record = await startDaemon({ name: 'held', executable: 'sleep', args: ['30'], runDir: dir, logDir: dir, ports: {}, launcher });
      // After its exec the process is sleep, with the limits prlimit set on itself.
      await eventually(async () => expect(fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/\/sleep$/), 3000);
      expect(rlimitsInForce(fs.readFileSync(`/proc/${record.pid}/limits`, 'utf8'), 48 * 2 ** 20)).toBe(true);
      expect(limits.confineWithRlimits(record.pid, { cpu: 0.5, memoryBytes: 48 * 2 ** 20 })).toMatchObject({
        memory: 'rlimit',
        detail: expect.stringMatching(/^rlimit RLIMIT_DATA=48MiB, RLIMIT_NOFILE=1024, RLIMIT_CORE=0, cpu not enforced/),
      });
      await stopDaemon(dir, 'held', 1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
