import { MockActivityEnvironment } from '@temporalio/testing';
import { whileHeartbeating } from '../../../src/activities/heartbeat';

describe('whileHeartbeating', () => {
  it('heartbeats every second while the work runs, returns its result, and stops when it ends', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const result = await env.run(() => whileHeartbeating(() => new Promise((resolve) => setTimeout(() => resolve('made'), 2500))));
    expect(result).toBe('made');
    // Two on time; fewer only if the event loop was held up for seconds.
    expect(beats).toBeGreaterThanOrEqual(1);
    expect(beats).toBeLessThanOrEqual(2);
    const atEnd = beats;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(beats).toBe(atEnd);
  });

  it('stops heartbeating when the work fails, and passes the failure on', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    await expect(
      env.run(() => whileHeartbeating(() => new Promise((_, reject) => setTimeout(() => reject(new Error('provider said no')), 1200)))),
    ).rejects.toThrow('provider said no');
    const atEnd = beats;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(beats).toBe(atEnd);
  });
});
