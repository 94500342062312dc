/**
 * Whether a run a schedule started is one its own calendar made, or one
 * someone asked the schedule for: the only unsigned retrain Mosaic accepts is
 * the first kind.
 *
 * What Temporal (Server 1.32, dev server) records for each, read from the
 * schedule's description (recentActions) for a schedule `every 1m`:
 * - its own run:  scheduledAt 15:03:00.000Z, takenAt 15:03:00.080Z; on the
 *   calendar (intervals count from the epoch, plus the offset) and taken at once;
 * - a trigger (`temporal schedule trigger`, `handle.trigger()`): scheduledAt is
 *   the moment of the trigger, 15:02:16.412Z, to the millisecond: off the calendar;
 * - a backfill of 14:58:59–15:01:46, asked for at 15:02:16: scheduledAt
 *   14:59:00.000Z, 15:00:00.000Z, 15:01:00.000Z, on the calendar, but takenAt
 *   15:02:16.6–.8Z, minutes after.
 * No field says which kind a run is; the search attributes
 * (TemporalScheduledById, TemporalScheduledStartTime) are the same for all
 * three, and any client may set them on a workflow it starts. So a run is its
 * schedule's own if its time is on the calendar and it was taken within the
 * catch-up window of that time. A backfill of a time inside that window is
 * the schedule's own time, which the caller also claims once per time (see
 * verifyScheduledRun): at most one unsigned run per calendar time, which is
 * what the calendar would have made anyway.
 */

/** An interval of the schedule's spec as Temporal describes it, in milliseconds. */
export interface CalendarInterval {
  every: number;
  offset?: number;
}

export interface ScheduleCalendar {
  intervals?: CalendarInterval[];
  startAt?: Date;
  endAt?: Date;
}

export interface ScheduledAction {
  scheduledAt: Date;
  takenAt: Date;
}

export type ScheduledRunVerdict =
  | { own: true }
  | {
      own: false;
      /** triggered: a time the calendar never names; backfilled: a calendar time taken long after it passed. */
      kind: 'triggered' | 'backfilled';
      reason: string;
    };

/**
 * True if `at` is one of the times the intervals name. Only intervals count:
 * the retrain schedule is written with intervals alone, and a calendar or cron
 * entry someone added to it is no reason to retrain unsigned.
 */
export function onCalendar(calendar: ScheduleCalendar, at: Date): boolean {
  const t = at.getTime();
  if (calendar.startAt && t < calendar.startAt.getTime()) return false;
  if (calendar.endAt && t > calendar.endAt.getTime()) return false;
  return (calendar.intervals ?? []).some(({ every, offset = 0 }) => every > 0 && (((t - offset) % every) + every) % every === 0);
}

/** Whether a run the schedule lists is one its calendar made, `catchupMs` being how late the schedule may take its own time. */
export function judgeScheduledRun(calendar: ScheduleCalendar, action: ScheduledAction, catchupMs: number): ScheduledRunVerdict {
  const { scheduledAt, takenAt } = action;
  if (!onCalendar(calendar, scheduledAt)) {
    return {
      own: false,
      kind: 'triggered',
      reason: `its time ${scheduledAt.toISOString()} is not on the schedule's calendar (${describeCalendar(calendar)}): triggered by hand`,
    };
  }
  const late = takenAt.getTime() - scheduledAt.getTime();
  if (late < 0 || late > catchupMs) {
    return {
      own: false,
      kind: 'backfilled',
      reason:
        `its time ${scheduledAt.toISOString()} was taken at ${takenAt.toISOString()}, ` +
        `${late < 0 ? 'before it came' : `more than ${catchupMs / 1000} s after`}: a backfill`,
    };
  }
  return { own: true };
}

/**
 * Whoever may edit the schedule's spec writes its calendar, so the calendar
 * alone cannot say how often an unsigned retrain may run: the worker's own
 * interval (MOSAIC_RETRAIN_INTERVAL) does. A run for a time closer than that
 * to the previous unsigned run's time is refused, whatever the spec says.
 * Raising the interval may refuse the first run of the new calendar once
 * (its time can be nearer the last run of the old one).
 */
export function tooSoon(previous: Date | undefined, at: Date, minIntervalMs: number): string | undefined {
  if (!previous) return undefined;
  const apart = Math.abs(at.getTime() - previous.getTime());
  if (apart >= minIntervalMs) return undefined;
  return (
    `its time ${at.toISOString()} is ${apart / 1000} s from the previous unsigned run's, ${previous.toISOString()}, ` +
    `and this worker retrains unsigned at most every ${minIntervalMs / 1000} s (MOSAIC_RETRAIN_INTERVAL): ` +
    `the schedule's spec was changed to run more often (a worker start writes it back)`
  );
}

function describeCalendar({ intervals = [] }: ScheduleCalendar): string {
  if (!intervals.length) return 'no intervals';
  return intervals.map(({ every, offset }) => `every ${every / 1000} s${offset ? ` from ${offset / 1000} s` : ''}`).join(', ');
}
