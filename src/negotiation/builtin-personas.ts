import { parsePersona, seriesOf, type PersonaBody, type PersonaInput, type ResourceProfile, type Role } from './persona';

const f = (peak: number, average: number, sustained: number) => ({ peak, average, sustained });
const WEB = [{ protocol: 'tcp' as const, port: 443, cidr: '0.0.0.0/0' }];
const PRIVATE = (port: number) => [{ protocol: 'tcp' as const, port, cidr: '10.0.0.0/8' }];

function builtin(
  name: string,
  role: Role,
  description: string,
  tags: string[],
  profile: ResourceProfile,
  rest: Pick<PersonaInput, 'security' | 'lifecycle' | 'cost'>,
): PersonaBody {
  return parsePersona({ name, role, description, tags, performance: { series: seriesOf(profile), storageGb: profile.storageGb }, ...rest });
}

/** Seeded into the store on first start as public version 1 of each, owned by the `mosaic` account. */
export const BUILTIN_PERSONAS: PersonaBody[] = [
  builtin(
    'web-server',
    'web-server',
    'Stateless HTTP front end behind a load balancer',
    ['http', 'frontend'],
    { cpu: f(3, 1.2, 1.8), memoryGb: f(6, 3, 4), iops: f(1500, 400, 800), networkGbps: f(1.5, 0.4, 0.8), storageGb: 50 },
    {
      security: { accessLevel: 'public', classification: 'internal', compliance: [], ingress: WEB },
      lifecycle: { expectedUptimePct: 99.9, scaling: { min: 2, max: 10 }, durationDays: 365 },
      cost: { maxHourlyUsd: 0.5, maxMonthlyUsd: 365 },
    },
  ),
  builtin(
    'oltp-database',
    'database',
    'Transactional relational database with steady writes',
    ['postgres', 'mysql', 'oltp'],
    { cpu: f(6, 2.5, 4), memoryGb: f(28, 20, 24), iops: f(9000, 3500, 6000), networkGbps: f(2, 0.6, 1), storageGb: 500 },
    {
      security: { accessLevel: 'internal', classification: 'confidential', compliance: [], ingress: PRIVATE(5432) },
      lifecycle: { expectedUptimePct: 99.95, scaling: { min: 1, max: 1 }, durationDays: 730 },
      cost: { maxHourlyUsd: 1.5, maxMonthlyUsd: 1100 },
    },
  ),
  builtin(
    'analytics-engine',
    'analytics',
    'Columnar analytics over a large data set, bursty queries',
    ['spark', 'olap'],
    { cpu: f(28, 8, 14), memoryGb: f(110, 50, 80), iops: f(12000, 3000, 6000), networkGbps: f(8, 2, 4), storageGb: 2000 },
    {
      security: { accessLevel: 'internal', classification: 'confidential', compliance: [], ingress: PRIVATE(8080) },
      lifecycle: { expectedUptimePct: 95, scaling: { min: 1, max: 4 }, durationDays: 180 },
      cost: { maxHourlyUsd: 4, maxMonthlyUsd: 2900 },
    },
  ),
  builtin(
    'message-queue',
    'message-queue',
    'Durable message broker with fan-out',
    ['kafka', 'rabbitmq'],
    { cpu: f(4, 1.5, 2.5), memoryGb: f(14, 8, 10), iops: f(6000, 2000, 4000), networkGbps: f(4, 1, 2), storageGb: 800 },
    {
      security: { accessLevel: 'internal', classification: 'internal', compliance: [], ingress: PRIVATE(9092) },
      lifecycle: { expectedUptimePct: 99.9, scaling: { min: 3, max: 6 }, durationDays: 365 },
      cost: { maxHourlyUsd: 1, maxMonthlyUsd: 730 },
    },
  ),
  builtin(
    'in-memory-cache',
    'cache',
    'Key-value cache that holds its working set in memory',
    ['redis', 'memcached'],
    { cpu: f(2, 0.8, 1.2), memoryGb: f(26, 20, 24), iops: f(300, 100, 200), networkGbps: f(3, 1, 2), storageGb: 20 },
    {
      security: { accessLevel: 'internal', classification: 'internal', compliance: [], ingress: PRIVATE(6379) },
      lifecycle: { expectedUptimePct: 99.9, scaling: { min: 1, max: 3 }, durationDays: 365 },
      cost: { maxHourlyUsd: 0.6, maxMonthlyUsd: 440 },
    },
  ),
  builtin(
    'batch-worker',
    'batch-worker',
    'Nightly batch jobs, idle during the day',
    ['etl', 'cron'],
    { cpu: f(14, 3, 2), memoryGb: f(28, 8, 6), iops: f(4000, 800, 600), networkGbps: f(2, 0.4, 0.3), storageGb: 200 },
    {
      security: { accessLevel: 'internal', classification: 'internal', compliance: [], ingress: [] },
      lifecycle: { expectedUptimePct: 30, scaling: { min: 1, max: 8 }, durationDays: 365 },
      cost: { maxHourlyUsd: 1.2, maxMonthlyUsd: 500 },
    },
  ),
  builtin(
    'search-engine',
    'search-engine',
    'Full-text search or log analytics cluster node (Elasticsearch, OpenSearch, Solr)',
    ['elasticsearch', 'opensearch'],
    { cpu: f(8, 3, 5), memoryGb: f(32, 28, 30), iops: f(6000, 2000, 4000), networkGbps: f(2, 0.6, 1), storageGb: 500 },
    {
      security: { accessLevel: 'internal', classification: 'internal', compliance: [], ingress: PRIVATE(9200) },
      lifecycle: { expectedUptimePct: 99.9, scaling: { min: 1, max: 6 }, durationDays: 365 },
      cost: { maxHourlyUsd: 1.5, maxMonthlyUsd: 1100 },
    },
  ),
  builtin(
    'realtime-server',
    'realtime-server',
    'Game server or WebSocket hub holding many persistent connections',
    ['websocket', 'game-server'],
    { cpu: f(4, 1.5, 2.5), memoryGb: f(8, 5, 6), iops: f(500, 200, 300), networkGbps: f(2, 0.6, 1), storageGb: 40 },
    {
      security: { accessLevel: 'public', classification: 'internal', compliance: [], ingress: WEB },
      lifecycle: { expectedUptimePct: 99.9, scaling: { min: 1, max: 20 }, durationDays: 365 },
      cost: { maxHourlyUsd: 1, maxMonthlyUsd: 730 },
    },
  ),
  builtin(
    'file-store',
    'file-store',
    'File drop box, share or object store: capacity before compute',
    ['sftp', 'nfs', 'object-storage'],
    { cpu: f(2, 0.5, 1), memoryGb: f(4, 3, 3.5), iops: f(3000, 500, 1500), networkGbps: f(1, 0.2, 0.5), storageGb: 2000 },
    {
      security: { accessLevel: 'internal', classification: 'confidential', compliance: [], ingress: PRIVATE(443) },
      lifecycle: { expectedUptimePct: 99.9, scaling: { min: 1, max: 2 }, durationDays: 730 },
      cost: { maxHourlyUsd: 1, maxMonthlyUsd: 730 },
    },
  ),
  builtin(
    'payments-api',
    'web-server',
    'Card-payment API inside a PCI DSS scope',
    ['payments', 'pci'],
    { cpu: f(4, 1.5, 2.5), memoryGb: f(8, 4, 6), iops: f(3000, 1000, 2000), networkGbps: f(1, 0.3, 0.6), storageGb: 100 },
    {
      security: { accessLevel: 'restricted', classification: 'restricted', compliance: ['pci-dss'], ingress: WEB },
      lifecycle: { expectedUptimePct: 99.99, scaling: { min: 2, max: 6 }, durationDays: 730 },
      cost: { maxHourlyUsd: 4, maxMonthlyUsd: 2900 },
    },
  ),
];
