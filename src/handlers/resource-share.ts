/**
 * CPU time and memory of built-in handlers, which share the worker's event
 * loop and heap: Node cannot say which callback burnt which microsecond or
 * allocated which byte, so each call is charged what the process used over
 * its lifetime divided among the calls in flight, interval by interval (a
 * call alone while 10 ms of CPU burn, then with three others while 8 ms more
 * burn, is charged 10 + 2 ms).
 */
export interface ShareMeter {
  /** Starts charging a call; the returned function stops and gives its share. */
  start(): () => number;
}

/**
 * A meter of a process-wide figure: CPU time only grows; heap in use also
 * falls when the collector runs, and a fall is charged to no call (what it
 * freed may be any call's), so a call's memory is the heap growth it shared.
 */
export function shareMeter(sample: () => number): ShareMeter {
  let inFlight = 0;
  // What each call in flight has been charged since the meter began.
  let last = sample();
  let perCall = 0;

  const advance = () => {
    const now = sample();
    if (inFlight > 0) perCall += Math.max(0, now - last) / inFlight;
    last = now;
  };

  return {
    start() {
      advance();
      inFlight++;
      const from = perCall;
      let stopped: number | undefined;
      return () => {
        if (stopped === undefined) {
          advance();
          inFlight--;
          stopped = Math.round((perCall - from) * 100) / 100;
        }
        return stopped;
      };
    },
  };
}

export const cpuMeter = (cpuMs: () => number = processCpuMs): ShareMeter => shareMeter(cpuMs);

/** Heap growth in MiB, shared the same way: the memory figure of a built-in (a sandboxed handler measures its own isolate). */
export const heapMeter = (heapMb: () => number = processHeapMb): ShareMeter => shareMeter(heapMb);

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function processHeapMb(): number {
  const { heapUsed, external } = process.memoryUsage();
  return (heapUsed + external) / (1024 * 1024);
}
