import {
  costWithoutInstance,
  HOURS_PER_MONTH,
  monthlyCost,
  type InstanceType,
  type MultiAzLayout,
  type SecurityOption,
  type StorageOption,
} from './catalog';
import { round } from './persona';

/** Part-time use a description states ("9 to 5 on weekdays", "runs 3 hours nightly"); `startHour` when it gives the clock time. */
export interface PartTime {
  hoursPerDay: number;
  daysPerWeek: number;
  startHour?: number;
}

/** When a part-time instance runs, and what that does to its month: it is stopped outside these hours. */
export interface StopStart {
  /** "Mon–Fri", "every day", or "N days a week". */
  days: string;
  /** Clock times, "09:00" and "17:00". */
  start: string;
  stop: string;
  /** False: the text gave no start time and `start` is assumed (09:00 on weekdays, 00:00 for a job every day). */
  startStated: boolean;
  runningHoursPerMonth: number;
  /** The same configuration never stopped. */
  alwaysOnMonthlyUsd: number;
}

/** A schedule that leaves the instance stopped some of the week; one that runs it all week is no schedule. */
export const isPartTime = (s: PartTime | undefined): s is PartTime => !!s && s.hoursPerDay * s.daysPerWeek < 168;

/** Hours a month it runs: its share of the week's 168 hours, of the 730 a month is priced for. */
export const runningHoursPerMonth = (s: PartTime): number =>
  round((HOURS_PER_MONTH * Math.min(168, s.hoursPerDay * s.daysPerWeek)) / 168, 1);

/**
 * The monthly cost of a configuration that runs `runningHours` of the month's
 * 730: EC2 bills its instances (a replica too) for the hours they run, while
 * volumes and key are paid all month.
 */
export function monthlyCostForHours(
  instance: InstanceType,
  region: string,
  storage: StorageOption,
  security: SecurityOption,
  runningHours: number,
  availability?: MultiAzLayout,
): { hourlyUsd: number; monthlyUsd: number } | undefined {
  const cost = monthlyCost(instance, region, storage, security, availability);
  if (!cost || runningHours >= HOURS_PER_MONTH) return cost;
  const instancesMonthly = cost.monthlyUsd - costWithoutInstance(storage, security, availability).monthlyUsd;
  return { hourlyUsd: cost.hourlyUsd, monthlyUsd: round(cost.monthlyUsd - instancesMonthly * (1 - runningHours / HOURS_PER_MONTH), 2) };
}

/** The monthly cost of a configuration stopped outside its schedule; without a part-time schedule, the always-on cost. */
export const scheduledMonthlyCost = (
  instance: InstanceType,
  region: string,
  storage: StorageOption,
  security: SecurityOption,
  schedule: PartTime | undefined,
  availability?: MultiAzLayout,
) =>
  monthlyCostForHours(
    instance,
    region,
    storage,
    security,
    isPartTime(schedule) ? runningHoursPerMonth(schedule) : HOURS_PER_MONTH,
    availability,
  );

const clock = (hour: number) => `${String(Math.floor(hour) % 24).padStart(2, '0')}:${String(Math.round((hour % 1) * 60)).padStart(2, '0')}`;

/**
 * What an agreement costs per hour of the calendar, for cost to date: the
 * running rate when it never stops, else its month spread over the month's
 * hours (stopped hours cost the volumes and key only).
 */
export const calendarHourlyUsd = (agreed: { hourlyUsd: number; monthlyUsd: number; schedule?: StopStart }): number =>
  agreed.schedule ? agreed.monthlyUsd / HOURS_PER_MONTH : agreed.hourlyUsd;

/** The stop/start hours of a part-time schedule, with what running only then costs against never stopping. */
export function stopStartOf(schedule: PartTime, alwaysOnMonthlyUsd: number): StopStart {
  const start = schedule.startHour ?? (schedule.daysPerWeek >= 7 ? 0 : 9);
  return {
    days: schedule.daysPerWeek === 5 ? 'Mon–Fri' : schedule.daysPerWeek >= 7 ? 'every day' : `${schedule.daysPerWeek} days a week`,
    start: clock(start),
    stop: clock(start + schedule.hoursPerDay),
    startStated: schedule.startHour !== undefined,
    runningHoursPerMonth: runningHoursPerMonth(schedule),
    alwaysOnMonthlyUsd,
  };
}

/** A part-time agreement's hours, short, as the CLI's table and the console say them: "runs 09:00–17:00 Mon–Fri". */
export const runsWhen = (s: StopStart): string => `runs ${s.start}–${s.stop} ${s.days}`;

/** The schedule in words, as a proposal's reason and the CLI say it. */
export function describeStopStart(s: StopStart, monthlyUsd: number): string {
  return (
    `part-time: ${runsWhen(s)}${s.startStated ? '' : ` (start time not stated: ${s.start} assumed)`}, stopped otherwise; ` +
    `${s.runningHoursPerMonth} of ${HOURS_PER_MONTH} h a month: $${monthlyUsd}/month instead of $${s.alwaysOnMonthlyUsd} always on (volumes and key are paid all month)`
  );
}
