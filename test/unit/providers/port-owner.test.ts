import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { ownership, ownershipText, processTree } from '../../../src/providers/port-owner';
import { freePort } from '../../../src/stack/ports';

/** A real listener in a grandchild: sh starts node, node listens; the shell's pid is what a run record would name. */
async function listenerUnderShell(port: number): Promise<ChildProcess> {
  const child = spawn(
    'sh',
    ['-c', `"${process.execPath}" -e "require('node:net').createServer().listen(${port},'127.0.0.1',()=>console.log('up'))"`],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  return child;
}

describe('who holds a port, from the kernel tables', () => {
  let port: number;
  let child: ChildProcess;
  // Another service's process, alive, holding nothing: what the loser of a port looked like when its health check passed.
  let other: ChildProcess;
  beforeAll(async () => {
    port = await freePort();
    child = await listenerUnderShell(port);
    other = spawn('sleep', ['60'], { stdio: 'ignore' });
  });
  afterAll(() => {
    for (const pid of processTree(child.pid!).reverse()) process.kill(pid, 'SIGKILL');
    other.kill('SIGKILL');
  });

  it('the process that started the listener owns the port through its child', () => {
    expect(processTree(child.pid!).length).toBeGreaterThanOrEqual(2);
    expect(ownership(child.pid!, port)).toEqual({ state: 'owned' });
  });

  it('anyone else answering there is named, not counted as the service', () => {
    const o = ownership(other.pid!, port);
    expect(o.state).toBe('held-by-other');
    const holder = processTree(child.pid!).at(-1)!;
    expect(o).toEqual({ state: 'held-by-other', holders: [{ pid: holder, program: 'node' }] });
    expect(ownershipText(port, o)).toBe(`port ${port} is held by pid ${holder} (node), not by this service`);
  });

  it('a port nobody listens on is not-listening, even when a connection to it was made', async () => {
    const free = await freePort();
    expect(ownership(other.pid!, free)).toEqual({ state: 'not-listening' });
    // A client socket on the listener's port is not a listening socket.
    const socket = net.connect({ port, host: '127.0.0.1' });
    await new Promise((r) => socket.once('connect', r));
    expect(ownership(other.pid!, port).state).toBe('held-by-other');
    socket.destroy();
  });

  it('IPv6 listeners count too', async () => {
    const p = await freePort();
    const server = net.createServer().listen(p, '::');
    await new Promise((r) => server.once('listening', r));
    expect(ownership(process.pid, p)).toEqual({ state: 'owned' });
    await new Promise((r) => server.close(r));
  });
});
