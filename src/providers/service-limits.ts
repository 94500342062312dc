import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findProgram } from '../stack/daemon';
import { formatBytes, formatCpu } from '../snapshot/units';
import { readText } from './read-text';

/**
 * The CPU and memory a composed service was allocated, enforced by the
 * kernel: in a cgroup v2 (memory.max, cpu.max) where the unified hierarchy
 * offers both controllers and lets Mosaic make a group, else in cgroup v1
 * groups (memory.limit_in_bytes, cpu.cfs_quota_us) under the worker's own,
 * else with an rlimit on the data segment (memory only: no rlimit caps a CPU
 * share). The service's status says which was used.
 */

export type LimitMechanism = 'cgroup-v2' | 'cgroup-v1' | 'rlimit' | 'none';

export interface Enforcement {
  memory: LimitMechanism;
  cpu: LimitMechanism;
  /** What was written where, for a person: "cgroup-v1 memory.limit_in_bytes=64MiB, cpu.cfs_quota_us=10000/100000". */
  detail: string;
}

export interface Allocation {
  cpu: number;
  memoryBytes: number;
}

interface Hierarchy {
  version: 1 | 2;
  /** Where it is mounted, and the cgroup path the mount's root stands for. */
  mount: string;
  root: string;
  controllers: string[];
}

const CPU_PERIOD_US = 100_000;
/** The kernel refuses quotas under 1 ms per period. */
const MIN_QUOTA_US = 1000;
/** Every service group lives under this directory of its hierarchy, so they are easy to find and never mixed with others. */
const GROUP_DIR = 'mosaic-services';
/** Open files a service may hold: plenty for a server, not enough to exhaust the machine's table. */
const OPEN_FILES = 1024;
const CPU_NOT_ENFORCED = 'cpu not enforced (no writable cpu cgroup; an rlimit cannot cap a CPU share)';

const rlimitOptions = (bytes: number) => [`--data=${bytes}:${bytes}`, `--nofile=${OPEN_FILES}:${OPEN_FILES}`, '--core=0:0'];
const rlimitDetail = (bytes: number) => `RLIMIT_DATA=${formatBytes(bytes)}, RLIMIT_NOFILE=${OPEN_FILES}, RLIMIT_CORE=0`;

/**
 * Whether /proc/<pid>/limits shows the service's rlimits, soft and hard:
 * "Max data size  268435456  268435456  bytes", open files 1024, core 0.
 */
export function rlimitsInForce(limits: string, dataBytes: number): boolean {
  const row = (name: string) => new RegExp(`^${name}\\s+(\\S+)\\s+(\\S+)`, 'm').exec(limits)?.slice(1);
  const is = (name: string, value: number) => row(name)?.every((v) => v === String(value)) ?? false;
  return is('Max data size', dataBytes) && is('Max open files', OPEN_FILES) && is('Max core file size', 0);
}

/** cgroup mounts from /proc/self/mountinfo: "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory". */
export function parseMountinfo(text: string): Hierarchy[] {
  const out: Hierarchy[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const f = left.split(' ');
    const [fstype, , superOptions = ''] = right.split(' ');
    if (fstype === 'cgroup2') out.push({ version: 2, mount: f[4]!, root: f[3]!, controllers: [] });
    else if (fstype === 'cgroup')
      out.push({
        version: 1,
        mount: f[4]!,
        root: f[3]!,
        controllers: superOptions.split(',').filter((o) => o === 'memory' || o === 'cpu'),
      });
  }
  return out;
}

/** The process's cgroup path per v1 controller and for v2 ("" key), from /proc/self/cgroup: "4:memory:/a/b", "0::/". */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === '') out.set('', m[2]!);
    for (const c of m[1]!.split(',')) if (c) out.set(c, m[2]!);
  }
  return out;
}

/** The directory a process's cgroup path has in a hierarchy's mount, when the mount shows it. */
function dirOf(h: Hierarchy, cgroupPath: string): string | undefined {
  if (h.root !== '/' && !cgroupPath.startsWith(h.root)) return undefined;
  return path.join(h.mount, h.root === '/' ? cgroupPath : cgroupPath.slice(h.root.length));
}

function write(file: string, value: string): void {
  fs.writeFileSync(file, value);
}

export class ServiceLimits {
  private readonly hierarchies = parseMountinfo(readText('/proc/self/mountinfo'));
  private readonly own = parseProcCgroup(readText('/proc/self/cgroup'));
  private readonly prlimitInstalled = (() => {
    try {
      return !!findProgram('prlimit', process.env, undefined);
    } catch {
      return false;
    }
  })();

  /** The v2 group directory for a service, when the unified hierarchy offers memory and cpu. */
  private v2Base(): string | undefined {
    const h = this.hierarchies.find((x) => x.version === 2);
    if (!h) return undefined;
    const controllers = readText(path.join(h.mount, 'cgroup.controllers')).split(/\s+/);
    if (!controllers.includes('memory') || !controllers.includes('cpu')) return undefined;
    // Groups under the hierarchy's root: a process's own group cannot have both processes and controlled children.
    return path.join(h.mount, GROUP_DIR);
  }

