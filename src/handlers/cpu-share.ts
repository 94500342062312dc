/**
 * CPU time of built-in handlers, which share the worker's event loop: Node
 * cannot say which callback burnt which microsecond, so each call is charged
 * the process's CPU time over its lifetime divided among the calls in flight,
 * interval by interval (a call alone while 10 ms of CPU burn, then with three
 * others while 8 ms more burn, is charged 10 + 2 ms).
 */
export interface CpuMeter {
  /** Starts charging a call; the returned function stops and gives its share in ms. */
  start(): () => number;
}

export function cpuMeter(cpuMs: () => number = processCpuMs): CpuMeter {
  let inFlight = 0;
  // CPU each call in flight has been charged since the meter began.
  let lastCpu = cpuMs();
  let perCall = 0;

  const advance = () => {
    const cpu = cpuMs();
    if (inFlight > 0) perCall += (cpu - lastCpu) / inFlight;
    lastCpu = cpu;
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

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
