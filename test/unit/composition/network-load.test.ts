import { networkLoad, parseNetDev } from '../../../src/composition/network-load';

// As the kernel prints it (Linux 6.x), with loopback and an interface that has seen traffic.
const PROC_NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 98765432   12345    0    0    0     0          0         0 98765432   12345    0    0    0     0       0          0
  eth0: 1000000     900    0    0    0     0          0         0  4000000    1200    0    0    0     0       0          0
`;

describe('network load from /proc/net/dev', () => {
  it('reads received and sent bytes per interface and leaves loopback out', () => {
    expect(parseNetDev(PROC_NET_DEV)).toEqual([{ name: 'eth0', rxBytes: 1_000_000, txBytes: 4_000_000 }]);
    expect(parseNetDev('garbage\n  x: 1 2\n')).toEqual([]);
  });

  it('is the busier direction per second over the capacity, bounded to 0..1', () => {
    const before = { atMs: 0, interfaces: [{ name: 'eth0', rxBytes: 0, txBytes: 0 }] };
    const after = (rx: number, tx: number, atMs = 2000) => ({ atMs, interfaces: [{ name: 'eth0', rxBytes: rx, txBytes: tx }] });
    // 25 MB sent in 2 s on a 125 MB/s (1 Gb/s) link: 10 %.
    expect(networkLoad(before, after(1_000_000, 25_000_000), 125_000_000)).toBeCloseTo(0.1, 12);
    expect(networkLoad(before, after(10e9, 0), 125_000_000)).toBe(1);
    // A reset counter or no elapsed time is idle, not negative or infinite.
    expect(networkLoad(after(5e6, 5e6, 0), after(0, 0), 125_000_000)).toBe(0);
    expect(networkLoad(before, after(1e6, 1e6, 0), 125_000_000)).toBe(0);
  });
});
