import { z } from 'zod';
import type { Facts } from './facts';
import { WORKLOAD_KINDS, type WorkloadKind } from './kinds';

/** Each question asks for one quantity; its id is the field an answer sets. */
export const QUESTION_IDS = [
  'kind',
  'dataGib',
  'peakRate',
  'concurrentUsers',
  'activeSeries',
  'retentionDays',
  'itemBytes',
  'replication',
  'interval',
  'buildsPerDay',
  'buildMinutes',
  'videoHoursPerDay',
  'videoMinutes',
  'window',
] as const;
export type QuestionId = (typeof QUESTION_IDS)[number];

export interface Question {
  id: QuestionId;
  question: string;
  /** The unit an answer is in, and an example. */
  unit: string;
  example: number | string;
  /** What the analysis used meanwhile. */
  assumed: string;
}

/** What each rate question counts, by kind: the answer replaces every rate read from the text. */
const RATE_NOUN: Partial<Record<WorkloadKind, [string, string]>> = {
  'relational-database': ['queries', 'Peak transactions or queries per second?'],
  'document-database': ['operations', 'Peak reads and writes per second?'],
  'wide-column-store': ['operations', 'Peak reads and writes per second?'],
  'graph-database': ['queries', 'Peak queries (traversals) per second?'],
  'feature-store': ['lookups', 'Peak feature lookups per second?'],
  cache: ['operations', 'Peak cache operations per second?'],
  'message-broker': ['messages', 'Peak messages per second?'],
  'search-engine': ['searches', 'Peak searches per second?'],
  'stream-processing': ['events', 'Events per second at peak?'],
  'image-processing': ['images', 'Images per second at peak?'],
  'background-jobs': ['builds', 'Jobs per second at peak?'],
  'web-application': ['requests', 'Peak requests per second?'],
  'ml-inference': ['requests', 'Peak predictions (requests) per second?'],
};

const TEXT: Record<Exclude<QuestionId, 'peakRate'>, { question: string; unit: string; example: number | string }> = {
  kind: {
    question: `What kind of workload is it? (${WORKLOAD_KINDS.slice(0, 8).join(', ')}, …)`,
    unit: 'workload kind',
    example: 'relational-database',
  },
  dataGib: { question: 'How much data will it hold?', unit: 'GiB', example: 200 },
  concurrentUsers: { question: 'How many users or connections at the same time, at peak?', unit: 'concurrent users', example: 5000 },
  activeSeries: { question: 'How many active time series (or sensors × signals)?', unit: 'series', example: 500000 },
  retentionDays: { question: 'How long must the data be kept?', unit: 'days', example: 30 },
  itemBytes: { question: 'How large is one message, document or value?', unit: 'bytes', example: 1024 },
  replication: { question: 'How many copies of the data (replication factor)?', unit: 'copies', example: 3 },
  interval: { question: 'How often is each value written or scraped?', unit: 'seconds', example: 15 },
  buildsPerDay: { question: 'How many builds a day?', unit: 'builds/day', example: 200 },
  buildMinutes: { question: 'How long does one build take?', unit: 'minutes', example: 12 },
  videoHoursPerDay: { question: 'How many hours of video arrive a day?', unit: 'hours/day', example: 20 },
  videoMinutes: { question: 'How long is a typical video?', unit: 'minutes', example: 8 },
  window: { question: 'Within how many hours must a run finish?', unit: 'hours', example: 4 },
};

/** The quantities that matter most come first; a round asks at most this many. */
export const MAX_QUESTIONS = 4;

export function questionFor(id: QuestionId, kind: WorkloadKind | 'unknown', assumed: string): Question {
  if (id === 'peakRate') {
    const [, question] = (kind !== 'unknown' && RATE_NOUN[kind]) || ['requests', 'Peak requests or operations per second?'];
    return { id, question, unit: 'per second', example: 1000, assumed };
  }
  return { id, ...TEXT[id], assumed };
}

const positive = (what: string, max: number) =>
  z
    .number({ message: `expected a number of ${what}` })
    .positive({ message: `expected ${what} > 0` })
    .max(max, { message: `expected at most ${max} ${what}` });

/** Answers to the questions: each field is the id of the question it answers, in the question's unit. */
export const answersSchema = z
  .strictObject({
    kind: z.enum(WORKLOAD_KINDS, { message: `expected a workload kind: ${WORKLOAD_KINDS.join(', ')}` }).optional(),
    dataGib: positive('GiB', 10_000_000).optional(),
    peakRate: positive('per second', 100_000_000).optional(),
    concurrentUsers: positive('concurrent users', 1_000_000_000).optional(),
    activeSeries: positive('series', 10_000_000_000).optional(),
    retentionDays: positive('days', 36_500).optional(),
    itemBytes: positive('bytes', 2 ** 40).optional(),
    replication: z.number().int({ message: 'expected a whole number of copies' }).min(1).max(10).optional(),
    interval: positive('seconds', 86_400 * 31).optional(),
    buildsPerDay: positive('builds/day', 1_000_000).optional(),
    buildMinutes: positive('minutes', 24 * 60).optional(),
    videoHoursPerDay: positive('hours/day', 1_000_000).optional(),
    videoMinutes: positive('minutes', 24 * 60).optional(),
    window: positive('hours', 24 * 31).optional(),
  })
  .refine((a) => Object.keys(a).length > 0, { message: `expected at least one answer: ${QUESTION_IDS.join(', ')}` });
export type Answers = z.infer<typeof answersSchema>;

/** Answers are facts the person states: they replace what was read or assumed. */
export function applyAnswers(facts: Facts, answers: Answers, kind: WorkloadKind | 'unknown'): Facts {
  const f: Facts = { ...facts, rates: { ...facts.rates }, users: { ...facts.users }, counts: { ...facts.counts } };
  if (answers.dataGib !== undefined) {
    f.dataGib = answers.dataGib;
    if (kind === 'cache') f.memoryGib = answers.dataGib;
  }
  if (answers.peakRate !== undefined) {
    const noun = (kind !== 'unknown' && RATE_NOUN[kind]?.[0]) || 'requests';
    f.rates = {
      ...Object.fromEntries(Object.entries(f.rates).filter(([k]) => ['builds', 'videos', 'occurrences'].includes(k))),
      [noun]: answers.peakRate,
    };
    f.peakStated = true;
  }
  if (answers.concurrentUsers !== undefined) f.users.concurrent = answers.concurrentUsers;
  if (answers.activeSeries !== undefined) f.counts.series = answers.activeSeries;
  if (answers.retentionDays !== undefined) f.retentionDays = answers.retentionDays;
  if (answers.itemBytes !== undefined) f.itemBytes = answers.itemBytes;
  if (answers.replication !== undefined) f.replicationFactor = answers.replication;
  if (answers.interval !== undefined) f.intervalSeconds = answers.interval;
  if (answers.buildsPerDay !== undefined) f.rates.builds = answers.buildsPerDay / 86400;
  if (answers.buildMinutes !== undefined || answers.videoMinutes !== undefined)
    f.durationEachSeconds = (answers.buildMinutes ?? answers.videoMinutes)! * 60;
  if (answers.videoHoursPerDay !== undefined)
    f.media = { hours: answers.videoHoursPerDay, of: 'video', perSecond: answers.videoHoursPerDay / 86400 };
  if (answers.window !== undefined) f.windowHours = answers.window;
  return f;
}
