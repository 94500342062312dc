import { describeModel, handlerHealth, modelInForce, stateOf, statusQuery, tally } from '../../../src/client/status';

describe('mosaic status: states and counts', () => {
  it("reports Mosaic's own state while running and for its own end, the server's when the server ended the run", () => {
    expect(stateOf({ status: 'RUNNING', state: 'compensating' })).toBe('compensating');
    expect(stateOf({ status: 'RUNNING' })).toBe('running');
    expect(stateOf({ status: 'FAILED', state: 'failed' })).toBe('failed');
    expect(stateOf({ status: 'COMPLETED', state: 'denied' })).toBe('denied');
    // Terminated mid-run: MosaicState still says running, which is no longer true.
    expect(stateOf({ status: 'TERMINATED', state: 'running' })).toBe('terminated');
    expect(stateOf({ status: 'TIMED_OUT', state: 'running' })).toBe('timed_out');
    expect(stateOf({ status: 'COMPLETED' })).toBe('completed');
  });

  it('counts by kind and state, kinds by name, largest first', () => {
    expect(
      tally([
        { kind: 'health', status: 'COMPLETED', state: 'passed' },
        { kind: 'compose', status: 'COMPLETED', state: 'succeeded' },
        { kind: 'compose', status: 'RUNNING', state: 'running' },
        { kind: 'compose', status: 'COMPLETED', state: 'succeeded' },
      ]),
    ).toEqual([
      { kind: 'compose', state: 'succeeded', count: 2 },
      { kind: 'compose', state: 'running', count: 1 },
      { kind: 'health', state: 'passed', count: 1 },
    ]);
  });

  it('calls a handler degraded above the error rate policies forbid, unused before its first call, and leaves retired ones out', () => {
    const row = { status: 'active', latencyP95Ms: 10 };
    expect(
      handlerHealth([
        { ...row, ref: 'a@1', calls: 10, errorRate: 0.1 },
        { ...row, ref: 'b@1', calls: 10, errorRate: 0.5 },
        { ...row, ref: 'c@1', calls: 0, errorRate: 0 },
        { ...row, ref: 'd@1', calls: 3, errorRate: 0, status: 'retired' },
      ]).map((h) => [h.ref, h.health]),
    ).toEqual([
      ['a@1', 'ok'],
      ['b@1', 'degraded'],
      ['c@1', 'unused'],
    ]);
  });

  it('asks visibility for running Mosaic workflows and recent ones, without its own reads', () => {
    expect(statusQuery(new Date('2026-11-23T00:00:00Z'))).toBe(
      'MosaicKind IS NOT NULL AND MosaicKind != "inspect" AND (ExecutionStatus = "Running" OR StartTime > "2026-11-23T00:00:00.000Z")',
    );
  });
});

describe("mosaic status: the model in force (from the learning family's model status)", () => {
  it('says the prior serves while no version is promoted', () => {
    const model = modelInForce({ serving: 'metrics-prior', versions: 0 });
    expect(model).toEqual({ serving: 'metrics-prior', active: null });
    expect(describeModel(model)).toBe('metrics-prior (no version promoted)');
  });

  it('names the promoted version, when, and a version this worker refused', () => {
    const model = modelInForce({
      serving: 'bandit-v2',
      active: { version: 3, name: 'bandit-v3', by: 'alice', reason: 'better', at: '2026-11-23T10:00:00.000Z' },
      refused: { version: 3, reason: 'model version 3 has chunks missing' },
      versions: 3,
    });
    expect(model).toEqual({
      serving: 'bandit-v2',
      active: { version: 3, name: 'bandit-v3', at: '2026-11-23T10:00:00.000Z' },
      refused: { version: 3, reason: 'model version 3 has chunks missing' },
    });
    expect(describeModel(model)).toBe(
      'bandit-v2 (bandit-v3 promoted 2026-11-23T10:00:00.000Z; refused version 3: model version 3 has chunks missing)',
    );
  });
});
