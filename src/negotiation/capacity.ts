import { z } from 'zod';
import { ROLES, round, type Figures, type ResourceProfile, type Role } from './persona';

/**
 * A workload described by numbers an application knows: its traffic, its
 * data and its batch jobs. Capacity formulas below turn it into a resource
 * profile; each constant says where it comes from.
 */
export const structuredWorkloadSchema = z.strictObject({
  role: z.enum(ROLES, { message: `expected a role: ${ROLES.join(', ')}` }),
  requestsPerSecond: z
    .number()
    .min(0, { message: 'expected requests per second ≥ 0' })
    .max(1e7, { message: 'expected at most 10,000,000 requests per second' }),
  /** Busiest hour over the daily average. */
  peakFactor: z
    .number()
    .min(1, { message: 'expected a peak factor ≥ 1 (busiest hour / average)' })
    .max(100, { message: 'expected a peak factor of at most 100' })
    .default(3),
  payloadKb: z.number().min(0).max(1e6, { message: 'expected at most 1,000,000 KB (1 GB) per request' }).default(16),
  datasetGb: z.number().min(0).max(1e6, { message: 'expected at most 1,000,000 GB (1 PB)' }).default(10),
  readRatio: z
    .number()
    .min(0, { message: 'expected a read share between 0 and 1' })
    .max(1, { message: 'expected a read share between 0 and 1' })
    .default(0.8),
  concurrency: z.number().int().min(1).max(1e6, { message: 'expected at most 1,000,000 concurrent requests' }).default(50),
  batch: z
    .strictObject({
      hour: z.number().int().min(0).max(23),
      durationHours: z.number().positive().max(24),
      /** Records processed per run, in millions. */
      millionsOfRecords: z.number().positive().max(1e6, { message: 'expected at most 1,000,000 million records per run' }),
    })
    .optional(),
});
export type StructuredWorkload = z.infer<typeof structuredWorkloadSchema>;
export type StructuredWorkloadInput = z.input<typeof structuredWorkloadSchema>;

interface RoleCosts {
  /** CPU time per request, ms: measured orders of magnitude for each kind of server. */
  cpuMsPerRequest: number;
  /** Share of the data set kept in memory. */
  workingSet: number;
  /** Share of reads that miss memory and reach the disk. */
  missRatio: number;
  /** Memory per open connection, MiB. */
  connectionMb: number;
}

const COSTS: Record<Role, RoleCosts> = {
  'web-server': { cpuMsPerRequest: 4, workingSet: 0, missRatio: 0.05, connectionMb: 2 },
  database: { cpuMsPerRequest: 3, workingSet: 0.25, missRatio: 0.2, connectionMb: 10 },
  analytics: { cpuMsPerRequest: 400, workingSet: 0.5, missRatio: 0.6, connectionMb: 64 },
  'message-queue': { cpuMsPerRequest: 0.5, workingSet: 0.05, missRatio: 0.1, connectionMb: 1 },
  cache: { cpuMsPerRequest: 0.2, workingSet: 1.1, missRatio: 0, connectionMb: 0.5 },
  'batch-worker': { cpuMsPerRequest: 20, workingSet: 0.05, missRatio: 0.5, connectionMb: 4 },
  // A search on a warm index: ~40 ms of a core (25 queries/s per vCPU, see workload/sizing.ts); the hot index share in page cache.
  'search-engine': { cpuMsPerRequest: 40, workingSet: 0.06, missRatio: 0.2, connectionMb: 1 },
  // A delivered message on a persistent connection; ~64 KiB per open connection.
  'realtime-server': { cpuMsPerRequest: 0.05, workingSet: 0, missRatio: 0.01, connectionMb: 0.0625 },
  // A file read or written through the server: mostly I/O.
  'file-store': { cpuMsPerRequest: 2, workingSet: 0.001, missRatio: 0.8, connectionMb: 2 },
};

/** Servers are sized so the busiest hour runs them at 70 % CPU, leaving room for GC and bursts. */
export const TARGET_UTILISATION = 0.7;
/** EBS counts I/O in operations of up to 256 KiB on SSD volumes. */
const IO_KB = 256;
/** A write reaches the disk twice: the log and the data page. */
const IO_PER_WRITE = 2;
/** CPU seconds to process a million records in a batch job (parse, transform, write). */
const CPU_SECONDS_PER_MILLION = 900;
/** Memory for the OS and the server process before any data. */
const BASE_MEMORY_GB = 1;
/** Indexes, growth and snapshots on top of the data set, plus the root volume. */
const STORAGE_OVERHEAD = 1.5;
const ROOT_VOLUME_GB = 20;

const fig = (average: number, peak: number, digits = 3): Figures => ({
  peak: round(peak, digits),
  average: round(average, digits),
  // Between the mean and the busiest hour: what the busy part of the day holds.
  sustained: round(Math.min(peak, Math.max(average, Math.sqrt(average * peak))), digits),
});

/**
 * The capacity formulas. For a request rate r (average), peak factor p:
 *   cpu      = r · cpuMs / 1000 / 0.7            (+ batch: records · 900 s / duration)
 *   memory   = 1 GiB + concurrency · connMb/1024 + dataset · workingSet
 *   iops     = r · (read · miss · ⌈payload/256⌉ + (1 − read) · 2 · ⌈payload/256⌉)
 *   network  = r · payload · 8 · 2 / 10⁶ Gbit/s   (request in, response or replica out)
 *   storage  = dataset · 1.5 + 20 GiB
 * Peaks use r · p; the batch adds its own load during its hours.
 */
export function profileFromStructured(input: StructuredWorkloadInput): ResourceProfile {
  const w = structuredWorkloadSchema.parse(input);
  const c = COSTS[w.role];
  const ios = Math.max(1, Math.ceil(w.payloadKb / IO_KB));
  const perRequest = {
    cpu: c.cpuMsPerRequest / 1000 / TARGET_UTILISATION,
    iops: w.readRatio * c.missRatio * ios + (1 - w.readRatio) * IO_PER_WRITE * ios,
    networkGbps: (w.payloadKb * 8 * 2) / 1e6,
  };
  const batch = w.batch
    ? {
        cpu: (w.batch.millionsOfRecords * CPU_SECONDS_PER_MILLION) / (w.batch.durationHours * 3600) / TARGET_UTILISATION,
        // One read and one write of 256 KiB per thousand records, spread over the run.
        iops: (w.batch.millionsOfRecords * 1000 * 2) / (w.batch.durationHours * 3600),
        share: w.batch.durationHours / 24,
      }
    : { cpu: 0, iops: 0, share: 0 };
  const r = w.requestsPerSecond;
  const peakR = r * w.peakFactor;
  const memory = BASE_MEMORY_GB + (w.concurrency * c.connectionMb) / 1024 + w.datasetGb * c.workingSet;
  return {
    cpu: fig(r * perRequest.cpu + batch.cpu * batch.share, Math.max(peakR * perRequest.cpu, r * perRequest.cpu + batch.cpu)),
    memoryGb: fig(memory, memory + (batch.cpu > 0 ? 2 : 0)),
    iops: fig(r * perRequest.iops + batch.iops * batch.share, Math.max(peakR * perRequest.iops, r * perRequest.iops + batch.iops), 0),
    networkGbps: fig(r * perRequest.networkGbps, peakR * perRequest.networkGbps),
    storageGb: Math.round(w.datasetGb * STORAGE_OVERHEAD + ROOT_VOLUME_GB),
  };
}
