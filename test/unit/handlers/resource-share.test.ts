import { cpuMeter, heapMeter } from '../../../src/handlers/resource-share';

describe('cpuMeter', () => {
  it('charges each call the CPU burnt while it ran, shared among the calls in flight', () => {
    let cpu = 0;
    const meter = cpuMeter(() => cpu);
    const a = meter.start();
    cpu += 10; // a alone
    const b = meter.start();
    const c = meter.start();
    const d = meter.start();
    cpu += 8; // four in flight: 2 ms each
    const dMs = d();
    cpu += 6; // a, b, c: 2 ms each
    expect(a()).toBe(14);
    expect(b()).toBe(4);
    expect(c()).toBe(4);
    expect(dMs).toBe(2);
    cpu += 100; // nobody in flight: charged to no call
    expect(meter.start()()).toBe(0);
  });

  it('gives the same figure when asked twice', () => {
    let cpu = 0;
    const stop = cpuMeter(() => cpu).start();
    cpu += 3;
    expect(stop()).toBe(3);
    cpu += 3;
    expect(stop()).toBe(3);
  });
});

describe('heapMeter', () => {
  it("charges each call the heap growth while it ran, shared, and a collection's fall to no call", () => {
    let heap = 100;
    const meter = heapMeter(() => heap);
    const a = meter.start();
    heap += 6; // a alone
    const b = meter.start();
    heap -= 20; // a collection: what it freed may be anyone's
    const c = meter.start();
    heap += 6; // a, b and c: 2 MiB each
    expect(b()).toBe(2);
    expect(c()).toBe(2);
    expect(a()).toBe(8);
  });
});