  /** The v1 base directories for memory and cpu: beside the worker's own groups, so a delegated subtree is enough. */
  private v1Base(controller: 'memory' | 'cpu'): string | undefined {
    const h = this.hierarchies.find((x) => x.version === 1 && x.controllers.includes(controller));
    const own = this.own.get(controller);
    if (!h || own === undefined) return undefined;
    const dir = dirOf(h, own);
    return dir && path.join(dir, GROUP_DIR);
  }

  private tryV2(group: string, pid: number, a: Allocation): Enforcement | undefined {
    const base = this.v2Base();
    if (!base) return undefined;
    try {
      // Controllers are handed down one level at a time: the root to our base, our base to the service's group.
      write(path.join(path.dirname(base), 'cgroup.subtree_control'), '+memory +cpu');
      fs.mkdirSync(base, { recursive: true });
      write(path.join(base, 'cgroup.subtree_control'), '+memory +cpu');
      const dir = path.join(base, group);
      fs.mkdirSync(dir, { recursive: true });
      write(path.join(dir, 'memory.max'), String(a.memoryBytes));
      if (fs.existsSync(path.join(dir, 'memory.swap.max'))) write(path.join(dir, 'memory.swap.max'), '0');
      const quota = Math.max(MIN_QUOTA_US, Math.round(a.cpu * CPU_PERIOD_US));
      write(path.join(dir, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
      write(path.join(dir, 'cgroup.procs'), String(pid));
      return {
        memory: 'cgroup-v2',
        cpu: 'cgroup-v2',
        detail: `cgroup-v2 ${dir}: memory.max=${formatBytes(a.memoryBytes)}, cpu.max=${quota}/${CPU_PERIOD_US} (${formatCpu(a.cpu)})`,
      };
    } catch {
      return undefined;
    }
  }

  private tryV1Memory(group: string, pid: number, bytes: number): string | undefined {
    const base = this.v1Base('memory');
    if (!base) return undefined;
    try {
      const dir = path.join(base, group);
      fs.mkdirSync(dir, { recursive: true });
      const limit = path.join(dir, 'memory.limit_in_bytes');
      const withSwap = path.join(dir, 'memory.memsw.limit_in_bytes');
      // memsw may never be below the plain limit: lower the plain one first, raise memsw first.
      const hasSwap = fs.existsSync(withSwap);
      const current = Number(readText(limit));
      if (hasSwap && bytes > current) write(withSwap, String(bytes));
      write(limit, String(bytes));
      // Without the memsw limit a machine with swap would page the service out instead of stopping it.
      if (hasSwap) write(withSwap, String(bytes));
      write(path.join(dir, 'cgroup.procs'), String(pid));
      return `memory.limit_in_bytes=${formatBytes(bytes)}`;
    } catch {
      return undefined;
    }
  }

  private tryV1Cpu(group: string, pid: number, cpu: number): string | undefined {
    const base = this.v1Base('cpu');
    if (!base) return undefined;
    try {
      const dir = path.join(base, group);
      fs.mkdirSync(dir, { recursive: true });
      const quota = Math.max(MIN_QUOTA_US, Math.round(cpu * CPU_PERIOD_US));
      write(path.join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
      write(path.join(dir, 'cpu.cfs_quota_us'), String(quota));
      write(path.join(dir, 'cgroup.procs'), String(pid));
      return `cpu.cfs_quota_us=${quota}/${CPU_PERIOD_US} (${formatCpu(cpu)})`;
    } catch {
      return undefined;
    }
  }

  /**
   * Rlimits on the running process with prlimit(1), inherited by what it
   * forks: RLIMIT_DATA at the allocation (allocations past it fail in the
   * service, nothing else), at most 1024 open files, no core dump (a dump
   * would write the service's memory to disk). Setting them on a process of
   * another user needs CAP_SYS_RESOURCE; `rlimitLauncher` needs none.
   */
  private tryRlimit(pid: number, bytes: number): string | undefined {
    try {
      execFileSync('prlimit', [`--pid=${pid}`, ...rlimitOptions(bytes)], { stdio: 'ignore', timeout: 5000 });
      return rlimitDetail(bytes);
    } catch {
      return undefined;
    }
  }

  /**
   * The same rlimits set by the new process on itself before it execs the
   * service (`prlimit <limits> -- <program>`): lowering one's own limits needs
   * no capability, so they hold for a service run as `mosaic-svc` by a
   * worker that may not set another user's. Undefined where prlimit is not
   * installed (the limits are then tried on the running process, and the
   * status says when they could not be).
   */
  rlimitLauncher(a: Allocation): string[] | undefined {
    return this.prlimitInstalled ? ['prlimit', ...rlimitOptions(a.memoryBytes), '--'] : undefined;
  }

  /**
   * Puts a started process under its allocation with whatever the machine
   * offers, best first; `group` names it (one per composition and service).
   * Applying it again to the same process (a retried start) is harmless.
   */
  confine(group: string, pid: number, a: Allocation): Enforcement {
    const v2 = this.tryV2(group, pid, a);
    if (v2) return v2;
    const memory = this.tryV1Memory(group, pid, a.memoryBytes);
    const cpu = this.tryV1Cpu(group, pid, a.cpu);
    const rlimit = memory ? undefined : this.tryRlimit(pid, a.memoryBytes);
    const parts = [
      memory ? `cgroup-v1 ${memory}` : rlimit ? `rlimit ${rlimit}` : 'memory not enforced (no writable memory cgroup, no prlimit)',
      cpu ? `cgroup-v1 ${cpu}` : CPU_NOT_ENFORCED,
    ];
    return {
      memory: memory ? 'cgroup-v1' : rlimit ? 'rlimit' : 'none',
      cpu: cpu ? 'cgroup-v1' : 'none',
      detail: parts.join(', '),
    };
  }

  /**
   * Memory and CPU both capped by the kernel (v2, else v1), or undefined
   * with nothing left behind when the machine offers no writable group for
   * one of them: a caller that promised kernel limits refuses to run then.
   */
  confineInCgroup(group: string, pid: number, a: Allocation): Enforcement | undefined {
    const v2 = this.tryV2(group, pid, a);
    if (v2) return v2;
    const memory = this.tryV1Memory(group, pid, a.memoryBytes);
    const cpu = memory && this.tryV1Cpu(group, pid, a.cpu);
    if (!memory || !cpu) return undefined;
    return { memory: 'cgroup-v1', cpu: 'cgroup-v1', detail: `cgroup-v1 ${memory}, ${cpu}` };
  }

  /**
   * Rlimits only, no group: the memory allocation as RLIMIT_DATA; nothing caps
   * the CPU share. What the kernel holds the process to is read back first
   * (set before exec by `rlimitLauncher`), so the status says what is in force.
   */
  confineWithRlimits(pid: number, a: Allocation): Enforcement {
    const rlimit = rlimitsInForce(readText(`/proc/${pid}/limits`), a.memoryBytes)
      ? rlimitDetail(a.memoryBytes)
      : this.tryRlimit(pid, a.memoryBytes);
    return {
      memory: rlimit ? 'rlimit' : 'none',
      cpu: 'none',
      detail: `${rlimit ? `rlimit ${rlimit}` : this.prlimitInstalled ? 'memory not enforced (prlimit was refused)' : 'memory not enforced (no prlimit)'}, ${CPU_NOT_ENFORCED}`,
    };
  }

  /** Where kernel limits for both memory and CPU can be made here (a probe group made and removed), or undefined. */
  cgroupsWritable(): string | undefined {
    const probe = (base: string | undefined) => {
      if (!base) return false;
      const dir = path.join(base, `probe-${process.pid}`);
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.rmdirSync(dir);
        return true;
      } catch {
        return false;
      }
    };
    const v2 = this.v2Base();
    if (probe(v2)) return `cgroup-v2 under ${v2}`;
    const [memory, cpu] = [this.v1Base('memory'), this.v1Base('cpu')];
    return probe(memory) && probe(cpu) ? `cgroup-v1 under ${memory} and ${cpu}` : undefined;
  }

  private groupDirs(group: string): string[] {
    const bases = [this.v2Base(), this.v1Base('memory'), this.v1Base('cpu')];
    return bases.flatMap((b) => (b && fs.existsSync(path.join(b, group)) ? [path.join(b, group)] : []));
  }

  /** "killed by the kernel: over its memory limit of 64MiB (cgroup-v1)" when the group's OOM killer ended a process, else undefined. */
  memoryKill(group: string): string | undefined {
    for (const dir of this.groupDirs(group)) {
      const events = readText(path.join(dir, 'memory.events')) || readText(path.join(dir, 'memory.oom_control'));
      const kills = Number(/oom_kill (\d+)/.exec(events)?.[1] ?? 0);
      if (!kills) continue;
      const limit = readText(path.join(dir, 'memory.max')) || readText(path.join(dir, 'memory.limit_in_bytes'));
      const version = fs.existsSync(path.join(dir, 'memory.max')) ? 'cgroup-v2' : 'cgroup-v1';
      return `killed by the kernel: over its memory limit of ${formatBytes(Number(limit))} (${version})`;
    }
    return undefined;
  }

  /**
   * Removes the service's groups once its processes have ended. The kernel lets
   * a group go a moment after its last process is reaped (EBUSY until then), so
   * a busy group is tried again for up to `waitMs`; one still in use after that
   * stays (and is harmless).
   */
  async release(group: string, waitMs = 2000): Promise<void> {
    const until = Date.now() + waitMs;
    for (const dir of this.groupDirs(group)) {
      for (;;) {
        try {
          fs.rmdirSync(dir);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EBUSY' || Date.now() >= until) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  }
}
