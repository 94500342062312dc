import { profileOfAnalysis } from '../../../src/negotiation/analyzer';
import { solve } from '../../../src/negotiation/solver';
import { parseNegotiationRequest, regionNote } from '../../../src/negotiation/request';
import { analyzeDescription } from '../../../src/negotiation/workload/analyze';
import { statedRegion } from '../../../src/negotiation/workload/region';

const region = (text: string) => statedRegion(text)?.region;
const request = (text: string, extra: Record<string, unknown> = {}) =>
  parseNegotiationRequest({ negotiationId: 'region-1', user: 'ann', account: 'shop', workload: { kind: 'text', text }, ...extra });

describe('the region a description states', () => {
  it('reads region codes, the places AWS names its regions after, and areas the data must stay in', () => {
    expect(region('PostgreSQL 16 in eu-west-1 for orders, 500 GB')).toBe('eu-west-1');
    expect(region('Kafka cluster, us-west-2, 20k messages/s')).toBe('us-west-2');
    expect(region('Our Redis cache, hosted in Frankfurt')).toBe('eu-central-1');
    expect(region('customer portal running out of Ireland')).toBe('eu-west-1');
    expect(region('game server for players near Tokyo')).toBe('ap-northeast-1');
    expect(region('Elasticsearch for logs in São Paulo')).toBe('sa-east-1');
    expect(region('MongoDB for patient records, EU only')).toBe('eu-west-1');
    expect(region('CRM database: GDPR data must stay in the EU')).toBe('eu-west-1');
    expect(region('analytics warehouse, data residency: must remain within the European Union')).toBe('eu-west-1');
    expect(region('payments API, US-only hosting')).toBe('us-east-1');
  });

  it('reads a country where the text places the workload or its users there', () => {
    expect(region('keep the data in Canada (PIPEDA), 50 GB')).toBe('ca-central-1');
    expect(region('must stay in Germany for compliance')).toBe('eu-central-1');
    expect(region('servers close to our users in Brazil')).toBe('sa-east-1');
    expect(region('a ticketing service for fans in South Korea')).toBe('ap-northeast-2');
    expect(region('hosted in the UK, 40 GB of orders')).toBe('eu-west-2');
    expect(region('CDN origin for customers across India')).toBe('ap-south-1');
    // A city wins over a country: the city names the region.
    expect(region('servers in Oregon for users in Japan')).toBe('us-west-2');
    // A country's adjective or a name is no placement.
    expect(region('Indian restaurant chain POS, 30 stores')).toBeUndefined();
    expect(region('Canadian-style bacon recipe site')).toBeUndefined();
  });

  it('reads no region where none is stated, nor from codes that are no region', () => {
    expect(region('PostgreSQL primary for our order system, 2 TB, 3000 transactions per second')).toBeUndefined();
    expect(region('HIPAA records API, 2 TB')).toBeUndefined();
    expect(region('a GDPR-compliant CRM for 200 sales people')).toBeUndefined();
    expect(region('build cache for the xx-west-9 team')).toBeUndefined();
    expect(region('European customers visit our static site')).toBeUndefined();
  });

  it('in a move, runs where it goes, not where it leaves', () => {
    expect(region('moving from Germany to France')).toBe('eu-west-3');
    expect(region('we are migrating our shop from Frankfurt to Paris')).toBe('eu-west-3');
    expect(region('moving the database to Paris from London')).toBe('eu-west-3');
    expect(region('currently hosted in Frankfurt, moving to Ireland next year')).toBe('eu-west-1');
    expect(region('relocating out of eu-central-1 into eu-west-3')).toBe('eu-west-3');
    // The origin is still named among the others, and a move with no destination states no region.
    expect(statedRegion('moving from Germany to France')?.others).toEqual([{ region: 'eu-central-1', text: 'germany' }]);
    expect(region('leaving Frankfurt for good')).toBeUndefined();
    expect(region('EU only, moving off us-east-1')).toBe('eu-west-1');
    // Without a move, "from" is only where people are: the customers from Germany are served in Frankfurt.
    expect(region('customers from Germany, hosted in Frankfurt')).toBe('eu-central-1');
    expect(region('users from Brazil')).toBe('sa-east-1');
  });

  it('uses the first of several regions and says which others it saw', () => {
    const a = analyzeDescription('Postgres primary in eu-central-1 with a read replica in us-east-1, 200 GB');
    expect(a.region).toEqual({ region: 'eu-central-1', text: 'eu-central-1' });
    expect(a.notes.join(' ')).toMatch(/several regions: used eu-central-1 .*not us-east-1/);
  });
});

describe('a negotiation request with a region in its description', () => {
  it('runs where the description says when the request names no region', () => {
    const r = request('MySQL for the shop, hosted in Frankfurt, 300 GB');
    expect(r).toMatchObject({ region: 'eu-central-1', regionFrom: 'description' });
    expect(regionNote(r)).toBe('region eu-central-1, as the description says ("frankfurt")');
  });

  it("keeps the request's own region and says it wins over the description's", () => {
    const r = request('MySQL for the shop, hosted in Frankfurt, 300 GB', { region: 'us-east-1' });
    expect(r).toMatchObject({ region: 'us-east-1', regionFrom: 'request', statedRegion: { region: 'eu-central-1' } });
    expect(regionNote(r)).toMatch(/region us-east-1, as the request says: it wins over the description's eu-central-1/);
    expect(regionNote(request('MySQL in eu-west-1', { region: 'eu-west-1' }))).toBeUndefined();
  });

  it('falls back to us-east-1 and says nothing when neither names one', () => {
    const r = request('MySQL for the shop, 300 GB');
    expect(r).toMatchObject({ region: 'us-east-1', regionFrom: 'default' });
    expect(regionNote(r)).toBeUndefined();
  });

  it("proposes instances only in the description's region", () => {
    const r = request('Redis cache, 20k ops/s, EU only');
    const a = analyzeDescription(r.workload.kind === 'text' ? r.workload.text : '');
    const result = solve(
      {
        profile: profileOfAnalysis(a),
        headroom: 1.3,
        compliance: [],
        region: r.region,
        regionFrom: r.regionFrom,
        constraints: [],
      },
      { k: 3, idPrefix: 'r1-p' },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(new Set(result.proposals.map((p) => p.region))).toEqual(new Set(['eu-west-1']));
  });
});
