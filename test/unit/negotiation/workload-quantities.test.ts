import { normaliseNumbers } from '../../../src/negotiation/workload/numbers';
import { extractQuantities, type Quantity } from '../../../src/negotiation/workload/quantities';
import { factsOf } from '../../../src/negotiation/workload/facts';

const read = (text: string) => extractQuantities(text).quantities;
const one = <K extends Quantity['kind']>(text: string, kind: K) => {
  const found = read(text).filter((q): q is Extract<Quantity, { kind: K }> => q.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const facts = (text: string) => {
  const e = extractQuantities(text);
  return factsOf(e.quantities, e.peakStated);
};

describe('numbers as people write them', () => {
  it('reads fractions of scale words and sizes written as adjectives', () => {
    expect(normaliseNumbers('about a quarter million gets per second').text).toBe('about 250000 gets per second');
    expect(normaliseNumbers('three quarters of a million users').text).toBe('750000 users');
    expect(one('each publishing a 500-byte message', 'item-size').bytes).toBe(500);
    expect(one('3000 short clips (3 minutes) per day', 'duration-each').seconds).toBe(180);
  });
});

describe('what each person keeps', () => {
  it('reads a size per person, mailbox or seat apart from data held in total', () => {
    for (const text of [
      'each person keeps about 50 GB',
      '40 employees, 50 GB per user',
      '300 mailboxes averaging 50 GB',
      'researchers with a 50 GB quota each',
    ])
      expect(one(text, 'data-per-user').gib).toBeCloseTo(46.57, 1);
    expect(read('a 50 GB database for 300 users').map((q) => q.kind)).not.toContain('data-per-user');
    expect(facts('Nextcloud for a 25-person office').users.total).toBe(25);
    expect(facts('60 runs per hour').hourlyOrFiner.builds).toBe(true);
    expect(facts('300 builds a day').hourlyOrFiner.builds).toBeUndefined();
  });
});

describe('what each machine or store holds', () => {
  it('reads a size each of the machines, mailboxes or disks just counted as their total', () => {
    const gib150 = 139.7;
    expect(one('nightly backups of 12 VMs (around 150 GB each) kept for 30 days', 'data').gib).toBeCloseTo(12 * gib150, 0);
    expect(one('80 mailboxes, 5 GB each', 'data').gib).toBeCloseTo(80 * 4.657, 0);
    expect(one('back up 40 laptops x 200 GB', 'data').gib).toBeCloseTo(40 * 186.26, 0);
    expect(one('3 nodes, 100 GB each', 'data').text).toBe('3 nodes × 100 gb');
  });

  it('leaves the size of each of many items, and a size that is not "each", as they were', () => {
    expect(one('1,000 product images, 3 MB each', 'item-size').bytes).toBe(3e6);
    expect(one('12 VMs and a 150 GB database', 'data').gib).toBeCloseTo(139.7, 1);
    // Under a mebibyte, a size each is a record's, whatever holds it.
    expect(read('5 databases, 2 KB each').map((q) => q.kind)).not.toContain('data');
  });
});

describe('how long each takes, and how often', () => {
  it('reads "each ~500 ms" after the things counted as how long each takes, and "every 10 s" as how often', () => {
    expect(one('2M background tasks a day, each ~500 ms', 'duration-each').seconds).toBe(0.5);
    expect(read('2M background tasks a day, each ~500 ms').map((q) => q.kind)).not.toContain('interval');
    expect(one('10000 sensors reporting every 10 s', 'interval').seconds).toBe(10);
  });
});

describe('people by what they do', () => {
  it('counts whoever is connected at once as users, whatever they are called, but not jobs or vehicles', () => {
    expect(one('pushing ticks to 10k connected traders', 'users')).toMatchObject({ count: 10000, of: 'concurrent', noun: 'trader' });
    expect(one('2,000 online gamers', 'users')).toMatchObject({ count: 2000, of: 'concurrent' });
    expect(read('20 concurrent jobs').map((q) => q.kind)).toEqual(['count']);
    expect(read('300 connected vehicles').map((q) => q.kind)).toEqual(['count']);
  });
});

describe('reading numbers', () => {
  it('puts number words, suffixes and separators in digits', () => {
    expect(normaliseNumbers('two thousand five hundred users').text).toBe('2500 users');
    expect(normaliseNumbers('Half a million ops per second').text).toBe('500000 ops per second');
    expect(normaliseNumbers('20k ops/s, 1.5M DAU, 1,500 QPS, 2bn rows').text).toBe('20000 ops/s, 1500000 dau, 1500 qps, 2000000000 rows');
    expect(normaliseNumbers('10 million users and thirty thousand players').text).toBe('10000000 users and 30000 players');
    // A count written after its name, as a dashboard shows it.
    expect(normaliseNumbers('DAU 2M, MAU: 40k, CCU ~5000').text).toBe('2000000 dau, 40000 mau, 5000 ccu');
    expect(facts('DAU 2M mobile backend').users.daily).toBe(2e6);
    expect(normaliseNumbers('1.5M DAU').text).toBe('1500000 dau');
    // Sizes in words and powers of ten as engineers type them; a power past any stated quantity stays as written.
    expect(normaliseNumbers('half a terabyte, a quarter of a petabyte, a gigabyte').text).toBe('0.5 terabyte, 0.25 petabyte, 1 gigabyte');
    expect(normaliseNumbers('10^6 users, 1e5 ops/s, 2.5e3 rps, 99^99 rows').text).toBe('1000000 users, 100000 ops/s, 2500 rps, 99^99 rows');
    expect(normaliseNumbers('python 3.11 on an m5e, 1080p').text).toBe('python 3.11 on an m5e, 1080p');
  });

  it('reads a thing\'s size named before "each" or "per user" as the size of one', () => {
    expect(one('10^6 users with a 5 KB profile each', 'item-size')).toMatchObject({ bytes: 5000 });
    expect(one('2 MB attachments per user', 'item-size')).toMatchObject({ bytes: 2e6 });
    expect(read('we keep 3 TB of data per node')).toContainEqual(expect.objectContaining({ kind: 'data', scope: 'per-node' }));
  });

  it('counts the last word of a compound noun', () => {
    expect(one('resize 2 million product photos', 'count')).toMatchObject({ count: 2e6, of: 'photo' });
    expect(one('1200 customer records', 'count')).toMatchObject({ count: 1200, of: 'record' });
  });

  it('reads vague amounts as figures and says so', () => {
    const n = normaliseNumbers('a few hundred transactions per second, several thousand users, dozens of services');
    expect(n.text).toBe('300 transactions per second, 5000 users, 36 services');
    expect(n.vague).toEqual(['a few hundred', 'several thousand', 'dozens of']);
  });

  it('sizes for the top of a range, with the suffix written once', () => {
    expect(normaliseNumbers('5-10k rps').text).toBe('10000 rps');
    const between = normaliseNumbers('between 1 and 2 TB of JSON');
    expect(between.text).toBe('2 tb of json');
    expect(between.ranges).toEqual([{ low: 1, high: 2, text: 'between 1 and 2' }]);
    // "9 to 5" is a working day, not a range.
    expect(normaliseNumbers('busy 9 to 5 on weekdays').ranges).toEqual([]);
  });
});

describe('extracting quantities', () => {
  it('tells decimal from binary sizes and reads every unit', () => {
    expect(one('holds 2 TB', 'data').gib).toBeCloseTo(1862.65, 1);
    expect(one('holds 2 TiB', 'data').gib).toBe(2048);
    expect(one('holds 10 GB', 'data').gib).toBeCloseTo(9.31, 2);
    expect(one('holds 10 TB', 'data').gib).toBeCloseTo(9313.2, 0);
    expect(one('roughly fifty gigs', 'data').gib).toBeCloseTo(46.57, 1);
    expect(one('a 3 PB lake', 'data').gib).toBeCloseTo(2.79e6, -4);
    expect(one('two and a half terabytes of events', 'data').gib).toBeCloseTo(2328.3, 1);
    expect(one('one and a quarter TB', 'data').gib).toBeCloseTo(1164.2, 1);
    // RAM is sold in binary units: a person asking for "64 gigs of RAM" means a 64 GiB machine.
    expect(one('Memcached, 64 gigs of RAM', 'data')).toMatchObject({ scope: 'ram', gib: 64 });
    expect(one('needs 512 MB of memory', 'data')).toMatchObject({ scope: 'ram', gib: 0.5 });
  });

  it('reads rates whatever the unit of time and the noun', () => {
    expect(one('Redis cache, 20k ops/s', 'rate')).toMatchObject({ perSecond: 20000, of: 'operations' });
    expect(one('peaks at 300 msgs/min', 'rate')).toMatchObject({ perSecond: 5, of: 'messages' });
    expect(one('about 3000 transactions per second', 'rate')).toMatchObject({ perSecond: 3000, of: 'transactions' });
    expect(one('1200 tps at month end', 'rate')).toMatchObject({ perSecond: 1200, of: 'transactions' });
    expect(one('Reads around 500/s.', 'rate')).toMatchObject({ perSecond: 500, of: 'reads' });
    expect(one('10 million calls per day', 'rate').perSecond).toBeCloseTo(115.74, 1);
    expect(one('400 builds a day', 'rate')).toMatchObject({ of: 'builds' });
    expect(one('1.5 million events per minute', 'rate').perSecond).toBe(25000);
  });

  it('reads data arriving, item sizes and throughput apart from data held', () => {
    expect(one('500 GB per day of logs', 'ingest')).toMatchObject({ sustained: false });
    expect(one('2 TB of logs per day', 'ingest').gibPerDay).toBeCloseTo(1862.6, 0);
    expect(one('ingest 200 MB/s', 'ingest')).toMatchObject({ sustained: true });
    expect(one('events at ~1 KB', 'item-size').bytes).toBe(1000);
    expect(one('300 million documents averaging 2 KB', 'item-size').bytes).toBe(2000);
    expect(one('datasets up to 50 GB in memory', 'data')).toMatchObject({ scope: 'memory' });
    expect(one('~500 GB per node', 'data')).toMatchObject({ scope: 'per-node' });
  });

  it('reads people by how they use the system', () => {
    expect(one('200k daily active users', 'users')).toMatchObject({ count: 200000, of: 'daily' });
    expect(one('30k monthly users', 'users')).toMatchObject({ of: 'monthly' });
    expect(one('2,000 concurrent players', 'users')).toMatchObject({ count: 2000, of: 'concurrent' });
    expect(one('200000 persistent tls websocket connections', 'users')).toMatchObject({ of: 'concurrent' });
    expect(one('Keycloak SSO for 20k employees', 'users')).toMatchObject({ count: 20000, of: 'total' });
    expect(one('100 players per match', 'users')).toMatchObject({ per: 'match' });
  });

  it('reads retention, windows, intervals, growth, replication and working hours', () => {
    expect(one('keep 7 days', 'retention').seconds).toBe(7 * 86400);
    expect(one('a 30-day retention', 'retention').seconds).toBe(30 * 86400);
    expect(one('kept for ten years', 'retention').seconds).toBe(10 * 365 * 86400);
    expect(one('keep a fortnight', 'retention').seconds).toBe(14 * 86400);
    expect(one('must finish within 3 hours', 'window').seconds).toBe(3 * 3600);
    expect(one('done by 6am (starts at midnight)', 'window').seconds).toBe(6 * 3600);
    expect(one('scrape every 30 s', 'interval').seconds).toBe(30);
    expect(one('120 turbines x 400 signals x 1 Hz', 'interval').seconds).toBe(1);
    expect(one('growing 40% a year', 'growth').pctPerYear).toBe(40);
    expect(one('grows 2% per month', 'growth').pctPerYear).toBeCloseTo(26.8, 1);
    expect(one('we grow ~8% per quarter', 'growth').pctPerYear).toBeCloseTo((1.08 ** 4 - 1) * 100, 1);
    expect(one('RF=3', 'replication')).toMatchObject({ factor: 3 });
    expect(one('replication factor of three', 'replication')).toMatchObject({ factor: 3 });
    expect(one('one replica', 'replication')).toMatchObject({ replicas: 1 });
    expect(one('busy 9 to 5 on weekdays', 'schedule')).toMatchObject({ hoursPerDay: 8, daysPerWeek: 5 });
    // A run length with a daily cue is part-time use, not a retention.
    expect(read('It only runs nightly for 3 hours.')).toEqual([
      expect.objectContaining({ kind: 'schedule', hoursPerDay: 3, daysPerWeek: 7 }),
    ]);
    expect(one("it's up 4 hours a day on weekdays", 'schedule')).toMatchObject({ hoursPerDay: 4, daysPerWeek: 5 });
    expect(one('runs for 90 minutes every night', 'schedule')).toMatchObject({ hoursPerDay: 1.5, daysPerWeek: 7 });
    expect(read('builds run for 3 hours each').map((q) => q.kind)).not.toContain('schedule');
    expect(read('keep logs for 3 hours').map((q) => q.kind)).toEqual(['retention']);
  });

  it('does not read versions, model names or latency targets as quantities', () => {
    expect(read('PostgreSQL 15 primary for our order system')).toEqual([]);
    expect(read('transcode to H.264 on c6i instances, mp3 too')).toEqual([]);
    expect(read('p99 under 10 ms, p95 20ms')).toEqual([]);
  });

  it('reads a clock range from midnight or noon as a window, where the working hours do not read it', () => {
    expect(one('re-index everything between midnight and 4am', 'window').seconds).toBe(4 * 3600);
    expect(one('a sweep from noon until 2:30pm', 'window').seconds).toBe(2.5 * 3600);
    expect(one('the export runs from 11pm to 5am', 'schedule')).toMatchObject({ hoursPerDay: 6 });
    expect(read('the export runs from 11pm to 5am').filter((q) => q.kind === 'window')).toEqual([]);
  });

  it('tells a version before a singular node word from a count of nodes', () => {
    // "a MySQL 8 replica" is one server of version 8, not eight copies.
    expect(read('Postgres 16 replica used by the BI team')).toEqual([]);
    expect(read('a mongodb 7 node behind the API')).toEqual([]);
    expect(one('Kafka 3 brokers in one rack', 'count')).toMatchObject({ count: 3, of: 'broker' });
    expect(one('Redis 1 replica next to the primary', 'replication')).toMatchObject({ replicas: 1 });
  });

  it('folds quantities into facts: per node × nodes, each per entity, a bare duration as retention', () => {
    expect(facts('a small cassandra ring (3 nodes), ~500 GB per node').dataGib).toBeCloseTo(3 * 465.66, 0);
    const hosts = facts("300 hosts' node_exporter (~1000 series each), 15 days");
    expect(hosts.counts.host).toBe(300);
    expect(hosts.perEntity.series).toBe(1000);
    expect(hosts.retentionDays).toBe(15);
    // "40000 sensors each sending …" is a total, not a count per something.
    expect(facts('40,000 sensors each sending a reading every 10 seconds').counts.sensor).toBe(40000);
    // Interactive rates counted per day are a mean: the busiest hour is three times that.
    expect(facts('10 million calls per day').rates.requests).toBeCloseTo((10e6 / 86400) * 3, 3);
  });
});

describe('reading what people add in words', () => {
  it('takes "32 GB RAM" as the memory asked for, and "sessions of about 4 KB" as an item size', () => {
    expect(one('Memcached, 32 GB RAM', 'data')).toMatchObject({ scope: 'ram' });
    expect(one('~500k active sessions of about 4KB', 'item-size').bytes).toBe(4000);
  });
});
