import { MockActivityEnvironment } from '@temporalio/testing';
import { whileHeartbeating } from '../../../src/activities/heartbeat';

// On Jest's clock: the seconds pass when the test says, so the beats are counted exactly, without waiting them out.
describe('whileHeartbeating', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('heartbeats every second while the work runs, returns its result, and stops when it ends', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const result = env.run(() => whileHeartbeating(() => new Promise((resolve) => setTimeout(() => resolve('made'), 2500))));
    await jest.advanceTimersByTimeAsync(2500);
    expect(await result).toBe('made');
    expect(beats).toBe(2);
    await jest.advanceTimersByTimeAsync(1500);
    expect(beats).toBe(2);
  });

  it('stops heartbeating when the work fails, and passes the failure on', async () => {
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const failed = expect(
      env.run(() => whileHeartbeating(() => new Promise((_, reject) => setTimeout(() => reject(new Error('provider said no')), 1200)))),
    ).rejects.toThrow('provider said no');
    await jest.advanceTimersByTimeAsync(1200);
    await failed;
    expect(beats).toBe(1);
    await jest.advanceTimersByTimeAsync(1500);
    expect(beats).toBe(1);
  });
});
