import net from 'node:net';
import path from 'node:path';
import type { DoctorReport } from '../../src/client/doctor';
import { freePort } from '../../src/stack/ports';
import { mosaic } from '../harness/cli';
import { startTestWorker, type TestWorker } from '../harness/worker';


describe('mosaic doctor', () => {
  let w: TestWorker;
  beforeAll(async () => {
    w = await startTestWorker();
  });
  afterAll(() => w?.stop());

  it('passes through Temporal, the worker and MongoDB and prints JSON', async () => {
    const { code, stdout } = await mosaic(['doctor', '--json'], { MOSAIC_TASK_QUEUE: w.taskQueue });
    const report = JSON.parse(stdout) as DoctorReport;
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.part, c.status])).toEqual([
      ['node', 'ok'],
      ['temporal', 'ok'],
      ['worker', 'ok'],
      ['mongodb', 'ok'],
    ]);
    expect(report.checks.find((c) => c.part === 'mongodb')?.detail).toContain('FerretDB v1.24.2');
  }, 90_000);

  it('exits 1 naming the worker when nobody polls the task queue', async () => {
    const { code, stdout } = await mosaic(['doctor'], { MOSAIC_TASK_QUEUE: 'nobody-polls-this' });
    expect(code).toBe(1);
    expect(stdout).toMatch(/worker\s+FAIL\s+no worker polls task queue "nobody-polls-this"\s+mosaic worker --detach/);
    expect(stdout).toContain('Failing: worker');
  }, 90_000);

  it('exits 1 naming Temporal when the server is unreachable', async () => {
    const port = await freePort();
    const { code, stdout } = await mosaic(['doctor', '--json'], { MOSAIC_TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    const report = JSON.parse(stdout) as DoctorReport;
    expect(code).toBe(1);
    expect(report.checks.find((c) => c.status === 'fail')).toMatchObject({ part: 'temporal', fix: 'mosaic stack start' });
  }, 90_000);
});

describe('mosaic stack start', () => {
  it('refuses a taken port, naming it and the variable that changes it', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { code, stderr } = await mosaic(['stack', 'start', '--headless'], {
        MOSAIC_DATA_DIR: path.join(process.env.MOSAIC_DATA_DIR!, 'port-clash'),
        MOSAIC_MONGODB_PORT: String(port),
        MOSAIC_TEMPORAL_PORT: String(await freePort()),
      });
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${port} is already in use`);
      expect(stderr).toContain('MOSAIC_MONGODB_PORT=<port>');
    } finally {
      blocker.close();
      await mosaic(['stack', 'stop'], { MOSAIC_DATA_DIR: path.join(process.env.MOSAIC_DATA_DIR!, 'port-clash') });
    }
  }, 90_000);
});
