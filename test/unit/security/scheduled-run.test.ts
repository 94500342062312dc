import { judgeScheduledRun, onCalendar, tooSoon, type ScheduleCalendar } from '../../../src/security/scheduled-run';

const minute = 60_000;
const twoHours = 2 * 60 * minute;
const every2h: ScheduleCalendar = { intervals: [{ every: twoHours, offset: 0 }] };
const catchup = 5 * minute;
const at = (iso: string) => new Date(iso);

// The times below are the shapes the dev server recorded (see the module's comment): own runs on the
// calendar and taken at once, triggers at the moment of the trigger, backfills on the calendar but late.
describe('a run a schedule lists is its own only if its calendar made it', () => {
  it("accepts the schedule's own run, taken at its time or within the catch-up window", () => {
    expect(
      judgeScheduledRun(every2h, { scheduledAt: at('2026-12-05T14:00:00.000Z'), takenAt: at('2026-12-05T14:00:00.080Z') }, catchup),
    ).toEqual({
      own: true,
    });
    // The server was down and caught up, inside the window.
    expect(
      judgeScheduledRun(every2h, { scheduledAt: at('2026-12-05T14:00:00.000Z'), takenAt: at('2026-12-05T14:04:59.000Z') }, catchup),
    ).toEqual({
      own: true,
    });
  });

  it('refuses a triggered run: its time is the moment of the trigger, not a time of the calendar', () => {
    const verdict = judgeScheduledRun(
      every2h,
      { scheduledAt: at('2026-12-05T15:02:16.412Z'), takenAt: at('2026-12-05T15:02:16.579Z') },
      catchup,
    );
    expect(verdict).toMatchObject({
      own: false,
      kind: 'triggered',
      reason: expect.stringMatching(/15:02:16.412Z is not on .*every 7200 s/),
    });
    // A trigger at a whole hour that is not one of the calendar's is still off it, and one a millisecond off is too.
    expect(
      judgeScheduledRun(every2h, { scheduledAt: at('2026-12-05T15:00:00.000Z'), takenAt: at('2026-12-05T15:00:00.000Z') }, catchup),
    ).toMatchObject({
      kind: 'triggered',
    });
    expect(
      judgeScheduledRun(every2h, { scheduledAt: at('2026-12-05T14:00:00.001Z'), takenAt: at('2026-12-05T14:00:00.002Z') }, catchup),
    ).toMatchObject({
      kind: 'triggered',
    });
  });

  it('refuses a backfilled run: a calendar time taken long after it passed, or before it came', () => {
    expect(
      judgeScheduledRun(every2h, { scheduledAt: at('2026-12-05T10:00:00.000Z'), takenAt: at('2026-12-05T15:02:16.694Z') }, catchup),
    ).toMatchObject({ own: false, kind: 'backfilled', reason: expect.stringMatching(/more than 300 s after: a backfill/) });
    expect(
      judgeScheduledRun(every2h, { scheduledAt: at('2026-12-05T18:00:00.000Z'), takenAt: at('2026-12-05T15:02:16.694Z') }, catchup),
    ).toMatchObject({ own: false, kind: 'backfilled', reason: expect.stringMatching(/before it came/) });
  });

  it('counts interval times from the epoch plus the offset, as Temporal does, within startAt and endAt', () => {
    const phased: ScheduleCalendar = { intervals: [{ every: twoHours, offset: 30 * minute }] };
    expect(onCalendar(phased, at('2026-12-05T14:30:00.000Z'))).toBe(true);
    expect(onCalendar(phased, at('2026-12-05T14:00:00.000Z'))).toBe(false);
    // Before 1970 too: the remainder of a negative time is taken the right way round.
    expect(onCalendar(every2h, at('1969-12-31T22:00:00.000Z'))).toBe(true);
    const bounded = { ...every2h, startAt: at('2026-12-05T12:00:00.000Z'), endAt: at('2026-12-05T16:00:00.000Z') };
    expect(onCalendar(bounded, at('2026-12-05T10:00:00.000Z'))).toBe(false);
    expect(onCalendar(bounded, at('2026-12-05T14:00:00.000Z'))).toBe(true);
    expect(onCalendar(bounded, at('2026-12-05T18:00:00.000Z'))).toBe(false);
  });

  it('trusts no time of a schedule without intervals, or with a zero one', () => {
    expect(onCalendar({}, at('2026-12-05T14:00:00.000Z'))).toBe(false);
    expect(onCalendar({ intervals: [{ every: 0 }] }, at('2026-12-05T14:00:00.000Z'))).toBe(false);
  });
});

describe("unsigned runs come no oftener than the worker's interval, whatever the spec says", () => {
  it('refuses a time closer than the interval to the previous unsigned run, and says the spec was changed', () => {
    // The spec edited to every minute while workers retrain every 2 h: the next minute is too soon.
    const reason = tooSoon(at('2026-12-05T14:00:00.000Z'), at('2026-12-05T14:01:00.000Z'), twoHours);
    expect(reason).toMatch(
      /60 s from the previous unsigned run's, 2026-12-05T14:00:00.000Z.*at most every 7200 s \(MOSAIC_RETRAIN_INTERVAL\).*spec was changed/,
    );
    // A time before the last claimed one (an earlier calendar time) is as close.
    expect(tooSoon(at('2026-12-05T14:00:00.000Z'), at('2026-12-05T13:59:00.000Z'), twoHours)).toBeDefined();
  });

  it('accepts the first unsigned run, and one a whole interval or more after the previous', () => {
    expect(tooSoon(undefined, at('2026-12-05T14:00:00.000Z'), twoHours)).toBeUndefined();
    expect(tooSoon(at('2026-12-05T12:00:00.000Z'), at('2026-12-05T14:00:00.000Z'), twoHours)).toBeUndefined();
    expect(tooSoon(at('2026-12-04T14:00:00.000Z'), at('2026-12-05T14:00:00.000Z'), twoHours)).toBeUndefined();
  });
});
