import { extractQuantities } from '../../../src/negotiation/workload/quantities';
import { analyzeDescription } from '../../../src/negotiation/workload/analyze';

/** The schedule the analysis reads from a description, as hours a day, days a week and the start hour. */
const schedule = (text: string) => {
  const s = analyzeDescription(text).schedule;
  return s && { hoursPerDay: s.hoursPerDay, daysPerWeek: s.daysPerWeek, startHour: s.startHour };
};

describe('working hours written the ways people write them', () => {
  it.each([
    ['BI dashboards for the finance team, used 8am-6pm Mon-Fri', 10, 5, 8],
    ['dev environment, needed weekdays 09:00–17:30 CET', 8.5, 5, 9],
    ['an internal wiki for the office, used 9 to 5 on weekdays', 8, 5, 9],
    ['analysts use it 9-5, 20 users', 8, 5, 9],
    ['shop open Mon–Sat 7:30am to 7pm', 11.5, 6, 7.5],
    ['call centre app, 2 shifts 6am-10pm weekdays', 16, 5, 6],
    ['batch reporting job, runs nightly from 1am to 4am', 3, 7, 1],
    ['ETL pipeline that runs every night between 22:00 and 02:00', 4, 7, 22],
    ['a cron job from 2 to 3am', 1, 7, 2],
    ['render farm, Monday through Thursday 10pm to 6', 8, 4, 22],
    // Dotted clock times, as much of Europe writes them.
    ['dev box, runs 9.30 to 17.30 weekdays', 8, 5, 9.5],
    ['weekdays 8.30-18.00, a small staging API', 9.5, 5, 8.5],
    ['support portal open 9.00 to 17.00 CET', 8, 5, 9],
  ])('%s', (text, hoursPerDay, daysPerWeek, startHour) => {
    expect(schedule(text)).toEqual({ hoursPerDay, daysPerWeek, startHour });
  });

  it('reads named hours and day sets without clock times', () => {
    expect(schedule('Jenkins build agents used only during office hours, Monday to Friday')).toMatchObject({
      hoursPerDay: 10,
      daysPerWeek: 5,
    });
    expect(schedule('staging database, only up during business hours')).toMatchObject({ hoursPerDay: 10, daysPerWeek: 5 });
    expect(schedule('training cluster used on weekends only')).toMatchObject({ hoursPerDay: 24, daysPerWeek: 2 });
  });

  it('reads no schedule where the text says it runs all the time, or where a range measures something else', () => {
    for (const text of [
      'internal wiki, 24/7',
      'game server, busiest 8pm to 11pm, but online around the clock',
      'payments API, always-on, 2000 requests per second',
      'Redis cache with 3 to 5 replicas',
      'Kafka, 2-4 TB of data, 9 brokers',
      'API with 10-20k requests per second',
      'PostgreSQL 15 primary for our order system, 2 TB of data, about 3000 transactions per second',
      'nightly backups kept for 7 days',
      // Dotted figures that are versions or sizes, even beside a word that could be about time.
      'python 3.11 to 3.12 daily',
      'upgrade node 18.12 to 20.10 on our servers',
      'PostgreSQL growing from 1.25 to 2.50 TB of data',
      'p99 latency 2.50 to 4.50 ms',
    ])
      expect(schedule(text)).toBeUndefined();
  });

  it('keeps the sizes of dotted ranges that are not clock times', () => {
    expect(analyzeDescription('PostgreSQL growing from 1.25 to 2.50 TB of data').storageGib).toBe(
      analyzeDescription('PostgreSQL with 2.50 TB of data').storageGib,
    );
  });

  it('keeps the sizes of ranges that are not clock times', () => {
    const q = extractQuantities('Kafka, 2-4 TB of data, 10-20k messages per second');
    expect(q.quantities).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'data', gib: expect.closeTo(3725.3, 0) })]));
    expect(q.quantities.filter((x) => x.kind === 'schedule')).toEqual([]);
  });
});
