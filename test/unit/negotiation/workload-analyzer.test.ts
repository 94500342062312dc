import path from 'node:path';
import { FIXTURES, loadLabelled, score, share } from '../../../bench/analyzer-score';
import { analyse } from '../../../src/negotiation/analyzer';
import { placeholderReason } from '../../../src/negotiation/evolution';
import { analyzeDescription, InvalidWorkloadDescription } from '../../../src/negotiation/workload/analyze';
import { recogniseKind } from '../../../src/negotiation/workload/kinds';
import { normaliseNumbers } from '../../../src/negotiation/workload/numbers';
import { answersSchema } from '../../../src/negotiation/workload/questions';
import { BARE_GIB, ROOT_GIB, VOLUME_HEADROOM, withVolumeHeadroom } from '../../../src/negotiation/workload/sizing';

const a = (text: string, answers?: Parameters<typeof analyzeDescription>[1]) => analyzeDescription(text, answers);
const kind = (text: string) => recogniseKind(normaliseNumbers(text).text).kind;
/** The volume a model sized, before the headroom every data volume gets (withVolumeHeadroom): what the formulas below pin. */
const bare = (storageGib: number) =>
  storageGib <= ROOT_GIB + BARE_GIB ? storageGib : (storageGib + (VOLUME_HEADROOM - 1) * (ROOT_GIB + BARE_GIB)) / VOLUME_HEADROOM;

describe('recognising the kind of workload', () => {
  it('names the kind from products and words, whatever the phrasing', () => {
    expect(kind('postgress database for inventory')).toBe('relational-database');
    expect(kind('Couchbase bucket for user sessions')).toBe('document-database');
    expect(kind('a small cassandra ring')).toBe('wide-column-store');
    expect(kind('tsdb for a wind farm')).toBe('time-series-database');
    expect(kind('Feast online feature store on Redis')).toBe('feature-store');
    expect(kind('Memcached tier in front of MySQL')).toBe('cache');
    expect(kind('Redpanda broker for CDC from Postgres (Debezium)')).toBe('message-broker');
    expect(kind('A small warehouse: Postgres + dbt')).toBe('data-warehouse');
    expect(kind('GitLab runner for Docker image builds')).toBe('ci-builds');
    expect(kind('Valheim server for me and five friends')).toBe('game-server');
    expect(kind('Socket.IO chat backend')).toBe('websocket-server');
    expect(kind('host a wordpress blog')).toBe('web-application');
    expect(kind('company blog, static')).toBe('static-site');
    expect(kind('SFTP drop box for partners')).toBe('file-drop');
    expect(kind('REQ-4411: pg16 for billing')).toBe('relational-database');
    expect(kind('mysql8 for the shop')).toBe('relational-database');
    // What orchestrates the DAGs is the workload, not the warehouse they query.
    expect(kind('Prefect agent scheduling about 50 DAGs whose tasks query Redshift')).toBe('etl-pipeline');
  });

  it('takes a service named by what it does, with a request rate, for an application', () => {
    expect(kind('Card payment tokenization service, PCI DSS scope, 2000 TPS at Black Friday peak')).toBe('web-application');
    expect(kind('pricing endpoint answering about 300 requests per second')).toBe('web-application');
    expect(kind('our company intranet, accessible only via VPN')).toBe('web-application');
    expect(kind('claims processing batch, nightly, 200 GB of records')).toBe('etl-pipeline');
    // A kind of its own still wins: the service is what the cache sits in front of.
    expect(kind('Redis cache in front of our catalogue service, 120k ops/sec')).toBe('cache');
  });

  it('knows a model behind an endpoint by what it predicts, and a payment gateway for an application, not a proxy', () => {
    expect(kind('A GPU-free sentiment model behind a REST endpoint, 30 predictions per second')).toBe('ml-inference');
    const model = a('A GPU-free sentiment model behind a REST endpoint, 30 predictions per second');
    // 30 predictions/s × 60 ms of CPU each ÷ 70 % target utilisation.
    expect(model.load.vcpu).toBeCloseTo((30 * 60) / 1000 / 0.7, 1);
    const payments = a('A payment gateway API processing card transactions, 150 requests per second peak, PCI DSS scope.');
    // 5 ms per request, as any application service; a proxy's 1 ms would leave it a fifth of that.
    expect(payments.load.vcpu).toBeCloseTo((150 * 5) / 1000 / 0.7, 1);
    expect(a('Kong API gateway, 2000 requests per second').load.vcpu).toBeCloseTo(2000 / 1000 / 0.7, 1);
  });

  it('sizes shares and mailboxes by what each person keeps, and knows a backup landing zone', () => {
    expect(kind('Mail server (Postfix + Dovecot) for 300 mailboxes averaging 5 GB.')).toBe('mail-server');
    const mail = a('Mail server (Postfix + Dovecot) for 300 mailboxes averaging 5 GB.');
    // 300 × 5 GB (4.66 GiB) + 20 % free + root; nothing to ask about the data.
    expect(mail.storageGib).toBe(Math.ceil(withVolumeHeadroom(20 + 300 * 4.657 * 1.2)));
    expect(mail.questions.map((q) => q.id)).not.toContain('dataGib');
    expect(mail.peak.vcpu).toBeLessThan(4);
    expect(a('Nextcloud for a 25-person office, each person keeps about 50 GB.').storageGib).toBeGreaterThan(25 * 46 * 1.2);
    expect(a('Home directories on NFS: 120 researchers with a 200 GB quota each').storageGib).toBeGreaterThan(120 * 186 * 1.2);
    expect(kind('Backups landing zone: 2 TB nightly full backups kept for 14 days.')).toBe('backup-target');
    expect(a('Backups landing zone: 2 TB nightly full backups kept for 14 days.').storageGib).toBeGreaterThan(14 * 1862);
  });

  it('counts CI builds written per hour as the busy hour, not a day squeezed into ten hours', () => {
    // 60 runs an hour × 8 minutes = 8 running at once (Little's law), 2 vCPU each.
    expect(a('Self-hosted GitHub Actions runners: ~60 workflow runs per hour during the workday, 8 min each.').peak.vcpu).toBe(16);
    // 300 a day × 12 minutes over a 10-hour day, × 2 for the busiest hour: 12 at once.
    expect(a('A Jenkins server for 40 engineers, about 300 builds a day, each build takes 12 minutes.').load.vcpu).toBe(24);
  });

  it('sizes what the second probe found: clips by their length, casual games, devices on an interval, pages, calls', () => {
    // 3,000 clips a day × 3 minutes (the top of "2-3") × 7 core·s per second of a 1080/720/480 ladder, ×2 for the queue.
    const vod = a('Video on demand: viewers upload around 3,000 short clips (2-3 minutes) per day, we encode to 1080p/720p/480p');
    expect(vod.load.vcpu).toBeCloseTo(((3000 * 180 * 7) / 86400) * 2, 0);
    // A quiz sends a message now and then: nowhere near a shooter's 32 players a core.
    expect(a('Realtime multiplayer trivia game, peaks of 15k simultaneous players on Sunday evenings').peak.vcpu).toBeLessThan(16);
    expect(a('Counter-Strike 2 dedicated servers, 640 concurrent players').peak.vcpu).toBeGreaterThanOrEqual(20);
    // 100,000 vehicles, a message every 5 s: 20,000 messages/s of 500 bytes.
    const mqtt = a('MQTT broker (EMQX) for 100k connected vehicles, each publishing a 500-byte message every 5 seconds');
    expect(mqtt.quantities.map((q) => q.measure)).toEqual(expect.arrayContaining(['vehicle count', 'item size', 'interval']));
    expect(mqtt.questions.map((q) => q.id)).not.toContain('peakRate');
    expect(a('Could you set up a Memcached pool? We see about a quarter million gets per second.').load.vcpu).toBe(6);
    // 50,000 pages a day at 2 core·s each, ×2 for the day's peak.
    const ocr = a('OCR pipeline for scanned invoices, about 50k pages per day');
    expect(ocr.kind).toBe('image-processing');
    expect(ocr.load.vcpu).toBeCloseTo((50000 / 86400) * 2 * 2, 1);
    // 200 calls of two, 1.5 Mbit/s each way through the relay.
    const turn = a('A TURN server for WebRTC video calls, up to 200 concurrent calls');
    expect(turn.role).toBe('realtime-server');
    expect(turn.peak.networkGbps).toBeCloseTo(1.2, 1);
    expect(kind('Event sourcing store on EventStoreDB, 500 events per second, currently 1.2 TB')).toBe('document-database');
    expect(kind('Internal Grafana dashboards, 30 users, reads from our existing Prometheus')).toBe('web-application');
    expect(a("run our company's internal Confluence, around 500 people use it").peak.vcpu).toBeGreaterThanOrEqual(4);
  });

  it("keeps every copy of a dump and every camera's recording, and streams each listener its bit rate", () => {
    const dumps = a('Nightly mysqldump of a 300 GB database to object storage, keep 30 copies.');
    // Where the dump goes is not the workload; 30 whole dumps of 300 GB (279 GiB), + 20 % free.
    expect(dumps.kind).toBe('backup-target');
    expect(dumps.storageGib).toBe(Math.ceil(withVolumeHeadroom(20 + 279.4 * 30 * 1.2)));
    // 40 cameras × 4 Mbit/s (0.5 MB/s) × 30 days, + 20 % free and the root volume.
    const cctv = a('Need storage for security camera footage: 40 cameras at 4 Mbps, keep 30 days.');
    expect(cctv.role).toBe('file-store');
    expect(cctv.storageGib).toBe(Math.ceil(withVolumeHeadroom(20 + ((40 * 0.5e6 * 86400 * 30) / 2 ** 30) * 1.2)));
    const radio = a('Streaming radio station, 500 listeners at 128 kbps.');
    expect(radio.role).toBe('realtime-server');
    expect(radio.peak.networkGbps).toBeCloseTo((500 * 128) / 1e6, 2);
  });

  it('reads the same workloads written another way', () => {
    // Professions count as people, and what each keeps multiplies by them: 12 × 400 GB.
    expect(a('File server for the design team: 12 designers, roughly 400 GB per person of Photoshop files.').storageGib).toBeGreaterThan(
      12 * 372 * 1.2,
    );
    // A casual game is recognised as a game, and sized as one that sends a move now and then.
    const chess = a('Online chess platform with 40k concurrent players.');
    expect(chess.kind).toBe('game-server');
    expect(chess.load.vcpu).toBe(2 + 40000 / 2000);
    expect(chess.peak.networkGbps).toBeLessThan(1);
    // "meetings of 6 people" is how many share a meeting: 30 × 6 streams through the relay.
    const jitsi = a('Jitsi Meet for the company, up to 30 simultaneous meetings of 6 people.');
    expect(jitsi.quantities.map((q) => q.measure)).toContain('total people per meeting');
    expect(jitsi.peak.networkGbps).toBeCloseTo((30 * 6 * 1.5e6 * 2) / 1e9, 2);
    expect(kind('Sentiment scoring endpoint, about 3 million predictions a day.')).toBe('ml-inference');
  });

  it('sizes what the third probe found: poolers, resolvers, forges, connectors, render nodes, idle copies', () => {
    // A connection pooler in front of a database is a proxy, not the database: ~2 KiB a connection, a core at most.
    const pooler = a('ProxySQL sitting in front of our MySQL primary, around 3,000 app connections');
    expect(pooler.role).toBe('web-server');
    expect(pooler.load.memoryGib).toBeLessThan(4);
    expect(kind('PgBouncer in front of the main database, 5k client connections')).toBe('web-application');
    // DNS answers are cheap: 20k queries/s is about a core, not the 100 ms of an application request.
    const dns = a('CoreDNS caching resolvers for the cluster, peaks of 20,000 queries per second');
    expect(dns.kind).toBe('web-application');
    expect(dns.peak.vcpu).toBeGreaterThan(0.5);
    expect(dns.peak.vcpu).toBeLessThan(4);
    // GitLab by its users, with the runners that live elsewhere set aside.
    const forge = a('Self-hosted GitLab for 900 engineers; CI runners are separate');
    expect(forge.kind).toBe('web-application');
    expect([forge.peak.vcpu, forge.peak.memoryGib]).toEqual([8, expect.any(Number)]);
    expect(forge.peak.memoryGib).toBeGreaterThanOrEqual(16);
    // Connectors keep no data of their own; the broker beside them is not the workload.
    const connect = a('Kafka Connect cluster shipping about 20 MB/s of CDC events to S3');
    expect(connect.kind).toBe('etl-pipeline');
    expect(connect.storageGib).toBeLessThan(100);
    // A render node takes the cores each frame is stated to need.
    const render = a('Blender render node: each frame needs 32 cores and takes ~6 minutes');
    expect(render.kind).toBe('rendering');
    expect(render.peak.vcpu).toBeGreaterThanOrEqual(32);
    // A copy nobody uses keeps a sliver of its data in memory, not production's working set.
    const busy = a('MongoDB replica set holding 3 TB of documents, 2,000 ops/s');
    const idle = a('Staging MongoDB restored from a 3 TB production snapshot, barely used, hardly any traffic');
    expect(idle.peak.memoryGib).toBeLessThan(busy.peak.memoryGib / 3);
    expect(idle.storageGib).toBeGreaterThan(3000);
  });

  it('reads logins near a bare rate, what each person keeps, rollups and weekly fulls', () => {
    // "50/s" a few words after "logins" is a login rate: Keycloak's sizing guide gives a core per 15 password logins/s.
    const sso = a('Keycloak for SSO across 40 apps, password logins hit maybe 60/s on Monday mornings');
    expect(sso.quantities.find((q) => q.unit === 'per second')?.measure).toBe('logins rate');
    expect(sso.peak.vcpu).toBeGreaterThanOrEqual(60 / 15);
    // "each with around 20 GB" after the people is per person; after nodes it is not.
    expect(a('Nextcloud for a 60-person office, each with around 20 GB of files').storageGib).toBeGreaterThan(60 * 18.6 * 1.2);
    expect(a('MinIO on 4 nodes, each with about 2 TB of disks').quantities.map((q) => q.measure)).not.toContain('data per user');
    // Rollup at ingestion stores far fewer rows than arrive.
    const raw = a('Apache Druid taking 100k events/s, 30 days kept');
    const rolled = a('Apache Druid taking 100k events/s with rollup at ingestion, 30 days kept');
    expect(rolled.storageGib).toBeLessThan(raw.storageGib / 5);
    // A weekly full kept four weeks is four or five fulls, plus the daily incrementals.
    const backups = a('Backup repository: 1 TB full every Sunday plus 15 GB incrementals nightly, 4 weeks retention');
    expect(backups.quantities.map((q) => q.measure)).toContain('data arriving');
    expect(backups.storageGib).toBeGreaterThan(4 * 931 + 28 * 14);
    expect(bare(backups.storageGib)).toBeLessThan(7 * 931 * 1.2);
    // The period written first, and no word "backup" at all; a full every night is a whole copy per day kept.
    const fulls = a('Weekly full of 500 GB on Saturdays, daily incrementals of 10 GB, keep 8 weeks');
    expect(fulls.kind).toBe('backup-target');
    expect(fulls.storageGib).toBeGreaterThan(8 * 466 + 56 * 9.3);
    expect(a('Full backups every night of 100 GB, keep 14 days').storageGib).toBeGreaterThan(14 * 93);
  });

  it('sizes what the fourth probe found: vector stores, consensus stores, a database on the same box, data per user', () => {
    // Qdrant's capacity planning: vectors × dimensions × 4 bytes × 1.5, in memory.
    const vectors = a('Milvus holding 2 million 1536-dimensional OpenAI embeddings, 30 searches/s');
    expect(vectors.kind).toBe('vector-database');
    const index = (2e6 * 1536 * 4 * 1.5) / 2 ** 30;
    expect(vectors.load.memoryGib).toBeGreaterThan(index);
    expect(vectors.peak.memoryGib).toBeLessThan(index * 1.5);
    // etcd's hardware guide by the clients it serves; an ensemble's own nodes are its members, not clients.
    expect(a('etcd backing a k8s cluster with 1,200 nodes').peak).toMatchObject({ vcpu: 8, memoryGib: 32 });
    const zk = a('three-node ZooKeeper ensemble for the Kafka cluster');
    expect([zk.kind, zk.peak.vcpu, zk.storageGib < 100]).toEqual(['coordination-store', 2, true]);
    // What the service talks to is not the workload.
    expect(kind('Checkout service in Go, 2k rps, talks to Postgres and Redis')).toBe('web-application');
    // The application's database on the same box brings its buffer pool.
    const alone = a('Django app for 5k monthly users, 200 GB of data in Postgres');
    const together = a('Django app for 5k monthly users, 200 GB of data in Postgres on the same server');
    expect(together.peak.memoryGib - alone.peak.memoryGib).toBeGreaterThan(200 * 0.93 * 0.1);
    // "10 MB of data each" right after the users is per user, for a database too.
    expect(a('CouchDB for offline sync: 50k users, 10 MB of data each').storageGib).toBeGreaterThan(50_000 * 0.0093);
    expect(a('MongoDB with 2 million documents, 10 KB of data each').quantities.map((q) => q.measure)).not.toContain('data per user');
    expect(a('Dovecot for 120 staff, mailboxes average 8 GB').storageGib).toBeGreaterThan(120 * 7.45);
  });

  it('sizes what the fifth probe found: shared periods, files of a size, matches, metrics per device, waiting jobs', () => {
    // "900 writes per second plus 7000 reads": the reads share the writes' period (600 writes and 2,500 reads a core).
    const db = a('MySQL, 300 GB, about 900 writes per second plus 7000 reads');
    expect(db.quantities.filter((q) => q.unit === 'per second').map((q) => q.value)).toEqual([900, 7000]);
    expect(db.load.vcpu).toBeCloseTo(900 / 600 + 7000 / 2500, 1);
    // Files arriving a day × the size of each, kept for the retention.
    const drop = a('Partner upload portal (SFTP): ~400 files per day of 20 MB each, kept 60 days');
    expect(drop.storageGib).toBeGreaterThan((400 * 20e6 * 60) / 2 ** 30);
    // "5v5" is ten players a match, and each match its own process.
    const cs = a('Dedicated servers for 5v5 shooter matches, 12 matches at the same time');
    expect(cs.load.vcpu).toBeCloseTo(12 * 0.5 + 120 / 32, 1);
    // Fewer metrics than devices are each device's: 3,000 × 10 series, every 5 s.
    const iot = a('InfluxDB for 3,000 devices sending 10 metrics every 5 seconds, keep 30 days');
    expect(iot.storageGib).toBeGreaterThan((((3000 * 10) / 5) * 3 * 30 * 86400 * 1.2) / 2 ** 30);
    // Jobs that wait on other services take ~20 ms of a core, not 100 ms.
    const io = a('Celery workers, 40 tasks/sec, mostly I/O bound calls to third-party APIs');
    expect(io.load.vcpu).toBeCloseTo(Math.max(1, (40 * 0.02 * 2) / 0.7), 1);
    // A cron box is scheduled background work; SQLite inside an application leaves the application the workload.
    expect(kind('VM for crontab entries and some bash scripts')).toBe('background-jobs');
    expect(kind('internal tool: 20 users, django, sqlite, nothing else')).toBe('web-application');
    expect(kind('SQLite database of 5 GB for a kiosk')).toBe('relational-database');
    expect(a('Mattermost for 300 people').peak.vcpu).toBeGreaterThanOrEqual(2);
  });

  it('sizes what the sixth probe found: what a product is for, how it runs, SSR, worlds, surveillance, thumbnailers', () => {
    // The product after "for" is what uses it: the database is the workload, unless nothing else is named.
    expect(kind('A small PostgreSQL for a Mastodon install of 40 users')).toBe('relational-database');
    expect(kind('A VM for Jenkins')).toBe('ci-builds');
    // How it runs and what it reads from or hands work to are not the workload.
    expect(kind('Airflow on the Kubernetes executor, 25 concurrent tasks, most of them SQL pushed down to Snowflake')).toBe('etl-pipeline');
    const bi = a('Metabase for the sales team, pointed at our Redshift warehouse');
    expect([bi.kind, bi.peak.memoryGib >= 3]).toEqual(['web-application', true]);
    // Server-side rendering costs ~20 ms a page: 60k daily visitors × 40 requests, busiest hour 3×.
    const ssr = a('Nuxt app with server-side rendering, 60k visitors a day');
    expect(ssr.kind).toBe('web-application');
    expect(ssr.load.vcpu).toBeCloseTo((((60_000 * 40) / 86400) * 3 * 0.02) / 0.7, 1);
    // "15 worlds, ~8 players each": the players of every world, each world its own server.
    const worlds = a('We host 15 Valheim worlds, about 8 players each');
    expect(worlds.load.vcpu).toBeCloseTo(2 * 15 + (15 * 8) / 32, 1);
    // Video surveillance is recorded video: cameras × bit rate × days.
    const nvr = a('IP camera recordings for a warehouse: 60 cameras at 4 Mbps, 21 days');
    expect(nvr.role).toBe('file-store');
    expect(nvr.storageGib).toBeGreaterThan((60 * 0.5e6 * 86400 * 21) / 2 ** 30);
    // A thumbnailer is image processing; uploads are the photos arriving.
    const thumbs = a('Thumbnailer service: 20 uploads per second, photos around 3 MB');
    expect(thumbs.kind).toBe('image-processing');
    expect(thumbs.peak.vcpu).toBeCloseTo(20 * 0.2 * 2, 1);
    // Storage many machines read ("training data … at 2 GB/s") is a file share.
    expect(a('Storage for ML training data: 10 TB of images, read by GPU nodes at 1 GB/s').role).toBe('file-store');
  });

  it('keeps what the text asks of the disks and the nodes: stated IOPS, RAM per node, SI-grouped thousands', () => {
    // IOPS are what the volume must deliver, not operations the database serves.
    const db = a('storage: 1.5TiB, iops: 6000, db: postgres');
    expect(db.peak.iops).toBe(6000);
    expect(db.quantities.map((q) => q.measure)).not.toContain('operations rate');
    expect(a('MySQL, 400 GB, needs 12000 IOPS').peak.iops).toBe(12000);
    // "64 GB RAM each" on three nodes is the cluster's 192.
    expect(a('Elasticsearch 7.x cluster, 3 data nodes with 64 GB RAM each, 2 TB per node').peak.memoryGib).toBe(192);
    // "2 000" with a no-break space is two thousand.
    expect(a('Postgres \u2248 3 TB, ~2\u00a0000 TPS').quantities.find((q) => q.unit === 'per second')?.value).toBe(2000);
    expect(kind('I want a machine learning thing that predicts churn from our customer table')).toBe('ml-batch');
    expect(kind('An app for food ordering with 5k users/day')).toBe('web-application');
  });

  it('sizes what the seventh probe found: side workers, pipelines, buckets, small indexes, Splunk, streams, caches, classes', () => {
    // What runs beside the application is not the workload.
    expect(kind('Django monolith at 250 req/s, Celery workers alongside it')).toBe('web-application');
    expect(kind('A Python ML feature pipeline that runs hourly over 30 GB of new events')).toBe('etl-pipeline');
    // Photos in object storage are the bucket's, not the instance's disk.
    expect(a('Photo app backend, 20 TB of user photos in S3, 1M MAU').storageGib).toBeLessThan(100);
    // A small index answers many searches a core: autocomplete over 300k names at 1,000/s is a few cores, not 40.
    const typeahead = a('Type-ahead search over 300k city names, 1000 queries per second');
    expect(typeahead.kind).toBe('search-engine');
    expect(typeahead.peak.vcpu).toBeLessThan(10);
    // Splunk's reference indexer: 12 cores and 12 GiB per ~300 GB a day.
    expect(a('Splunk indexers for 450 GB/day, 30 days').load).toMatchObject({ vcpu: 24, memoryGib: 24 });
    // A video origin sends each viewer the stream: 1,000 × 4 Mbit/s.
    const origin = a('HLS streaming origin for 1,000 concurrent viewers at 4 Mbps');
    expect(origin.role).toBe('realtime-server');
    expect(origin.peak.networkGbps).toBeCloseTo(4, 1);
    // Build caches and registries are blobs served by key, not builds.
    expect(a('Bazel remote cache for 300 engineers, 2 TB').kind).toBe('object-storage');
    expect(kind('Harbor container registry for our clusters, 5 TB of images')).toBe('object-storage');
    // A class works on small teaching data sets: a core and ~3 GiB per notebook running at once.
    const lab = a('JupyterHub for a class of 40 students');
    expect(lab.load.memoryGib).toBeLessThan(128);
    expect(lab.peak.vcpu).toBeLessThanOrEqual(20);
    // "of 1 KB items" is each item's size, and "has 3 hours" the run's window.
    expect(a('Cassandra-like store, 20k writes per second of 2 KB items').quantities.map((q) => q.measure)).toContain('item size');
    expect(a('Nightly job that exports 200M rows to CSV on S3, has 3 hours').quantities.map((q) => q.measure)).toContain('window');
  });

  it('sizes what the eighth probe found: report batches, consumers, mirrors, archives, relays, HDFS, traces, BI servers', () => {
    // A batch over its window, each job all CPU: 20,000 × 2 s in 4 hours, ×2 ÷ 70 %.
    const pdfs = a('Nightly invoice generation: 20,000 invoices, each takes about 2 seconds of CPU, window 1am-5am');
    expect(pdfs.kind).toBe('background-jobs');
    expect(pdfs.load.vcpu).toBeCloseTo(((20_000 / (4 * 3600)) * 2 * 2) / 0.7, 1);
    // The consumers are the workload, not the broker they read.
    expect(kind('Our Kafka consumers (Go) process 30k events/s and write aggregates to Redis')).toBe('stream-processing');
    // Mirrors and archives keep blobs; a relay keeps no mailboxes.
    expect(kind('Private npm/PyPI mirror for CI, about 500 GB of packages')).toBe('object-storage');
    expect(a('Keeping 7 years of audit logs on WORM storage, 1 TB per year').storageGib).toBeGreaterThan(7 * 931);
    expect(a('Postfix relay for ~2M transactional emails a month').storageGib).toBeLessThan(100);
    // HDFS holds the data three times, on data nodes of ~96 TB.
    const hadoop = a('Hadoop cluster with 100 TB in HDFS');
    expect(hadoop.storageGib).toBeGreaterThan((100 * 931 * 3) / 0.8);
    // Sampled traces are documents: 2,000 × 10 % a second.
    const apm = a('Elastic APM for 30 services, ~2k transactions per second traced at 10% sampling, keep 14 days');
    expect(apm.storageGib).toBeGreaterThan((200 * 1000 * 86400 * 14) / 2 ** 30);
    expect(a('Tableau Server for 80 business users').peak).toMatchObject({ vcpu: 8, memoryGib: 32 });
    // "SQL Server Express" is SQL Server, not Node's Express.
    expect(kind('SQL Server Express for a small POS system in a single shop')).toBe('relational-database');
  });

  it("reads operators' shorthand: 400G, 8k ops, 3TB/node, w/s, 4cpu, 1B rels, mc, rabbit, es, ppl, h/day, r/w 70/30", () => {
    const mongo = a('mongo 6 rs, 400G, 8k ops');
    expect(mongo.quantities.map((q) => [q.measure, q.value])).toEqual([
      ['data', 372.53],
      ['operations rate', 8000],
    ]);
    // Not a network generation.
    expect(a('IoT gateway on a 5G network, 200 devices').quantities.map((q) => q.measure)).not.toContain('data');
    const ring = a('cassandra 9 nodes 3TB/node rf3 50k w/s');
    expect(ring.quantities.map((q) => q.measure)).toEqual(expect.arrayContaining(['data per node', 'writes rate']));
    expect(a('gitlab runners 20 concurrent jobs 4cpu each').load.vcpu).toBe(80);
    expect(a('neo4j 100M nodes 1B rels').peak.memoryGib).toBeGreaterThan(100);
    expect(kind('mc server 100 players modded')).toBe('game-server');
    expect(kind('rabbit 20k msg/s 1KB')).toBe('message-broker');
    expect(kind('es 8, 3 nodes, 1.5TB total, logs 100GB/d')).toBe('search-engine');
    expect(a('jitsi 50 rooms 8 ppl').peak.networkGbps).toBeCloseTo((50 * 8 * 1.5e6 * 2) / 1e9, 2);
    expect(a('ffmpeg 1080p 200h/day').quantities.map((q) => q.measure)).toContain('video hours');
    // One rate split as the text says: 2,100 reads and 900 writes a second.
    expect(a('pg 14, 250GB, 3k rps r/w 70/30').load.vcpu).toBeCloseTo(2100 / 2500 + 900 / 600, 2);
    // A machine written as cores and memory is that machine.
    expect(a('k8s worker for batch ml training, 64 cores, 256GB').peak).toMatchObject({ vcpu: 64, memoryGib: 256 });
    expect(a('Self-hosted CI: 150 pipelines per day, each needs 2 vCPU and 8 GB').peak.memoryGib).toBeGreaterThan(8);
  });

  it('sets aside a product where something else keeps its data, unless nothing else is named', () => {
    expect(kind('mobile game backend with leaderboards in Redis and a REST API')).toBe('web-application');
    expect(kind('Feast online feature store on Redis')).toBe('feature-store');
    expect(kind('store sessions in Redis, 5 GB')).toBe('cache');
    // "into" and "via" name where data goes or comes through, not a component: the pipeline is the workload.
    expect(kind('event ingestion via Kafka: 10 MB/s sustained, retention 72 hours')).toBe('message-broker');
  });

  it('knows background job workers and log stores by their products', () => {
    expect(kind('Sidekiq workers processing ~1M background jobs per day')).toBe('background-jobs');
    expect(kind('Celery workers consuming from RabbitMQ')).toBe('background-jobs');
    // The broker the jobs go through is still a broker.
    expect(kind('RabbitMQ for background jobs, around 3k messages per second')).toBe('message-broker');
    expect(kind('Grafana Loki for logs, 200 GB/day, 7 days')).toBe('search-engine');
  });

  it('does not count what the text rules out', () => {
    expect(kind('Real-time fraud scoring: a Flink job reading a Kafka topic at ~20k events/s')).toBe('stream-processing');
    expect(kind('Timescale? no — plain PostgreSQL for bookings')).toBe('relational-database');
    expect(kind('not kafka, just a RabbitMQ queue')).toBe('message-broker');
  });

  it('says it does not know rather than force a kind', () => {
    for (const text of ['Set up a box for Dave', 'need more capacity', 'the usual', 'blorp the zanzibar quickly']) {
      const r = a(text);
      expect(r).toMatchObject({ role: 'unknown', kind: 'unknown', confidence: 0 });
      expect(r.questions[0]).toMatchObject({ id: 'kind' });
    }
  });
});

describe('capacity models', () => {
  it('holds what arrives at a document store for as long as it is kept, and multiplies what each device sends', () => {
    // 2 GB a day for 90 days: ~168 GiB held, not the 20 GiB a store of no stated size gets.
    const docs = a('MongoDB, 2 GB of new documents a day, keep 90 days');
    expect(docs.storageGib).toBeGreaterThan(168);
    expect(docs.questions.map((q) => q.id)).not.toContain('dataGib');
    const sync = a('CouchDB for offline-first field app sync, 20k devices, each syncing 5 MB a day');
    expect(sync.quantities).toContainEqual(expect.objectContaining({ measure: 'data arriving', value: 93.13 }));
    // A month kept, and asked: 20,000 × 5 MB × 30 days.
    expect(sync.storageGib).toBeGreaterThan(2790);
    expect(sync.questions.map((q) => q.id)).toContain('retentionDays');
  });

  it("reads a site where people order or book as an application, and a day's orders named by the day", () => {
    const bakery = a("we're a small bakery chain and need somewhere to run our online ordering site, maybe 300 orders on a busy Saturday");
    // A day's 300 orders are a light load: the smallest web server, not one sized for 300 a second.
    expect(bakery).toMatchObject({ kind: 'web-application', peak: { vcpu: 2 } });
    expect(bakery.notes.join(' ')).toMatch(/the load needs 0\.5 vCPU/);
    expect(bakery.quantities).toContainEqual(expect.objectContaining({ measure: 'orders rate', text: '300 orders on a busy saturday' }));
    expect(bakery.questions.map((q) => q.id)).not.toContain('peakRate');
  });

  it('sizes a graph by what its counts are in it: the things counted are nodes, what is said to be edges is relationships', () => {
    // 50 M nodes × 97 B + 400 M relationships × 116 B ≈ 48 GiB of store, held in the page cache (+20 %) beside an 8 GiB heap.
    const fraud = a('a Neo4j fraud graph: 50M accounts, 400M transactions as edges');
    expect(fraud.load.memoryGib).toBeCloseTo(8 + ((50e6 * 97 + 400e6 * 116) / 2 ** 30) * 1.2, 0);
    expect(fraud.questions.map((q) => q.id)).not.toContain('dataGib');
  });

  it("prices a request at the CPU the text says it costs, over any framework's typical cost", () => {
    // 12,000 requests/s × 50 ms of a core, at 70 % utilisation.
    expect(a('Go API behind a load balancer, 12k RPS at peak, stateless, 50 ms CPU per request').peak.vcpu).toBeCloseTo(857.14, 1);
    expect(a('a Django API, 300 req/s, each request burns ~40 ms of CPU').load.vcpu).toBeCloseTo((300 * 0.04) / 0.7, 1);
    expect(a('Go API, 12k RPS at peak').peak.vcpu).toBeLessThan(20);
  });

  it("derives a broker's rate from whatever devices send on an interval, and reads a vector width apart from the count", () => {
    const plugs = a('An MQTT broker (EMQX) for 50,000 smart plugs sending a message every 30 seconds');
    expect(plugs.quantities).toContainEqual(expect.objectContaining({ measure: 'device count', value: 50000 }));
    expect(plugs.questions.map((q) => q.id)).not.toContain('peakRate');
    // 100 M vectors × 768 float32 × 1.5 for the graph: ~430 GiB in memory, not 768 vectors in 4 GiB.
    expect(a('Milvus for 100M 768-dim embeddings, ~200 QPS').peak.memoryGib).toBeGreaterThan(400);
  });

  it('sizes a render farm by its frames: per night, or all of them over a window, each frame timed and on its cores', () => {
    // 500 frames × 3 min in a 10-hour night, twice that at the busiest: 5 frames at once on 8 cores each.
    expect(a('Blender product shots, around 500 frames a night, each frame ~3 minutes on 8 cores').load.vcpu).toBe(40);
    // Within 7 hours ("by 7am"): ceil(1500 / 420) = 4 frames at once, on an 8-core box each.
    expect(a('render farm: 500 frames per night, 3 min per frame on an 8-core box, must finish by 7am').peak.vcpu).toBe(32);
    // 2,000 frames × 20 min over 3 days: ceil(40,000 / 4,320) = 10 at once, 16 cores each.
    const film = a('Blender render nodes for a short film: 2,000 frames, 20 min per frame, 16 cores each, over the next 3 days');
    expect(film.load.vcpu).toBe(160);
    expect(film.questions.map((q) => q.id)).not.toContain('buildsPerDay');
  });

  it('sizes what the text states: 10 GB and 10 TB differ, and so do 200 and 20,000 transactions', () => {
    const small = a('PostgreSQL, 10 GB, 200 transactions per second');
    const large = a('PostgreSQL, 10 TB, 200 transactions per second');
    // Beyond the 20 GiB root volume both carry, storage follows the data: ×1000.
    expect(large.storageGib - 20).toBeGreaterThan((small.storageGib - 20) * 900);
    expect(large.peak.memoryGib).toBeGreaterThan(small.peak.memoryGib * 10);
    const busy = a('PostgreSQL, 10 GB, 20000 transactions per second');
    expect(busy.load.vcpu).toBeGreaterThan(small.load.vcpu * 10);
    expect(busy.peak.iops).toBeGreaterThan(small.peak.iops * 10);
  });

  it('applies the documented formula of each kind', () => {
    // Relational: storage = data × 1.25 + 20 GiB root; memory = 2 + 10 % hot set.
    const pg = a('PostgreSQL, 100 GiB, 600 transactions per second');
    expect(pg.storageGib).toBe(Math.ceil(withVolumeHeadroom(20 + 100 * 1.25)));
    expect(pg.load.memoryGib).toBeCloseTo(12, 0);
    // Broker: throughput × retention × RF, kept under 85 % full, + root.
    const kafka = a('Kafka, 1000 messages per second, 1 KiB each, keep 2 days, RF 3');
    expect(kafka.storageGib).toBe(Math.ceil(withVolumeHeadroom(20 + (1000 * 1024 * 2 * 86400 * 3) / 2 ** 30 / 0.85)));
    // Time series: series / interval × bytes per sample × retention.
    const prom = a('Prometheus, 600000 active series, scrape every 30 s, 10 days retention');
    expect(prom.storageGib).toBe(Math.ceil(withVolumeHeadroom(20 + ((20000 * 2 * 10 * 86400) / 2 ** 30) * 1.2)));
    // Cache: data × 1.3 run at 80 % + 1 GiB, one core per 50,000 ops/s plus one.
    const redis = a('Redis, 10 GiB of keys, 100000 ops/s');
    expect(redis.load.memoryGib).toBeCloseTo(1 + (10 * 1.3) / 0.8, 0);
    expect(redis.load.vcpu).toBe(3);
    // Search: copies / 85 % watermark; logs at memory:data 1:30.
    const es = a('Elasticsearch for logs, 10 GiB per day, keep 30 days, 1 replica');
    expect(es.storageGib).toBe(Math.ceil(withVolumeHeadroom(20 + (10 * 30 * 1.1 * 2) / 0.85)));
    // CI: concurrency from builds × minutes over a working day, ×2 at peak.
    const ci = a('Jenkins, 300 builds a day, 10 minutes each on 4 cores');
    expect(ci.load.vcpu).toBe(10 * 4);
    // A team without a build count: 4 pipelines per developer a day, and the count is still asked.
    const team = a('Jenkins for 30 developers, builds take 15 minutes');
    expect(team.load.vcpu).toBe(Math.ceil(((30 * 4 * 15) / 600) * 2) * 2);
    expect(team.questions.map((q) => q.id)).toContain('buildsPerDay');
    // Video from the bytes arriving: 8 Mbit/s of source, 4 core-seconds per second to one H.264 rendition, ×2 queueing.
    const footage = a('ffmpeg: transcode 100 GiB/day of camera footage to h264');
    expect(footage.load.vcpu).toBeCloseTo((((100 * 2 ** 30) / 1e6) * 4 * 2) / 86400, 1);
    // Hours of video by whatever they are called ("uploads", "clips"), a period a few words on: 500 h/day, 4 core-s/s, ×2 queueing.
    const uploads = a('Video transcoding workers: we get about 500 hours of 1080p uploads per day');
    expect(uploads.questions.map((q) => q.id)).not.toContain('videoHoursPerDay');
    expect(uploads.peak.vcpu).toBeCloseTo(((500 * 3600) / 86400) * 4 * 2, 1);
    expect(a('we transcode 40 hours of meetings a week to mp3').quantities).toContainEqual(
      expect.objectContaining({ measure: expect.stringMatching(/audio/) }),
    );
    // "Done within 8 hours of upload" is a deadline, not 8 more hours of video; a scratch disk holds what is in flight
    // (20 sources of 15 GB and the ladder's outputs, half a source for each of its 1.75 equivalent renditions), not a
    // week of sources.
    const scratch = a(
      '40 hours of 1080p video per day to a ladder of 5 renditions, done within 8 hours of upload; local disk is scratch, 20 source files at 15 GB each',
    );
    expect(scratch.quantities.filter((q) => q.measure === 'video hours').map((q) => q.value)).toEqual([40]);
    expect(scratch.storageGib).toBeLessThan(a('40 hours of 1080p video per day to a ladder of 5 renditions').storageGib);
    expect(scratch.storageGib).toBeGreaterThanOrEqual(Math.floor((20 * 15e9 * (1 + 0.5 * 1.75)) / 2 ** 30));
    // A graph: Neo4j's record sizes (15 B a node, 34 B a relationship, 41 B a property, two each), ten relationships a node.
    const graph = a('Neo4j graph of 200 million relationships for fraud detection, 300 queries a second');
    expect(graph.kind).toBe('graph-database');
    expect(graph.role).toBe('database');
    const storeGib = (20e6 * (15 + 82) + 200e6 * (34 + 82)) / 2 ** 30;
    expect(graph.load.memoryGib).toBeGreaterThanOrEqual(8 + storeGib * 1.2);
    expect(graph.load.vcpu).toBeCloseTo((300 * 10) / 1000 / 0.7, 1);
    // A one-off batch with a deadline runs at the rate the deadline needs: 2 million photos in a week, 0.2 core-s each, a fifth spare.
    const photos = a('A batch job that resizes 20 million product photos once, by the end of the week');
    expect(photos.kind).toBe('image-processing');
    expect(photos.load.vcpu).toBeCloseTo(Math.max(1, (2e7 / (7 * 86400)) * 0.2 * 1.25), 2);
    // It holds the batch (originals and outputs), not its rate kept up for a whole day.
    const thumbs = a('Thumbnail 12,000 scanned photos between midnight and 4am');
    expect(thumbs.kind).toBe('image-processing');
    expect(thumbs.storageGib).toBe(Math.ceil(withVolumeHeadroom(20 + (12000 * 3e6 * 1.3) / 2 ** 30)));
    // Its hours as a clock range are its window too: 360,000 in four hours is 25 a second.
    const overnight = a('Resize 360,000 listing images; the job runs from 1am to 5am');
    expect(overnight.load.vcpu).toBeCloseTo(Math.max(1, (360000 / (4 * 3600)) * 0.2 * 1.25), 2);
    // A page view is a page and its calls (~5 requests), not a visit of 40: 2.6M page views a day on Django.
    const pages = a('Django news site doing about 2.6 million pageviews daily');
    expect(pages.quantities.find((q) => q.measure === 'pageviews rate')?.value).toBeCloseTo(2.6e6 / 86400, 1);
    const visits = a('Django news site doing about 2.6 million visits daily');
    expect(visits.peak.vcpu / pages.peak.vcpu).toBeCloseTo(40 / 5, 0);
    // A multiple over a period is yearly growth that compounds to it: 4x in 2 years is 100 % a year.
    expect(a('MariaDB for invoicing, 80 GB today, should be 4x in 2 years').storageGib).toBeGreaterThan(80 * 0.93 * 4 * 1.25);
    // A size under a mebibyte is one item's: 30 million users with 64 signals of 4 bytes each, online in Redis (Feast).
    const features = a('Feast online store in Redis: 30 million users, 64 features per user of 4 bytes');
    expect(features.peak.memoryGib).toBeGreaterThan((30e6 * 64 * 4) / 2 ** 30);
    // A document store fed by events keeps what arrives for as long as it keeps it.
    const chat = a('MongoDB for chat history: 3 million messages a day, about 1 KB each, retained 1 year');
    expect(chat.storageGib).toBeGreaterThan((3e6 * 365 * 1000) / 2 ** 30);
    // "MySQL 8 replica" is one replica of version 8: its storage is the data's, not eight copies of it.
    const replica = a('a MySQL 8 replica for the finance dashboards, 400 GB of data');
    expect(replica.storageGib).toBeLessThan(2 * 400 * 0.932 * 1.25);
    // A proxy that only terminates TLS: ~0.3 ms a request; a gateway with plugins stays at 1 ms.
    expect(a('An nginx reverse proxy terminating TLS for 15k requests per second').load.vcpu).toBeCloseTo((15000 * 0.3) / 1000 / 0.7, 1);
    expect(a('Envoy API gateway with auth plugins, 5000 rps').load.vcpu).toBeCloseTo((5000 * 1) / 1000 / 0.7, 1);
    // A warehouse fed by events keeps them for their retention, a year when none is stated (and asks), at 1/5 once columnar.
    const clicks = a('ClickHouse for product analytics: ~2 billion events a month, each about 300 bytes');
    expect(clicks.questions.map((q) => q.id)).toContain('retentionDays');
    expect(clicks.storageGib).toBeGreaterThan(((2e9 / (30 * 86400)) * 300 * 365 * 86400) / 2 ** 30 / 5);
    // Background jobs: ~0.1 s of CPU each, the day's mean drained at 2×, 70 % utilisation.
    expect(a('Sidekiq workers processing ~1M background jobs per day').load.vcpu).toBeCloseTo(((1e6 / 86400) * 0.1 * 2) / 0.7, 1);
    // Loki keeps chunks ~10× smaller than the lines: a week of 200 GB/day is ~140 GB on disk, not the 1.8 TB of a text index.
    const loki = a('Grafana Loki for logs, 200 GB/day, 7 days');
    expect(loki.storageGib).toBeLessThan(250);
    expect(loki.storageGib).toBeGreaterThan(((200e9 / 2 ** 30) * 7) / 10);
    // A language model's weights in memory (fp16, +20 %), at least 8 cores, and a note that a GPU serves it better.
    const llm = a('LLM inference with a 7B model, 5 requests per second');
    expect(llm.peak.memoryGib).toBeGreaterThan((7e9 * 2 * 1.2) / 2 ** 30);
    expect(llm.peak.vcpu).toBeGreaterThanOrEqual(8);
    expect(llm.notes.join(' ')).toMatch(/7B-parameter model: 16 GiB of weights/);
    // Self-hosted products at their documented minimums, whatever their traffic.
    expect(a('Mastodon instance for ~2,000 users').peak).toMatchObject({ vcpu: 2 });
    expect(a('Self-hosted Sentry for 40 developers').peak).toMatchObject({ vcpu: 4, memoryGib: 16 });
    // A warehouse fed by a day's gigabytes keeps them for the stated retention, at 1/5 once columnar.
    expect(a('Druid for dashboards on 500 GB of ad events per day, 90 days').storageGib).toBeGreaterThan(((500e9 / 2 ** 30) * 90) / 5);
    // Bytes arriving at an API: ~50 MB/s of JSON a core, and the network both ways.
    const ingest = a('an ingest API receiving 3 Gbps of telemetry at peak');
    expect(ingest.load.vcpu).toBeCloseTo(3e9 / 8 / 50e6 / 0.7, 0);
    expect(ingest.peak.networkGbps).toBeCloseTo(6, 0);
    // A document per user when the size of one is stated.
    expect(a('MongoDB, 10^6 users with a 5 KB profile each').storageGib).toBe(
      Math.ceil(withVolumeHeadroom(20 + ((1e6 * 5000) / 2 ** 30) * 1.3)),
    );
    // An application that states the data it keeps has it on its disk (+25 %), besides its root and its own 10 GiB
    // (releases, temp files, a few days of logs).
    expect(a('Patient records API, ~50 requests per second, Postgres backend with 300 GB').storageGib).toBe(
      Math.ceil(withVolumeHeadroom(20 + 10 + ((300 * 1e9) / 2 ** 30) * 1.25)),
    );
    expect(a('Patient records API, ~50 requests per second').storageGib).toBe(20 + 10);
    // A shared notebook server: a kernel working for every two people, 2× the data set each, 2 GiB for each of the
    // others and 8 for the hub; a core per 8 GiB.
    const hub = a('JupyterHub for 8 data scientists doing pandas on 20 GiB datasets');
    expect(hub.load.memoryGib).toBe(4 * 20 * 2 + 4 * 2 + 8);
    expect(hub.load.vcpu).toBe(176 / 8);
    expect(a('pandas notebook on a 20 GiB dataset').load.memoryGib).toBe(20 * 2 + 8);
    // ETL: a job that "runs nightly for 3 hours" has that window, and stages its input.
    const nightly = a('ETL job, runs nightly for 3 hours, pulls 54 GiB out of MySQL into parquet on S3');
    expect(nightly.load.vcpu).toBeCloseTo(Math.max(2, (54 * 1024) / (3 * 3600) / 8), 2);
    expect(nightly.storageGib).toBe(Math.ceil(withVolumeHeadroom(20 + 54)));
    expect(nightly.schedule).toMatchObject({ hoursPerDay: 3, daysPerWeek: 7 });
  });

  it('applies growth over the lifecycle and shows part-time use', () => {
    const flat = a('MySQL, 500 GiB');
    const growing = a('MySQL, 500 GiB, growing 50% a year');
    expect(bare(growing.storageGib) - 20).toBeCloseTo((bare(flat.storageGib) - 20) * 1.5 ** 2, -1);
    expect(growing.notes.join(' ')).toMatch(/grows 50% a year: ×2.25 over 2 years/);
    const arriving = a('MySQL, 500 GiB, plus 10 GiB a day');
    expect(arriving.storageGib).toBeGreaterThan(flat.storageGib + 10 * 700 * 1.25);
    const office = a('internal admin dashboard, 15 users, 9 to 5 on weekdays');
    expect(office.schedule).toEqual({ hoursPerDay: 8, daysPerWeek: 5, startHour: 9, uptimeShare: 0.238 });
    const allDay = a('internal admin dashboard, 15 users');
    expect(office.average.vcpu).toBeLessThan(allDay.average.vcpu);
  });
});

describe('multipliers and stated memory', () => {
  it('raises rates by "triple that", grows data by "double within a year", and keeps the RAM asked for', () => {
    const usual = analyzeDescription('Django monolith, 150 requests a second on a normal day');
    const sales = analyzeDescription('Django monolith, 150 requests a second on a normal day and maybe triple that during sales');
    expect(sales.load.vcpu).toBeCloseTo(usual.load.vcpu * 3, 1);
    // Doubled over the year the text gives it, not compounded over a longer lifecycle; "every year" is a rate that does.
    const doubling = analyzeDescription('4 TB in Postgres, expect it to double within a year');
    const flat = analyzeDescription('4 TB in Postgres').storageGib;
    expect(doubling.storageGib).toBeGreaterThan(flat * 1.8);
    expect(doubling.storageGib).toBeLessThan(flat * 2.2);
    expect(analyzeDescription('4 TB in Postgres, doubling every year').storageGib).toBeGreaterThan(flat * 3.5);
    expect(analyzeDescription('Memcached, 32 GB RAM').peak.memoryGib).toBe(32);
  });
});

describe('questions and answers', () => {
  it('asks for the quantities it needed and did not find, and only those', () => {
    const vague = a('a Postgres database for orders');
    expect(vague.questions.map((q) => q.id)).toEqual(['dataGib', 'peakRate']);
    expect(vague.questions[0]).toMatchObject({ question: 'How much data will it hold?', unit: 'GiB' });
    expect(vague.confidence).toBeLessThan(a('a Postgres database for orders, 300 GB, 2000 tps').confidence);
    expect(a('a Postgres database for orders, 300 GB, 2000 tps').questions).toEqual([]);
  });

  it('refines the analysis with answers, which replace what was assumed', () => {
    const before = a('a Postgres database for orders');
    const after = a('a Postgres database for orders', { answers: { dataGib: 2000, peakRate: 3000 } });
    expect(after.questions).toEqual([]);
    expect(after.storageGib).toBeGreaterThan(2000);
    expect(after.peak.vcpu).toBeGreaterThan(before.peak.vcpu);
    const told = a('Set up a box for Dave', { answers: { kind: 'cache', dataGib: 16 } });
    expect(told).toMatchObject({ role: 'cache', kind: 'cache' });
    expect(told.load.memoryGib).toBeCloseTo(1 + (16 * 1.3) / 0.8, 1);
  });

  it('refuses answers that are not numbers of the right kind, naming the field', () => {
    const bad = answersSchema.safeParse({ dataGib: -1, replication: 2.5, colour: 'red' });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    expect(messages).toMatch(/dataGib: expected GiB > 0/);
    expect(messages).toMatch(/replication: expected a whole number of copies/);
    expect(messages).toMatch(/colour/);
    expect(answersSchema.safeParse({}).success).toBe(false);
  });
});

describe('security implications', () => {
  it('finds every regime the text names, and none it does not', () => {
    expect(a('Banking portal, PCI DSS and SOX, 3000 logins per minute').compliance).toEqual(['pci-dss', 'sox']);
    expect(a('Postgres for patient records (PHI), HIPAA').compliance).toEqual(['hipaa']);
    expect(a('file transfer for cardholder data exports').compliance).toEqual(['pci-dss']);
    expect(a('CMS for EU readers, GDPR applies, SOC 2 audited').compliance).toEqual(['gdpr', 'soc2']);
    expect(a('Redis cache, 20k ops/s').compliance).toEqual([]);
    // A regime by its long name, or by the data it governs.
    expect(a('Payment card industry compliant tokenization vault').compliance).toEqual(['pci-dss']);
    expect(a('checkout API handling credit card numbers, 300 rps').compliance).toEqual(['pci-dss']);
    expect(a('claims API storing ePHI under the Health Insurance Portability act').compliance).toEqual(['hipaa']);
    expect(a("Postgres with EU residents' personal data, 200 GB").compliance).toEqual(['gdpr']);
    expect(a('SOC II audited API, 100 rps').compliance).toEqual(['soc2']);
    expect(a('a blog on philosophy and cooking with a pan, 5 rps').compliance).toEqual([]);
    expect(a('Student records system, FERPA applies, 10k students.').compliance).toEqual(['ferpa']);
    expect(a('A marketing database of 5 million California consumers, covered by the California Consumer Privacy Act').compliance).toEqual([
      'ccpa',
    ]);
    expect(a('Loan servicing API under Gramm-Leach-Bliley, 50 rps').compliance).toEqual(['glba']);
    // Named by what they hold, such systems are applications rather than workloads of no known kind.
    expect(kind('Student records system, FERPA applies, 10k students.')).toBe('web-application');
    expect(kind('Internal HR system holding employee personal data')).toBe('web-application');
  });

  it('exposes public-facing workloads and keeps internal ones internal', () => {
    expect(a('static marketing website, 1000 visitors a day').publicIngress).toBe(true);
    expect(a('Minecraft server for 40 players').publicIngress).toBe(true);
    expect(a('internal admin dashboard for the ops team').publicIngress).toBe(false);
    expect(a('PostgreSQL for orders, 2 TB').publicIngress).toBe(false);
    expect(a('a public REST API for weather data').publicIngress).toBe(true);
    // A public word under a negation says internal.
    expect(a('An intranet wiki behind SSO, not internet-facing').publicIngress).toBe(false);
    expect(a('Order API, never exposed to the internet, called by our other services at 300 rps').publicIngress).toBe(false);
  });

  it('reads regimes and kinds written another way: ISO/IEC, ledgers, information systems, video consultations', () => {
    expect(a('ISO/IEC 27001 certified document store on MongoDB, 1 TB').compliance).toEqual(['iso-27001']);
    expect(kind('A brokerage trade ledger under GLBA, 300 writes/sec')).toBe('relational-database');
    expect(kind('Student information system for a school district (FERPA), 30,000 students')).toBe('web-application');
    expect(kind('Telehealth video consultations, up to 80 at once, HIPAA')).toBe('websocket-server');
    // A booking site for a telehealth practice is still a site.
    expect(kind('telehealth booking site, patients log in and see their appointments')).toBe('web-application');
    // 50 orders a minute at the peak: ~1,000 requests an order (50 visits of 20), not 50 visits a day per order-second.
    const shop = a('Magento store, 50 orders a minute at peak');
    expect(shop.load.vcpu).toBeCloseTo(((50 / 60) * 1000 * 0.025) / 0.7, 0);
  });
});

describe('the analyzer under hostile input', () => {
  it('bounds what it reads and names the field', () => {
    expect(() => a('x'.repeat(2001))).toThrow(InvalidWorkloadDescription);
    expect(() => a('x'.repeat(2001))).toThrow(/description: 2001 characters, at most 2000/);
    expect(() => a('  ')).toThrow(/at least a few words/);
    expect(() => a(42 as unknown as string)).toThrow(/expected text/);
  });

  // Their time per description is measured by npm run bench:analyzer; here: they are read, bounded, and crash nothing.
  it('reads inputs built to be slow or to overflow without failing', () => {
    const nasty = [
      '1 '.repeat(990),
      'one two three four five six seven eight nine ten '.repeat(40).slice(0, 2000),
      `${'9'.repeat(1990)} tb`,
      'a few a few a few hundred thousand million '.repeat(45).slice(0, 2000),
      '5-10k-20k-30k '.repeat(140).slice(0, 2000),
      'keep keep keep 7 days '.repeat(90).slice(0, 2000),
      'postgres with 1e308 tb and 99999999999999999999 tps',
    ];
    for (const text of nasty) {
      const r = a(text);
      for (const v of [r.peak.vcpu, r.peak.memoryGib, r.peak.iops, r.peak.networkGbps, r.storageGib]) expect(Number.isFinite(v)).toBe(true);
    }
  });
});

describe('learning only from real observations', () => {
  it('never learns from a zero-length window or nothing measured (the stand-in is never measured: local-provider.test.ts)', () => {
    const usage = { cpu: 1, memoryGb: 2, iops: 100, networkGbps: 0.1 };
    expect(placeholderReason({ ...usage, source: 'provider', seconds: 0 })).toMatch(/window was 0 s/);
    expect(placeholderReason({ cpu: 0, memoryGb: 0, iops: 0, networkGbps: 0, source: 'reported' })).toMatch(
      /every observed figure is zero/,
    );
    expect(placeholderReason({ ...usage, source: 'reported' })).toBeUndefined();
    expect(placeholderReason({ ...usage, source: 'provider', seconds: 3600 })).toBeUndefined();
  });
});

describe('the negotiation reads descriptions with the analyzer', () => {
  it('uses the workload analyzer for a known kind, with its compliance, exposure and questions', () => {
    const r = analyse({ kind: 'text', text: 'Patient records on PostgreSQL, HIPAA, 2 TB' }, undefined, undefined);
    expect(r).toMatchObject({
      method: 'workload-analyzer',
      role: 'database',
      kind: 'relational-database',
      compliance: ['hipaa'],
      publicIngress: false,
    });
    expect(r.questions.map((q) => q.id)).toEqual(['peakRate']);
    expect(r.profile.storageGb).toBeGreaterThan(2000);
  });
});

describe('the labelled descriptions', () => {
  // The goals of the issue, held on both sets (the holdout set was not tuned on; see docs/workload-analyzer.md).
  for (const set of ['descriptions.jsonl', path.join('holdout', 'descriptions.jsonl'), path.join('varied', 'descriptions.jsonl')]) {
    it(`meets the goals on ${set}`, () => {
      const labelled = loadLabelled(path.join(FIXTURES, set));
      expect(labelled.length).toBeGreaterThanOrEqual(set.includes(path.sep) ? 40 : 150);
      const s = score(labelled, (text) => a(text));
      expect(share(s.roleRight, s.n)).toBeGreaterThanOrEqual(90);
      for (const d of ['vcpu', 'memoryGib', 'storageGib'] as const) expect(share(s.within[d].ok, s.within[d].n)).toBeGreaterThanOrEqual(80);
      expect(s.compliance.found).toBe(s.compliance.stated);
    });
  }
});

describe('what one machine is', () => {
  it('gives a light load the smallest instance its role runs on, and says the load was smaller', () => {
    const wiki = a('internal wiki, a small node app, about 30 people use it');
    expect(wiki.peak.vcpu).toBe(2);
    expect(wiki.peak.memoryGib).toBe(4);
    expect(wiki.notes.join(' ')).toMatch(/smallest instance a web-application is run on/);
    // Static files alone need less than an application server.
    expect(a('static marketing site, a few hundred visitors a day').peak).toMatchObject({ vcpu: 1, memoryGib: 2 });
    // The day's average is the load's, not the floor's.
    expect(wiki.average.vcpu).toBeLessThan(wiki.peak.vcpu);
    const rabbit = a('RabbitMQ for a few internal notifications, 20 messages per second');
    expect(rabbit.peak.vcpu).toBeGreaterThanOrEqual(2);
    expect(rabbit.peak.memoryGib).toBeGreaterThanOrEqual(4);
  });

  it('takes headroom on the load, not on the smallest instance', () => {
    const wiki = analyse({ kind: 'text', text: 'internal wiki, a small node app, about 30 people use it' }, undefined, undefined);
    // The capacity asked for is the 2 vCPU, 4 GiB floor itself: headroom on it would ask for a 4 vCPU machine.
    for (const [capacity, floor] of [
      [wiki.profile.cpu.peak * wiki.headroom, 2],
      [wiki.profile.memoryGb.peak * wiki.headroom, 4],
    ]) {
      expect(capacity).toBeLessThanOrEqual(floor);
      expect(capacity).toBeCloseTo(floor, 2);
    }
    const busy = analyse({ kind: 'text', text: 'Django API, 400 requests per second at peak' }, undefined, undefined);
    expect(busy.profile.cpu.peak).toBe(a('Django API, 400 requests per second at peak').load.vcpu);
  });

  it('asks for the figure when what was read is more than any one instance has', () => {
    const got = a('profile service for our mobile game, 5M players');
    expect(got.peak.vcpu).toBeGreaterThan(192);
    expect(got.notes.join(' ')).toMatch(/more than one instance has/);
    expect(got.questions[0]!.id).toBe('concurrentUsers');
    expect(got.confidence).toBeLessThan(0.5);
    // A load one machine carries asks nothing of the kind.
    expect(a('Postgres for billing, 200 GB, 500 transactions per second').notes.join(' ')).not.toMatch(/more than one instance/);
  });

  it('sizes one member of a cluster when the request is for one of them', () => {
    const whole = a('Kafka: 4 brokers, replication factor 3, about 40 MB/s produced all day, retention 3 days');
    const one = a('Kafka: 4 brokers, replication factor 3, about 40 MB/s produced all day, retention 3 days. Please spec one broker.');
    expect(one.storageGib).toBeLessThan(whole.storageGib / 3);
    expect(one.storageGib).toBeGreaterThan(whole.storageGib / 5);
    expect(one.notes.join(' ')).toMatch(/sized for one broker of 4/);
    const shard = a('ClickHouse for product events, 3 shards, 20 TB compressed in total; this request is for one shard node');
    expect(shard.storageGib).toBeLessThan(a('ClickHouse for product events, 3 shards, 20 TB compressed in total').storageGib / 2);
    // The count can sit in the phrase itself: "(1 of 5 in the cluster)", "one historical node out of 4".
    const inPhrase = a('Kafka broker request (1 of 5 in cluster events-prod): 50 MB/s produced, RF 3, keep 3 days');
    expect(inPhrase.notes.join(' ')).toMatch(/sized for one broker of 5/);
    // Each member of a replica set holds everything: nothing is divided.
    const member = a('MongoDB replica set, this ticket is for one of the 3 members, 800 GB of documents');
    expect(member.storageGib).toBeGreaterThan(800);
  });
});

describe('kinds named beside other things', () => {
  it('reads what a description is, not what it mentions', () => {
    expect(kind('memcached in front of the product catalog MySQL, 20 GB hot set')).toBe('cache');
    expect(kind('Neo4j for a fraud graph; it is slow unless the store fits in page cache')).toBe('graph-database');
    expect(kind('a durable queue between checkout and the warehouse system, 100 orders a minute')).toBe('message-broker');
    expect(kind('reporting db for the finance team, loaded nightly, dashboards on top')).toBe('data-warehouse');
    expect(kind('GPU box for fine-tuning a 13B LLM with QLoRA, checkpoints kept locally')).toBe('ml-batch');
    expect(kind('a crawler that fetches 500k pages a night and keeps the HTML')).toBe('background-jobs');
    expect(kind('a nightly job that dumps our 2 MySQL databases and uploads them')).toBe('background-jobs');
    expect(kind('somewhere to keep the scanned delivery notes, 20k a month at 300 KB')).toBe('object-storage');
    expect(kind('we need a place for product photos, 10k images at 3 MB each')).toBe('object-storage');
    expect(kind('something in-memory with the latest prices of every product so the shop API stops hammering the database')).toBe('cache');
    expect(kind('nightly batch scoring with a gradient-boosted model over 10M customer rows, results back to the warehouse')).toBe(
      'ml-batch',
    );
    expect(kind("a script that crunches last week's orders every Monday and mails the totals to finance")).toBe('etl-pipeline');
    expect(kind('a small relational database for our internal HR tool, about 5 GB')).toBe('relational-database');
    expect(kind('scraper workers with headless browsers, 100k product pages a day, raw HTML kept 7 days')).toBe('background-jobs');
    expect(kind("full-text search over 2 million OCR'd scanned documents for the records team")).toBe('search-engine');
    expect(kind('Minecraft server for 40 players; we keep 7 daily backups on a separate box')).toBe('game-server');
    expect(kind('multiplayer document editing: presence, cursors and CRDT sync for open documents')).toBe('websocket-server');
  });
});

describe('how far ahead it is sized', () => {
  it('compounds growth over the horizon the text asks for, not the default two years', () => {
    const two = a('Postgres for the ERP, 400 GB today, growing 30% a year');
    const three = a('Postgres for the ERP, 400 GB today, growing 30% a year; plan for 3 years without resizing');
    expect(three.storageGib / two.storageGib).toBeCloseTo(1.3, 1);
    expect(three.notes.join(' ')).toMatch(/over 3 years/);
    expect(a('Postgres for the ERP, 400 GB today, growing 30% a year, we want 3 years of runway').storageGib).toBe(three.storageGib);
  });

  it('reads growth as a doubling or tripling over a period', () => {
    const doubling = a('MinIO for training datasets, 10 TB today, doubling every 6 months; size it for 1 year out');
    // Doubling twice a year is 300 % a year: 40 TB a year out.
    expect(doubling.storageGib).toBeGreaterThan(4 * 10 * 931);
    expect(a('ScyllaDB for profiles, 500 GB, we expect it to double within 18 months').notes.join(' ')).toMatch(/grows 59% a year/);
  });

  it('multiplies a size each by the people just counted', () => {
    const profiles = a('Cassandra for player profiles: 40M registered players at roughly 3 KB each, RF 3');
    expect(profiles.quantities).toContainEqual(expect.objectContaining({ measure: 'data per user' }));
    // 40 million × 3 KB is 112 GiB held, three times over: not the 500 GiB a missing figure assumes.
    expect(profiles.storageGib).toBeLessThan(3 * 500);
    expect(profiles.storageGib).toBeGreaterThan(3 * 112);
  });
});

describe('what the text says about its copies, compression and logs', () => {
  it('gives a notebook kernel its working set, not every data set on the box', () => {
    const lab = a(
      'JupyterHub for 10 researchers, each loading data sets of up to ~40 GB into pandas; plus an 800 GB shared reference copy',
    );
    expect(lab.peak.memoryGib).toBeLessThan(1024);
    expect(lab.peak.memoryGib).toBeGreaterThanOrEqual(40 * 3);
    expect(lab.storageGib).toBeGreaterThan(800);
  });

  it('keeps one copy when the text says there is no replication', () => {
    const replicated = a('Redpanda for staging, about 5 MB/s produced, 1 day retention');
    const single = a('Redpanda for staging, about 5 MB/s produced, 1 day retention, no replication');
    expect((bare(single.storageGib) - 20) * 3).toBeCloseTo(bare(replicated.storageGib) - 20, -1);
    expect(a('Cassandra, single-node dev box, 100 GB of data').storageGib).toBeLessThan(200);
  });

  it('uses the compression the text states, and none for figures already compressed', () => {
    const typical = a('ClickHouse for product events, about 100 million events per day at 1 KB, keep 90 days');
    const stated = a('ClickHouse for product events, about 100 million events per day at 1 KB, keep 90 days, we see ~10x compression');
    expect((typical.storageGib - 20) / (stated.storageGib - 20)).toBeCloseTo(2, 1);
    const compressed = a('reporting warehouse: about 50 GB a month arrives, already compressed columnar, keep 2 years');
    expect(compressed.storageGib).toBeGreaterThan(50 * 24 * 0.93);
  });

  it('adds what a warehouse takes in over its horizon to what it holds', () => {
    const got = a(
      'Reporting warehouse for claims, 900 GB compressed in a columnar store today, growing about 40 GB a month; plan for 2 more years',
    );
    // 900 GB and 24 months of 40 GB, with room for merges.
    expect(got.storageGib).toBeGreaterThan((900 + 24 * 40) * 0.93);
  });

  it('keeps the logs a web server is said to keep locally', () => {
    const got = a('nginx reverse proxy, 2,000 requests per second, access logs stay 14 days on the box, about 3 GB per day');
    expect(got.storageGib).toBeGreaterThan(20 + 14 * 3 * 0.93);
    expect(a('nginx reverse proxy, 2,000 requests per second, logs shipped off-box, about 3 GB per day').storageGib).toBeLessThan(40);
  });

  it('reads an MQTT broker that forwards to Kafka as keeping no log of its own', () => {
    const got = a('EMQX for 100k connected cars, each sends 300 bytes every 5 s; the broker forwards everything to Kafka');
    expect(got.kind).toBe('message-broker');
    expect(got.storageGib).toBeLessThan(200);
  });
});

describe('who uses a file store', () => {
  it('counts the people who open files on a share, not the customers an object store keeps files for', () => {
    const statements = a('object storage for the PDF statements of 300,000 customers, 200 KB each, kept 7 years');
    expect(statements.peak.vcpu).toBeLessThan(16);
    expect(a('SMB file share for 500 users, 2 TB').peak.vcpu).toBeGreaterThan(a('SMB file share for 20 users, 2 TB').peak.vcpu);
  });
});

describe('what a cache or a queue holds', () => {
  it('multiplies whatever is counted by the size each, and each board a player is on', () => {
    const carts = a('Redis for the shop: about 1.5M active shopping carts at ~8 KB each');
    // 1.5 million × 8 KB is 11 GiB, with Redis' overhead: not the 1 GiB assumed when nothing is read.
    expect(carts.peak.memoryGib).toBeGreaterThan(11);
    const boards = a('Redis leaderboards: 10M players, each on 4 leaderboards, ~100 bytes an entry');
    expect(boards.peak.memoryGib).toBeGreaterThan((10e6 * 4 * 100) / 2 ** 30);
  });

  it('leaves Redis room to fork for a snapshot, and takes a stated overhead as written', () => {
    const volatile = a('Redis cache, 10 GB of data, no persistence');
    const snapshotted = a('Redis cache, 10 GB of data, RDB snapshots every hour');
    expect(snapshotted.load.memoryGib).toBeCloseTo(1 + 10 * 0.93 * 2, 0);
    expect(volatile.load.memoryGib).toBeLessThan(snapshotted.load.memoryGib);
    expect(a('Redis cache, 10 GB of data, assume 3x overhead').load.memoryGib).toBeCloseTo(1 + 10 * 0.93 * 3, 0);
  });

  it('keeps an SSD-backed cache on disk and its hottest part in memory', () => {
    const varnish = a('Varnish with file storage for product images, hot set about 200 GB on local SSD');
    expect(varnish.storageGib).toBeGreaterThan(200);
    expect(varnish.peak.memoryGib).toBeLessThan(100);
  });

  it('holds the backlog a queue must absorb while its consumers are down', () => {
    const quick = a('RabbitMQ for order events, peak 2000 messages per second of 4 KB');
    const backlog = a(
      'RabbitMQ for order events, peak 2000 messages per second of 4 KB; when the ERP is down the queue backs up for about an hour',
    );
    // 2,000 × 4 KB for an hour at the peak rate: 27 GiB.
    expect(backlog.storageGib).toBeGreaterThan(20 + 27);
    expect(backlog.storageGib).toBeGreaterThan(quick.storageGib);
    expect(a('a durable queue for orders, 5 per second of 10 KB, must buffer 2 full days of downtime').storageGib).toBeGreaterThan(20 + 8);
  });
});

describe('a job made faster, and a window named by its span', () => {
  it('sizes one job for the speed-up asked, not a day of builds', () => {
    const cook = a('UE5 build box: the nightly full cook takes ~6 hours on a 16-core workstation and we want it under 2');
    expect(cook.load.vcpu).toBe(48);
    expect(cook.notes.join(' ')).toMatch(/3\.0× faster than on 16 cores/);
  });

  it('reads "within a weekend (about 48 hours)" as the window', () => {
    const render = a(
      'Blender render of 2400 frames; each frame takes about 6 minutes on an 8-core box. We want to finish within a weekend (about 48 hours).',
    );
    // 2,400 frames × 6 minutes in 48 hours is 5 at a time, 8 cores each.
    expect(render.load.vcpu).toBe(40);
    expect(a('Blender render of 2400 frames, 6 minutes each on an 8-core box, done over the weekend').load.vcpu).toBe(40);
  });
});

describe('cores that come with the memory', () => {
  it('gives a store that must hold a large working set the cores of a machine with that memory', () => {
    const graph = a('Neo4j for a citation graph, 150 GB store, all of it in page cache plus a 31 GB heap, a few queries an hour');
    expect(graph.peak.memoryGib).toBeGreaterThan(150);
    // ~176 GiB is nearest the 128 GiB machine of the high-memory families, 8 vCPU, whatever a few queries an hour need.
    expect(graph.peak.vcpu).toBe(8);
    // Machines come in sizes that double, and caches run on the r-families (8 GiB a vCPU): a 46 GiB hot set is on the
    // 8-vCPU 64 GiB machine, a 23 GiB one on the 4-vCPU 32 GiB, not on 5.8 or 2.9 vCPU.
    const cache = a('memcached in front of the catalogue, hot working set ~30 GB, 40k gets/sec peak');
    expect(cache.peak.memoryGib).toBeGreaterThan(40);
    expect(cache.load.memoryGib).toBeLessThan(64);
    expect(cache.peak.vcpu).toBe(8);
    const small = a('Valkey for the leaderboards, dataset about 15 GB of sorted sets, 40k ops/s at peak');
    expect(small.load.memoryGib).toBeGreaterThan(16);
    expect(small.load.memoryGib).toBeLessThan(32);
    expect(small.peak.vcpu).toBe(4);
    // An application's memory is not a working set: its cores follow its requests.
    expect(a('Django API keeping 12 GB of in-process caches, 20 requests per second').peak.vcpu).toBeLessThan(4);
  });
});

describe('light use and production servers', () => {
  it('gives a busy stateful server the production minimum and light use the smallest machine', () => {
    // 2,000 messages a second through quorum queues is a production broker: 4 cores, 8 GiB whatever the formula's load.
    const busy = a('RabbitMQ for order events, peak 2k msgs/sec, quorum queues');
    expect(busy.load.vcpu).toBeLessThan(4);
    expect(busy.peak).toMatchObject({ vcpu: 4, memoryGib: 8 });
    // Said light, or light by every figure stated: a few hundred a minute, a few thousand logins a day.
    expect(a('small RabbitMQ for background jobs, a few hundred messages a minute').peak).toMatchObject({ vcpu: 2, memoryGib: 4 });
    expect(a('Postgres for Keycloak, few thousand logins a day').peak).toMatchObject({ vcpu: 2, memoryGib: 4 });
    // "small messages" sizes what it carries, not the broker.
    expect(a('Kafka, 20k small messages per second').peak.vcpu).toBeGreaterThanOrEqual(4);
    // Fifty video visits at once are a load, not an office of fifty.
    expect(a('TURN relay for telehealth video, up to 50 concurrent visits').peak.vcpu).toBeGreaterThanOrEqual(4);
    expect(a('Nextcloud for a 25-person office').peak.vcpu).toBe(2);
    // A consensus store and an SFTP endpoint are small by nature.
    expect(a('three-node ZooKeeper ensemble for the Kafka cluster').peak.vcpu).toBe(2);
    expect(a('SFTP drop box for partners, 5 GB a day, keep 90 days').peak.memoryGib).toBe(4);
  });
});

describe('processes packed on one host', () => {
  it('multiplies what one game process takes by how many a host runs, with a fifth spare', () => {
    const unity = a(
      'Unity dedicated servers for our 4v4 arena shooter. One match process ≈ 0.5 vCPU and 400 MB RAM at 60 tick. We pack 32 matches per box.',
    );
    expect(unity.quantities).toContainEqual(expect.objectContaining({ measure: 'memory each', value: 0.39 }));
    expect(unity.load.vcpu).toBeCloseTo(32 * 0.5 * 1.25, 5);
    expect(unity.load.memoryGib).toBeCloseTo(2 + 32 * (400 / 1024) * 1.25, 1);
    // In German, with the engine's version beside "dedicated server": 6 instances of 64 players, 3 GB each.
    const unreal = a(
      'Unreal Engine 5 Dedicated Server für unseren Survival-Titel. 64 Spieler pro Instanz, jede Instanz braucht ca. 2–3 GB RAM. Wir wollen 6 Instanzen pro VM.',
    );
    expect(unreal.quantities.map((q) => q.measure)).not.toContain('server count');
    expect(unreal.peak.memoryGib).toBeGreaterThanOrEqual(2 + 6 * 3 * 1.25);
    // A host process and a core for every 32 players at 60 tick.
    expect(unreal.load.vcpu).toBeCloseTo(2 + (6 * 64) / 32, 1);
  });

  it('reads the memory of each CI job as each job’s, and keeps the caches it names', () => {
    const runner = a(
      'GitLab Runner (docker executor). Concurrency: 6 jobs at once. Each job: ~2 cores, 4 GB RAM. Docker layer cache + Gradle cache: ~300 GB',
    );
    expect(runner.quantities).toContainEqual(expect.objectContaining({ measure: 'memory each', value: 4 }));
    expect(runner.load).toMatchObject({ vcpu: 12, memoryGib: 24 });
    expect(runner.storageGib).toBeGreaterThanOrEqual(50 + 6 * 50 + Math.floor((300e9 / 2 ** 30) * 1.25));
    expect(a('GitLab runner, 6 jobs in parallel; one job is happy with 4 cores / 6 GB').load).toMatchObject({ vcpu: 24, memoryGib: 36 });
  });
});

describe('what the text says is kept', () => {
  it('holds a backup chain: a full for every week kept and one being written, and the incrementals', () => {
    const GiB = 2 ** 30;
    const radiology = a(
      'Backup target for 12 servers. Weekly fulls total about 1,500 GB; daily incrementals run ~5% of that. We keep 4 weeks of restore points.',
    );
    const full = 1500e9 / GiB;
    expect(radiology.storageGib).toBeGreaterThanOrEqual(Math.floor((full * 5 + full * 0.05 * 28) * 1.2));
    // "a full of each is ~150 GB": one server's full, for all fourteen.
    const each = a('A place for our nightly backups to land. 14 servers, a full of each is ~150 GB. Fulls weekly, keep 4 weeks of chains.');
    expect(each.storageGib).toBeGreaterThanOrEqual(Math.floor(((14 * 150e9) / GiB) * 5 * 1.2));
  });

  it('uses the bytes a stored point costs when the writer measured them', () => {
    // 12,000 sensors every 10 s at 64 bytes, 90 days: 1,200 points a second.
    const sensors = a(
      'Time-series store for 12,000 field sensors, each reports every 10 seconds. A stored reading costs about 64 bytes on disk. We keep 90 days.',
    );
    expect(sensors.storageGib).toBeGreaterThanOrEqual(Math.floor(((1200 * 64 * 90 * 86400) / 2 ** 30) * 1.2));
    // Points a second into Cassandra, RF 3 over 6 nodes, with half the disk free for compaction when asked.
    const cassandra = a(
      'Cassandra cluster, 6 nodes, RF=3. We write ~5,000 points/sec and a point costs about 60 bytes on disk. TTL is 90 days. Please size one node; compaction needs headroom.',
    );
    const perNode = (5000 * 60 * 86400 * 90 * 3) / 2 ** 30 / 6;
    expect(cassandra.storageGib).toBeGreaterThanOrEqual(Math.floor(perNode * 2));
  });

  it('reads an object store’s raw-to-usable ratio and a growth given over a span', () => {
    const minio = a(
      'MinIO node, 1 of 4 in a distributed setup with EC:2 (so half of raw capacity is usable). We need 20 TB usable cluster-wide today and expect 50% growth over 18 months; size each node for that.',
    );
    expect(minio.quantities).toContainEqual(
      expect.objectContaining({ measure: 'growth', value: expect.closeTo((1.5 ** (1 / 1.5) - 1) * 100, 0) }),
    );
    const usable = (20e12 / 2 ** 30) * 1.5;
    expect(minio.storageGib).toBeGreaterThanOrEqual(Math.floor((usable * 2 * 1.2) / 4));
    // EC:2 over 4 drives without the words: 4 / (4 − 2).
    expect(a('MinIO, 4 drives, EC:2, 10 TB usable').storageGib).toBeGreaterThan(a('MinIO, 10 TB usable, erasure coded').storageGib);
  });

  it('keeps what a batch stages, a crawler saves and a dump job writes before upload', () => {
    const GiB = 2 ** 30;
    const crawl = a(
      'script that crawls ~2 million competitor product pages every night and saves the raw HTML (gzipped, ~30 KB avg). we keep 14 nights for diffing.',
    );
    expect(crawl.storageGib).toBeGreaterThanOrEqual(Math.floor((2e6 * 30e3 * 14) / GiB));
    const dump = a(
      'Nightly job that dumps our 3 Postgres databases (600 GB total), compresses them and pushes them to S3. We stage the compressed dump locally before upload.',
    );
    expect(dump.storageGib).toBeGreaterThanOrEqual(Math.floor(600e9 / GiB / 3));
    const statements = a(
      'Monthly job that renders account statements as PDFs for ~300,000 customers. Each PDF is about 200 KB. Must finish within 6 hours; PDFs are staged locally and then uploaded to the archive bucket.',
    );
    expect(statements.kind).toBe('background-jobs');
    expect(statements.storageGib).toBeGreaterThanOrEqual(Math.floor((300000 * 200e3) / GiB));
    // In French: rendering statements is the job, the archive is where they go.
    const releves = a(
      "Job de génération des relevés de compte en PDF : ~800 000 clients, chaque PDF fait environ 150 Ko, le tout doit être terminé en 8 heures. Les PDF sont stockés localement avant l'envoi vers l'archivage.",
    );
    expect(releves.kind).toBe('background-jobs');
    expect(releves.quantities.map((q) => q.measure)).toContain('window');
  });

  it('reads "we get about 90k a month" as things arriving', () => {
    const invoices = a(
      'Somewhere to keep the scanned invoices. We get about 90k a month, each scan ~400 KB as PDF. We keep them 10 years.',
    );
    expect(invoices.storageGib).toBeGreaterThanOrEqual(Math.floor((90000 * 12 * 10 * 400e3) / 2 ** 30));
  });
});

describe('searching documents', () => {
  it('indexes full text at 1.5× with its own size free for merges, and keeps the hot part of the index in memory', () => {
    const text = (1.2e6 * 40e3) / 2 ** 30;
    const contracts = a('Full-text search across 1.2 million contracts averaging 40 KB of extracted text, fuzzy matching and highlighting');
    expect(contracts.storageGib).toBeGreaterThanOrEqual(Math.floor(text * 1.5 * 2));
    expect(contracts.load.memoryGib).toBeCloseTo(Math.max(4, (text * 1.5) / 8) + 0.4 * text * 1.5, 0);
    // Logs roll over and stay under the watermark instead: 10 GiB a day for 30 days, one replica.
    expect(a('Elasticsearch for logs, 10 GiB per day, keep 30 days, 1 replica').storageGib).toBe(
      Math.ceil(withVolumeHeadroom(20 + (10 * 30 * 1.1 * 2) / 0.85)),
    );
    // A 3 TB archive is searched for a small recent part: far less than 40 % of it in memory.
    const archive = a('Solr core for a document archive, 40 million PDFs text extracted, about 3TB index');
    expect(archive.peak.memoryGib).toBeLessThan(0.1 * archive.storageGib);
    // An in-memory engine answers ~200 searches a core.
    expect(a('Typesense for restaurant autocomplete, 300k restaurants, up to 1000 searches/s').peak.vcpu).toBeLessThanOrEqual(8);
  });
});

describe('what a cache holds at its busiest', () => {
  it('counts each player on each board, the carts written in German, and the volume that triples on Black Friday', () => {
    const boards = a('Redis for leaderboards, 25M players, each on 4 leaderboards; a sorted-set entry is ~100 bytes. AOF persistence on.');
    expect(boards.load.memoryGib).toBeCloseTo(1 + ((25e6 * 4 * 100) / 2 ** 30) * 2, 0);
    const carts = a('In-Memory-Cache für die Warenkorb-Daten vom Shop: ca. 1,5 Mio. aktive Warenkörbe à ~8 KB, TTL 7 Tage.');
    expect(carts.load.memoryGib).toBeCloseTo(1 + ((1.5e6 * 8000) / 2 ** 30) * (1.3 / 0.8), 0);
    // "Today we use about 6 GB of memory; on Black Friday the volume triples": what it holds, three times over.
    const friday = a(
      'Precisamos de um servidor Redis para cache de carrinho. Hoje usamos cerca de 6 GB de memória; na Black Friday o volume triplica.',
    );
    expect(friday.quantities).toContainEqual(expect.objectContaining({ measure: 'data in memory' }));
    expect(friday.load.memoryGib).toBeCloseTo(1 + ((6e9 / 2 ** 30) * 3 * 1.3) / 0.8, 0);
  });
});

describe('what a request says about one machine', () => {
  it('reads "small" as the workload’s size only when it names the workload', () => {
    // "small OLTP writes" sizes the writes; 1,200 TPS is a production database.
    expect(a('Postgres primary, ~1,200 TPS peak, small OLTP writes mostly').peak.vcpu).toBeGreaterThanOrEqual(4);
    expect(a('we need a small Postgres for the wiki').peak.vcpu).toBe(2);
    expect(a('RabbitMQ for background jobs, small: 300 msgs/min').peak.vcpu).toBe(2);
    // Said not to be small, it is not.
    expect(a('RabbitMQ, not a small setup: 5k msgs/s').peak.vcpu).toBeGreaterThanOrEqual(4);
    expect(a("Postgres for billing. It's not small, about 2 TB").peak.vcpu).toBeGreaterThanOrEqual(4);
  });

  it('reads heaps, backlogs, backups and copies as stated', () => {
    // -Xmx8g is an 8 GB heap, and a JVM takes half again beside it.
    const gl = a('Spring Boot tool, JVM with -Xmx8g, ~200 users during month-end close');
    expect(gl.peak.memoryGib).toBeGreaterThanOrEqual(1 + (8e9 / 2 ** 30) * 1.5 - 0.1);
    // "Heap at 31 GB" is memory, not data to index.
    expect(a('Elasticsearch hot node, ~1.5 TB/day of raw logs, 7 days on hot. Heap at 31 GB.').storageGib).toBeGreaterThan(5000);
    // "a 1-hour consumer outage" is the backlog to hold: 2,000 4 KB messages a second for an hour.
    const rabbit = a('RabbitMQ for orders, ~2k msg/s, messages ~4 KB, must survive a 1-hour consumer outage');
    expect(rabbit.storageGib).toBeGreaterThanOrEqual(Math.floor((2000 * 4000 * 3600) / 2 ** 30));
    // Backups kept on the database's own disk, at the multiple stated.
    const sql = a('SQL Server, DB is ~300 GB, we keep 7 days of full+log backups on local disk (~2x DB size)');
    expect(sql.storageGib).toBeGreaterThanOrEqual(Math.floor((300e9 / 2 ** 30) * (1.25 + 2)));
    // A cluster's size "including replication" is not multiplied by the RF again; one node of a 12-node ring is a twelfth.
    const ring = a('Cassandra node request (one node of a 12-node ring, RF=3). Whole cluster is ~18 TB on disk including replication.');
    expect(ring.storageGib).toBeLessThan(withRootVolume((18e12 / 2 ** 30 / 12) * 1.2 * 3.5));
    expect(ring.storageGib).toBeGreaterThan((18e12 / 2 ** 30 / 12) * 1.2);
    // A production Cassandra node is 8 cores and 32 GiB at least (DataStax).
    expect(ring.peak).toMatchObject({ vcpu: 8, memoryGib: 32 });
    // "~2 TB of data per node" with no node count is one member's already.
    expect(a('ScyllaDB node, 1 of 6. ~2 TB of data per node after RF3').storageGib).toBeGreaterThan(2000);
  });

  it('sizes application servers and transcoders from the processes the text describes', () => {
    const django = a('Django + gunicorn, peak 300–500 rps. We run 12 gunicorn workers at ~250 MB RSS each.');
    expect(django.load.vcpu).toBeLessThanOrEqual(12);
    expect(django.peak.memoryGib).toBeCloseTo(2 + 12 * (250 / 1024) * 1.25, 1);
    const ffmpeg = a('Video transcode worker: we want 8 jobs concurrently per box; each ffmpeg process uses ~4 cores and ~1.5 GB RAM');
    expect(ffmpeg.peak.vcpu).toBeGreaterThanOrEqual(32);
    expect(ffmpeg.peak.memoryGib).toBeGreaterThanOrEqual(2 + 8 * 1.5 * 1.25);
  });

  it('reads messages and retention in Dutch', () => {
    const nats = a('Hoi, we hebben een NATS JetStream node nodig. Ongeveer 10k berichten per seconde, gemiddeld 1 KB, retentie 24 uur.');
    expect(nats.quantities.map((q) => q.measure)).toEqual(expect.arrayContaining(['messages rate', 'retention']));
  });
});

/** A size on top of the 20 GiB root volume every analysis carries. */
function withRootVolume(gib: number): number {
  return 20 + gib;
}

describe('national privacy laws', () => {
  it('reads Brazil’s, Canada’s, South Africa’s, Singapore’s and India’s privacy laws as compliance requirements', () => {
    expect(a('TimescaleDB para a telemetria da frota; os dados são pessoais, então LGPD se aplica').compliance).toEqual(['lgpd']);
    expect(a('Postgres for Canadian customers, PIPEDA applies').compliance).toEqual(['pipeda']);
    expect(a('Redis for sessions, POPIA and PDPA in scope, DPDP for the India users').compliance).toEqual(['popia', 'pdpa', 'dpdp']);
  });
});

describe('what the fresh reviewer’s requests taught', () => {
  it('keeps a game world and a realtime server’s local snapshots on disk', () => {
    expect(a('Minecraft Java (Paper) server, ~60 players at peak, existing world is ~15 GB').storageGib).toBeGreaterThanOrEqual(
      20 + 10 + Math.floor((15e9 / 2 ** 30) * 1.5),
    );
    expect(
      a('y-websocket sync server, 3k docs open at once; snapshots are persisted to local LevelDB (~100 GB today)').storageGib,
    ).toBeGreaterThan(150);
  });

  it('shares a cluster’s log among its members unless every member holds every message', () => {
    const nats = a('NATS JetStream node, part of a cluster of 3, replicas=3. About 10k messages per second, 1 KB, retention 24 hours.');
    const whole = a('NATS JetStream, replicas=3. About 10k messages per second, 1 KB, retention 24 hours.');
    expect(bare(nats.storageGib) - 20).toBeCloseTo((bare(whole.storageGib) - 20) / 3, -1);
    // "one member of a 5-node cluster" counts a machine, not a person: a production Kafka broker, not light use.
    const member = a('Kafka broker, one member of a 5-node cluster, 50 MB/s in, RF 3, 3 days');
    expect(member.quantities.map((q) => q.measure)).not.toContain('total members');
    expect(member.peak).toMatchObject({ vcpu: 8, memoryGib: 32 });
    // Quorum queues put every message on every member.
    const quorum = a('RabbitMQ node (1 of 3, quorum queues), ~2k msg/s, messages ~4 KB, must survive a 1-hour consumer outage');
    expect(quorum.storageGib).toBeGreaterThanOrEqual(20 + Math.floor((2000 * 4000 * 3600) / 2 ** 30));
  });

  it('sizes a time-series store’s raw and downsampled tiers separately', () => {
    const influx = a(
      'InfluxDB for the solar farm: ~5k points/sec, around 20k series. Raw data kept 90 days, 1-minute downsampled data kept 5 years.',
    );
    const raw = (5000 * 3 * 90 * 86400) / 2 ** 30;
    const down = ((20000 / 60) * 3 * 5 * 365 * 86400) / 2 ** 30;
    expect(influx.storageGib).toBeGreaterThanOrEqual(Math.floor(20 + (raw + down) * 1.2));
    expect(influx.storageGib).toBeLessThan(20 + (raw + down) * 1.2 * 2);
    // A downsampled tier of no interval is no tier, and never an endless disk.
    const zero = a('InfluxDB: 5k points/sec, 20k series. Raw data kept 30 days, 0-minute downsampled data kept 5 years.');
    expect(Number.isFinite(zero.storageGib)).toBe(true);
    // Trucks report like sensors: 3,000 every 10 s is 300 points a second, not 100,000 series assumed.
    expect(a('TimescaleDB for 3,000 trucks sending GPS every 10 seconds, keep 1 year').questions.map((q) => q.id)).not.toContain(
      'activeSeries',
    );
  });

  it('reads a batch’s CPU per item and a window as the time it has', () => {
    const photos = a(
      'Nightly batch: resize ~2M product photos from S3 with libvips. Stateless, streams from/to S3. 4-hour window. Each image takes roughly 100-150 ms of CPU.',
    );
    expect(photos.load.vcpu).toBeCloseTo((2e6 / (4 * 3600)) * 0.15 * 1.25, 1);
    expect(photos.storageGib).toBeLessThanOrEqual(50);
    // A cache of resized images is a cache.
    expect(a('Varnish in front of the news site origin, hot set ~20 GB of HTML + resized images, ~3k req/s').kind).toBe('cache');
  });

  it('reads a CI runner’s configured concurrency and a build’s compile jobs', () => {
    const gradle = a(
      'GitLab runner, docker executor, concurrent = 4. Each Gradle build peaks at ~6 GB RAM and uses all the cores it can get.',
    );
    expect(gradle.peak.vcpu).toBe(16);
    // Each build's "~6 GB RAM" is memory, sold in binary units (6 GiB), for the 4 at once.
    expect(gradle.load.memoryGib).toBeCloseTo(4 * 6, 1);
    const cpp = a('GitHub Actions runner for the C++ monorepo: a full build wants ~32 parallel compile jobs at up to 2 GB each');
    expect(cpp.peak.vcpu).toBe(32);
    expect(cpp.storageGib).toBeLessThan(200);
  });
});

describe('what one node keeps', () => {
  it('keeps a lake engine’s local cache and a historical’s own segments with the free space asked for', () => {
    const duck = a(
      'Big single box for ad-hoc analysis with DuckDB. About 3 TB of parquet lives in S3; we would cache the hot ~500 GB locally on NVMe. 5 analysts.',
    );
    expect(duck.storageGib).toBeGreaterThanOrEqual(Math.floor((500e9 / 2 ** 30) * 1.5));
    // "Each historical holds 1.5 TiB", one of 4: that node's own, with 40 % of the disk free.
    const druid = a(
      'Apache Druid: this request is for one historical node out of 4. Each historical holds about 1.5 TiB of segments and we want 40% free space for rebalancing.',
    );
    expect(druid.storageGib).toBeCloseTo(20 + 1536 / 0.6, -1);
  });
});

describe('a cluster described the way its team writes it down', () => {
  it('reads ticket and YAML fields as sentences: a count after its number, a rate and an item size', () => {
    const cassandra = a(
      'cluster: iot-telemetry\ntech: cassandra 4.1\nnodes: 6\nreplication_factor: 3\ntotal_on_disk_after_replication: ~18 TB\nrequest: spec for ONE node',
    );
    // 18 TB already holds the copies; one of the 6 nodes keeps a sixth of it, the version is not a node count.
    expect(cassandra.quantities).toContainEqual(expect.objectContaining({ measure: 'node count', value: 6 }));
    expect(cassandra.quantities).not.toContainEqual(expect.objectContaining({ measure: 'node count', value: 4.1 }));
    expect(cassandra.storageGib).toBeGreaterThan(18e12 / 2 ** 30 / 6);
    expect(bare(cassandra.storageGib)).toBeLessThan((18e12 / 2 ** 30 / 6) * 1.5);
    // Pasted from a ticket with Windows line ends, it reads the same.
    const pasted = a(
      'cluster: iot-telemetry\r\ntech: cassandra 4.1\r\nnodes: 6\r\nreplication_factor: 3\r\ntotal_on_disk_after_replication: ~18 TB\r\nrequest: spec for ONE node',
    );
    expect(pasted.storageGib).toBe(cassandra.storageGib);
    const clickhouse = a('engine: clickhouse\nevents_per_day: ~300M\navg_event_size_uncompressed: 200B\nretention: 13 months');
    // 300M × 200 B × 395 days ≈ 22 TiB raw, a fifth of it once columnar.
    expect(clickhouse.storageGib).toBeGreaterThan(3000);
    expect(clickhouse.storageGib).toBeLessThan(8000);
  });

  it('fills a retention period at the average rate, not the peak, and knows min.insync.replicas is no copy count', () => {
    const kafka = a(
      'Kafka — 3 brokers, RF=3, min.insync.replicas=2. Avg ingest ~5 MB/s, peaks ~25 MB/s during the end-of-day batch. Retention 7 days. This ticket is for broker sizing (per broker, we will clone it x3).',
    );
    // 5 MB/s × 7 days × 3 copies over 3 brokers, kept under 85 % full.
    const perBroker = (5e6 * 7 * 86400) / 2 ** 30 / 0.85;
    expect(kafka.storageGib).toBeGreaterThan(perBroker);
    expect(bare(kafka.storageGib)).toBeLessThan(perBroker * 1.3);
    // The average abbreviated, or written after its rate, is the same average.
    for (const said of ['avg. 5 MB/s, peak 25 MB/s', '5 MB/s on average, 25 MB/s at peak'])
      expect(bare(a(`Kafka, 3 brokers, RF 3, retention 7 days. ${said}. Size one broker.`).storageGib)).toBeLessThan(perBroker * 1.3);
  });

  it('spreads a distributed SQL database’s copies over its nodes, with the free space asked for', () => {
    const crdb = a(
      'CockroachDB: 5 nodes spread over 3 AZs. Total logical dataset ~2 TB, RF=3 (default). Please size one node with ~30% free-space headroom.',
    );
    expect(crdb.storageGib).toBeCloseTo(20 + ((2e12 / 2 ** 30) * 3) / 5 / 0.7, -1);
    expect(crdb.peak.vcpu).toBeGreaterThanOrEqual(8);
    // A Postgres primary and its replicas each hold everything: nothing is shared out.
    const pg = a('Postgres primary, one node of a 3-node Patroni cluster, 600 GB of data');
    expect(pg.storageGib).toBeGreaterThan(600);
  });

  it('counts bookies and workers as the members a cluster is spread over', () => {
    const bookie = a(
      'Pulsar BookKeeper bookie — 3 bookies, ensemble 3 / write quorum 2 / ack quorum 2. Avg ingest ~10 MB/s, we keep 3 days. Size one bookie.',
    );
    // 10 MB/s × 3 days × 2 copies over 3 bookies.
    const share = (10e6 * 3 * 86400 * 2) / 3 / 2 ** 30;
    expect(bookie.storageGib).toBeGreaterThan(share);
    expect(bare(bookie.storageGib)).toBeLessThan(share * 1.5);
    const trino = a(
      'Trino worker (cluster will be 1 coordinator + 8 workers, this request is for ONE worker). ~80 TB in the lake on S3, ~40 concurrent users at peak.',
    );
    expect(trino.peak.memoryGib).toBeLessThanOrEqual(256);
    expect(trino.storageGib).toBeLessThan(300);
  });

  it('sizes a Spark worker by the executors it runs', () => {
    const spark = a(
      'Spark worker node. Each worker runs 4 executors at 5 cores / 24 GB heap each, with the default 10% memoryOverhead. Shuffle spill up to ~600 GB per node.',
    );
    expect(spark.load.vcpu).toBe(21);
    expect(spark.load.memoryGib).toBeCloseTo(4 * 24 * 1.1 + 8, 0);
    expect(spark.storageGib).toBeGreaterThan(800);
  });
});

describe('jobs and images whose text says how little they keep', () => {
  it('runs long jobs with no rate as many at once as are counted, never thousands of cores', () => {
    const cron = a(
      'Just need a small box to run a handfull of cron jobs: a couple of reports that get emailed out and some cleanup scripts. Everything finishes in like 5 minutes each night.',
    );
    expect(cron.peak.vcpu).toBeLessThanOrEqual(2);
    expect(cron.peak.memoryGib).toBeLessThanOrEqual(4);
  });

  it('keeps nothing of images that never sit on local disk, and resizes big originals at the root of their size', () => {
    const thumbs = a(
      'Thumbnail worker (libvips) consuming from a queue. ~200 images/minute at peak, originals up to 20 MB JPEG, we produce 5 sizes of each. Files never sit on local disk for more than a few seconds.',
    );
    expect(thumbs.storageGib).toBeLessThanOrEqual(50);
    expect(thumbs.peak.vcpu).toBeLessThanOrEqual(8);
  });
});

describe('requests in Polish, Spanish and Italian, and what faces the internet', () => {
  it('reads a Polish logging cluster: logs a day, retention, a replica, one of three data nodes', () => {
    const os = a(
      'Cześć, potrzebujemy klastra OpenSearch na logi aplikacyjne. Około 50 GB logów dziennie, retencja 14 dni, 1 replika. Klaster będzie miał 3 węzły danych — prosimy o rozmiar jednego węzła. Dostęp tylko z sieci wewnętrznej.',
    );
    // 50 GB × 14 days × 2 copies over 3 nodes.
    expect(os.storageGib).toBeGreaterThan((50e9 / 2 ** 30) * 14 * (2 / 3));
    expect(os.storageGib).toBeLessThan(1200);
    expect(os.peak.memoryGib).toBeGreaterThanOrEqual(32);
    expect(os.publicIngress).toBe(false);
  });

  it('knows a Spanish game server and Italian invoice rendering, and a negated exposure', () => {
    const game = a(
      'Necesitamos un servidor dedicado para nuestro juego multijugador. Cada instancia aloja hasta 10 partidas simultáneas de 16 jugadores. Tiene que estar abierto a internet en los puertos UDP 7777-7787.',
    );
    expect(game.role).toBe('realtime-server');
    expect(game.publicIngress).toBe(true);
    const invoices = a(
      'Ciao, ci serve un worker per generare i PDF delle fatture (Chromium headless via Puppeteer). A fine mese sono circa 50.000 fatture e devono essere pronte entro 4 ore.',
    );
    expect(invoices.role).toBe('batch-worker');
    const nats = a('Necesitamos un nodo de NATS JetStream para los eventos de pedidos. Solo red interna, nada expuesto a internet.');
    expect(nats.publicIngress).toBe(false);
  });

  it('reads reachable from the internet as public, and not reachable as internal', () => {
    expect(
      a('Partner SFTP drop, 2 GB a night. It has to be reachable from the internet but firewalled to their IP range.').publicIngress,
    ).toBe(true);
    expect(a('MinIO bucket store, not reachable from the internet').publicIngress).toBe(false);
  });
});

describe('machines that do little themselves', () => {
  it('sizes a dbt runner against a remote warehouse as a small batch job', () => {
    const dbt = a(
      'Need something to run dbt Core on a schedule (hourly) against Snowflake. All the heavy lifting happens in the warehouse, the box just compiles and submits SQL.',
    );
    expect(dbt.role).toBe('batch-worker');
    expect(dbt.peak.vcpu).toBeLessThanOrEqual(2);
    expect(dbt.peak.memoryGib).toBeLessThanOrEqual(4);
  });

  it('keeps a single throwaway node for integration tests small, and a counted ring at production size', () => {
    const staging = a(
      'For the cart service staging env we want a DynamoDB-compatible endpoint (ScyllaDB Alternator). Single node, throwaway data, just needs to work for integration tests.',
    );
    expect(staging.peak.vcpu).toBeLessThanOrEqual(4);
    expect(staging.peak.memoryGib).toBeLessThanOrEqual(16);
    expect(staging.storageGib).toBeLessThanOrEqual(100);
    const ring = a('cassandra 9 nodes 3TB/node rf3 50k w/s');
    expect(ring.peak.memoryGib).toBeGreaterThanOrEqual(9 * 32);
  });
});

describe('what the second and third reviewers’ requests taught', () => {
  it('reads "a 4K frame" as a resolution, not four thousand frames', () => {
    const render = a('Render node, Blender Cycles, CPU only. Scenes load ~8-12 GB in RAM, target is a 4K frame in under 15 min.');
    expect(render.quantities).not.toContainEqual(expect.objectContaining({ measure: 'frame count' }));
    expect(render.peak.vcpu).toBeLessThan(200);
  });

  it('gives a GPU host the cores and memory that feed the card, unless there is no GPU', () => {
    const whisper = a(
      'Olá pessoal, precisamos de uma máquina com GPU para rodar inferência em lote do Whisper large-v3, transcrevendo ~500 horas de áudio por dia.',
    );
    expect(whisper.role).toBe('batch-worker');
    expect(whisper.peak.vcpu).toBeGreaterThanOrEqual(8);
    expect(whisper.peak.memoryGib).toBeGreaterThanOrEqual(32);
    expect(a('A GPU-free sentiment model behind a REST endpoint, 30 predictions per second.').peak.memoryGib).toBeLessThan(32);
    expect(a('Render node, Blender Cycles, CPU only (the GPU budget got cut), one frame at a time.').peak.memoryGib).toBeLessThan(32);
    // A card named by its model is there, whatever else is said to have none.
    expect(a('Training box with one A100 for fine-tuning, no GPUs needed for inference though').peak.memoryGib).toBeGreaterThanOrEqual(32);
  });

  it('knows match servers packed on a fleet host are game servers', () => {
    const fleet = a(
      'Fleet host for our Unity dedicated match servers (one process per match). Per process: ~1 vCPU, 1.5 GB RSS, 10 players, 30 Hz tick. We want 24 matches per host.',
    );
    expect(fleet.role).toBe('realtime-server');
    expect(fleet.peak.vcpu).toBeGreaterThanOrEqual(24);
  });

  it('reads one member asked for in other words, and a node’s own share', () => {
    // "5 hot data nodes total; request is for one": a fifth of 150 GB a day × 14 days × 2 copies.
    const hot = a(
      'Elasticsearch hot data node for central logging\n- ingest: ~150 GB/day\n- 14 days on hot tier, 1 replica\n- 5 hot data nodes total; request is for one (we will scale the template)\n- ~20 people querying Kibana',
    );
    expect(hot.storageGib).toBeGreaterThan(((150e9 / 2 ** 30) * 14 * 2) / 5);
    expect(bare(hot.storageGib)).toBeLessThan(2500);
    // A few people over a lot of data is no light use.
    expect(hot.peak.memoryGib).toBeGreaterThanOrEqual(32);
    const kafka = a(
      'Kafka broker spec, 3 brokers, this is per broker. Ingest into the cluster averages 25 MB/s and peaks at ~60 MB/s. RF=3, retention 3 days.',
    );
    const share = (25e6 * 3 * 86400) / 2 ** 30 / 0.85;
    expect(kafka.storageGib).toBeGreaterThan(share);
    expect(bare(kafka.storageGib)).toBeLessThan(share * 1.3);
    const ring = a(
      'One additional Cassandra node for the ring (going from 6 to 9 nodes; this ticket is for one of them). RF=3. After rebalancing each node should carry ~1.8 TB of live data.',
    );
    // The node's 1.8 TB holds its copies already: not × RF, not ÷ the nodes.
    expect(ring.storageGib).toBeGreaterThan(1800e9 / 2 ** 30);
    expect(ring.storageGib).toBeLessThan((1800e9 / 2 ** 30) * 2);
  });

  it('keeps a broker as full as the text allows', () => {
    const kafka = a(
      'Kafka broker, one of 5 brokers. Cluster ingest averaging ~25 MB/s, RF=3, 3 days retention. Please keep disk utilization under ~70%.',
    );
    expect(kafka.storageGib).toBeCloseTo(20 + (25e6 * 3 * 86400 * 3) / 5 / 2 ** 30 / 0.7, -1);
  });
});

describe('a notebook server’s kernels at work', () => {
  it('sizes the people working at once, with what each loads and the blow-up the text states', () => {
    const hub = a(
      'JupyterHub for the data science team (8 people). Typical notebook uses 2 cores / 8 GB, but a couple of people load 20 GB parquet files into pandas, which blows up to 3-4x in memory. Each user gets a 50 GB home dir, plus a shared datasets volume of ~500 GB.',
    );
    // Two kernels × 20 GB × 4, the other six at a typical notebook's 8 GB, and the hub: not 8 GB for the whole box.
    // (Memory is sold in binary units: "8 GB" of a notebook's memory is 8 GiB.)
    expect(hub.load.memoryGib).toBe(2 * 20 * 4 + 6 * 8 + 8);
    expect(hub.peak.vcpu).toBe(16);
    expect(hub.storageGib).toBeGreaterThan(800);
    const genomics = a(
      'JupyterHub for the genomics lab, 10 researchers, usually 3-4 active at once, each loading datasets of up to ~50 GB into pandas/numpy.',
    );
    expect(genomics.peak.memoryGib).toBeGreaterThan(4 * 40 * 2);
    expect(genomics.load.memoryGib).toBeLessThan(512);
    expect(genomics.peak.vcpu).toBeLessThanOrEqual(64);
  });
});

describe('a tree model behind an API', () => {
  it('predicts in milliseconds, not a transformer’s 60 ms', () => {
    const fraud = a(
      'Fraud-scoring inference service: XGBoost model (~300 MB), FastAPI + gunicorn. Needs p99 < 20 ms at ~800 req/s peak per instance.',
    );
    // 800 requests × 5 ms of a core, kept at 70 % busy.
    expect(fraud.load.vcpu).toBeCloseTo((800 * 5) / 1000 / 0.7, 1);
    expect(a('Sentiment model (DistilBERT) behind a REST endpoint, 30 predictions per second').peak.vcpu).toBeGreaterThan(
      (30 * 5) / 1000 / 0.7,
    );
  });
});

describe('a busy or large primary', () => {
  it('runs on production’s shape: 8 vCPU and 32 GiB, where a small or quiet one does not', () => {
    const checkout = a(
      'PostgreSQL 15 primary for the new checkout-service, ~350 GB on day one, peak around 1,200 TPS during sales, ~400 client connections via pgbouncer.',
    );
    expect(checkout.peak.vcpu).toBeGreaterThanOrEqual(8);
    expect(checkout.peak.memoryGib).toBeGreaterThanOrEqual(32);
    const wiki = a('hey, can we get a small mysql for the bookstack wiki? like 40 users, db is ~2GB, nothing fancy');
    expect(wiki.peak.vcpu).toBeLessThanOrEqual(2);
    const reporting = a('Postgres for an internal reporting tool, 40 GB, about 20 queries per second');
    expect(reporting.peak.vcpu).toBeLessThan(8);
  });
});

describe('what the sixth reviewer’s first requests taught', () => {
  it('reads "w/" as with, max_age as retention, and a volume of items at their average size', () => {
    const nats = a(
      'nats-server 2.10 w/ JetStream for domain events. ~5k msgs/s sustained, ~512 B avg, streams limited to max_age 24h, file storage. 3-node cluster, R3. spec for one node?',
    );
    expect(nats.quantities).toContainEqual(expect.objectContaining({ measure: 'retention', value: 1 }));
    expect(nats.storageGib).toBeLessThan(600);
    const artemis = a(
      'ActiveMQ Artemis for the JMS bridge. Volume is low, ~5 msgs/s, but messages are persistent XML docs, avg 200 KB, some up to 10 MB. If the consumer is down we need to hold up to 3 days of messages.',
    );
    // 5 a second × 200 KB × 3 days: not every message at its largest.
    expect(artemis.storageGib).toBeLessThan(600);
    expect(artemis.storageGib).toBeGreaterThan((5 * 200e3 * 3 * 86400) / 2 ** 30);
  });

  it('shares a service’s traffic among its instances only when the figures are the fleet’s', () => {
    const fleet = a(
      'App: orders-api (Django, gunicorn). Traffic: ~2k rps peak across the service. Topology: 4 identical instances behind the public ALB; this request is for ONE instance.',
    );
    const whole = a('App: orders-api (Django, gunicorn). Traffic: ~2k rps peak across the service.');
    expect(fleet.peak.vcpu).toBeCloseTo(whole.peak.vcpu / 4, 1);
    // "Puma with 6 workers, each ~600 MB RSS": one instance's own, whatever the fleet.
    const puma = a(
      'Rails app server, one of 4 behind the public ALB. Puma with 6 workers x 5 threads, each worker sits around 600 MB RSS.',
    );
    expect(puma.peak.memoryGib).toBeGreaterThanOrEqual(6 * 0.6);
  });
});

describe('what the sixth and seventh reviewers’ requests taught', () => {
  it('reads what a request is, not what its data, clients or fan-out are called', () => {
    expect(kind('Oracle 19c single instance, 2 TB, half of it archived audit tables, archivelog mode on')).toBe('relational-database');
    expect(kind('NFSv4 server for the build farm: 25 build nodes read the toolchains from it')).toBe('file-share');
    expect(kind('OpenSearch data node for hybrid search: knn_vector fields (HNSW) next to BM25 text, 3 data nodes')).toBe('search-engine');
    expect(kind('presence service on uWebSockets.js, 20k concurrent connections, fan-out via NATS')).toBe('websocket-server');
    expect(kind('a VM for a Redmine tracker, app + its PostgreSQL on the same box, 15 people')).toBe('web-application');
    expect(kind('Ci serve un worker per generare le fatture leggendo da una coda SQS')).toBe('background-jobs');
    expect(kind('monthly job: re-embed 5M support tickets with sentence-transformers on one GPU')).toBe('ml-batch');
    expect(kind('ScyllaDB node, RF 3, mostly time-series writes keyed by device and day')).toBe('wide-column-store');
    // A time-series store is still one when the text names its data so.
    expect(kind('store time-series data from 5000 sensors, one reading a minute')).toBe('time-series-database');
  });

  it('sizes one member when the request’s subject is one, unless its figures are already one member’s', () => {
    const member = a('OpenSearch data node for product logs. 4 data nodes, 1 replica, ~80 GB/day, keep 10 days.');
    const cluster = a('OpenSearch for product logs. 4 data nodes, 1 replica, ~80 GB/day, keep 10 days.');
    expect(bare(member.storageGib) - 20).toBeCloseTo((bare(cluster.storageGib) - 20) / 4, -1);
    // "each should sustain": a figure per node, not the cluster's, so nothing is shared out.
    const each = a('Scylla node for the ledger, 4 nodes total, each should sustain ~50k writes/s');
    const whole = a('Scylla for the ledger, 4 nodes total, each should sustain ~50k writes/s');
    expect(each.peak.vcpu).toBeCloseTo(whole.peak.vcpu, 0);
  });

  it('reads "sizing is per node" and its variants as a request for one member', () => {
    const whole = a('NATS JetStream, 3 nodes, 5k msg/s at 2 KB, keep 48h, R3.');
    for (const said of ['Sizing is per node.', 'Please size per node.', 'Per-node sizing please.', 'Per node.']) {
      const one = a(`NATS JetStream, 3 nodes, 5k msg/s at 2 KB, keep 48h, R3. ${said}`);
      expect(bare(one.storageGib) - 20).toBeCloseTo((bare(whole.storageGib) - 20) / 3, -1);
    }
  });

  it('takes an average written before a peak as the average, and the peak as the peak', () => {
    const q = a('Kafka, 3 brokers, RF 3, retention 2 days, this is per broker. Produce is ~10 MB/s on average with peaks of 30 MB/s.');
    // 10 MB/s × 2 days × 3 copies over 3 brokers, kept under 85 % full.
    expect(bare(q.storageGib) - 20).toBeCloseTo((10e6 * 2 * 86400) / 2 ** 30 / 0.85, -1);
  });

  it('keeps dense vectors beside a search index in memory', () => {
    const text = a('Elasticsearch for 5M product docs of ~2 KB, single node');
    const vectors = a('Elasticsearch for 5M product docs of ~2 KB, each with a 1024-dim dense_vector, single node');
    // 5M × 1024 × 4 bytes × 1.5 for the HNSW graph.
    const vectorGib = (5e6 * 1024 * 4 * 1.5) / 2 ** 30;
    expect(vectors.peak.memoryGib - text.peak.memoryGib).toBeGreaterThanOrEqual(vectorGib * 0.99);
    expect(bare(vectors.storageGib)).toBeGreaterThan(bare(text.storageGib) + vectorGib);
  });

  it('provisions a data volume with room above what it holds, and leaves a small one as it is', () => {
    expect(withVolumeHeadroom(20 + 10)).toBe(30);
    expect(withVolumeHeadroom(20 + 32)).toBe(52);
    expect(withVolumeHeadroom(20 + 1032)).toBeCloseTo(20 + 32 + 1000 * VOLUME_HEADROOM, 6);
    // A 400 GB database holds its data with about a quarter of the volume free.
    const pg = a('PostgreSQL 16, 400 GB of data, 200 TPS, no growth expected');
    expect(pg.storageGib).toBeGreaterThan(20 + (400e9 / 2 ** 30) * 1.2);
  });
});

describe('what the seventh reviewer’s requests taught', () => {
  it('reads "the rows are small" as the size of what it holds, not light use', () => {
    const db = a('MySQL 8 for the inventory service, 150 GiB of data, the rows are small');
    // A relational primary of 100 GiB or more gets a production shape.
    expect(db.peak.vcpu).toBeGreaterThanOrEqual(8);
    expect(db.peak.memoryGib).toBeGreaterThanOrEqual(32);
  });

  it('reads a rate field split by what it counts', () => {
    const db = a('engine: PostgreSQL 16\ndata size: 60 GiB\nqps: ~2000 read / ~300 write\n');
    expect(db.quantities).toContainEqual(expect.objectContaining({ measure: 'reads rate', value: 2000 }));
    expect(db.quantities).toContainEqual(expect.objectContaining({ measure: 'writes rate', value: 300 }));
    expect(a('engine: PostgreSQL 16\nqps: 900\n').quantities).toContainEqual(expect.objectContaining({ value: 900, unit: 'per second' }));
  });

  it('sizes a job that ran out of memory well above what it ran out of', () => {
    for (const said of ['it OOMs on a 32GB VM', 'it runs out of memory with 32 GB', 'the job got OOM-killed at 32 GB']) {
      const job = a(`nightly pandas job that joins two exports from the CRM; ${said}`);
      expect(job.quantities).toContainEqual(expect.objectContaining({ measure: 'memory outgrown', value: 32 }));
      expect(job.peak.memoryGib).toBeGreaterThanOrEqual(4 * 32);
    }
    // Memory it had enough of is no memory outgrown.
    for (const said of [
      'it never ran out of memory with 32 GB',
      'it never OOMs on the 32 GB VM',
      "it doesn't run out of memory with 32 GB",
    ])
      expect(a(`nightly pandas job that joins two exports from the CRM; ${said}`).quantities).not.toContainEqual(
        expect.objectContaining({ measure: 'memory outgrown' }),
      );
  });

  it('spreads a sharded cache over its primaries, each replica holding its primary’s share', () => {
    const sharded = a('Redis Cluster, 4 shards x 1 replica = 8 nodes, about 100 GB of keys in total, AOF on. Sizing is per node.');
    const whole = a('Redis, about 100 GB of keys, AOF on.');
    expect(sharded.quantities).not.toContainEqual(expect.objectContaining({ measure: 'replicas', value: 8 }));
    expect(sharded.peak.memoryGib).toBeCloseTo(whole.peak.memoryGib / 4, 0);
    // Figures written under "per_node:" are one member's already.
    const perNode = a('engine: memcached\ncluster: 4 nodes (this request = 1 node)\nper_node:\n  hot_items: ~40GB\n');
    expect(perNode.peak.memoryGib).toBeGreaterThan(40);
  });

  it('counts a data grid’s backups as copies and leaves its heap room to collect', () => {
    const grid = a('Hazelcast 5.3 member, 4 members in the cluster, 20 GB of entries, backup-count=1, size one member');
    expect(grid.quantities).toContainEqual(expect.objectContaining({ measure: 'replicas', value: 1 }));
    // Not 5.3 of anything: a version.
    expect(grid.quantities).not.toContainEqual(expect.objectContaining({ value: 5.3 }));
    // 20 GB × 2 copies over 4 members, the heap at most 60 % live.
    expect(grid.peak.memoryGib).toBeGreaterThanOrEqual(((20e9 / 2 ** 30) * 2 * 1.3) / 0.6 / 4);
    expect(grid.peak.vcpu).toBeGreaterThanOrEqual(4);
    expect(a('memcached, 30 GB of items, persistence: none').storageGib).toBeLessThan(30);
  });
  it('prices an application by what it runs, not by the load balancer it sits behind', () => {
    const behind = a('Spring Boot API behind the load balancer, 600 requests/s at peak');
    const plain = a('Spring Boot API, 600 requests/s at peak');
    expect(behind.peak.vcpu).toBeCloseTo(plain.peak.vcpu, 1);
    expect(behind.peak.vcpu).toBeGreaterThanOrEqual(4);
  });

  it('shares a service’s traffic among its instances when one is asked for in French or Spanish', () => {
    const whole = a('Nous avons besoin d’une API REST Spring Boot, environ 1 800 requêtes/s en pic.');
    const one = a(
      'Nous avons besoin d’une API REST Spring Boot, environ 1 800 requêtes/s en pic, réparti sur 3 instances. Merci de dimensionner une instance.',
    );
    expect(one.load.vcpu).toBeCloseTo(whole.load.vcpu / 3, 0);
    const said = 'Hola, necesitamos servidores para el portal de alumnos (Ruby on Rails), hay picos de ~400 peticiones por segundo.';
    const rails = a(`${said} Vamos a tener 4 nodos detrás del balanceador, el tamaño es por nodo.`);
    expect(rails.quantities).toContainEqual(expect.objectContaining({ measure: 'node count', value: 4 }));
    expect(rails.peak.vcpu).toBeCloseTo(a(said).peak.vcpu / 4, 0);
    // Each instance keeps its own disk: it is not shared out.
    expect(one.storageGib).toBe(whole.storageGib);
    // A rate written per node is one node's already.
    const perNode = a('Next.js SSR storefront, ~40 req/s per node, 3 nodes behind an ALB, size is per node.');
    expect(perNode.peak.vcpu).toBeCloseTo(a('Next.js SSR storefront, ~40 req/s').peak.vcpu, 0);
  });

  it('reads the CPU each render costs, a stated working set, and "nothing public"', () => {
    const ssr = a('Next.js SSR, 50 req/s, the renders are heavy (~60ms CPU each)');
    expect(ssr.peak.vcpu).toBeCloseTo((50 * 0.06) / 0.7, 0);
    const pg = a('PostgreSQL primary, 300 GB of data, 2k TPS, working set probably 50-60GB');
    expect(pg.quantities).toContainEqual(expect.objectContaining({ measure: 'data in memory' }));
    expect(pg.load.memoryGib).toBeGreaterThanOrEqual((60e9 / 2 ** 30) * 1.25);
    expect(a('PostgreSQL for billing, 50 GB, internal only, nothing public.').publicIngress).toBe(false);
  });
  it('sizes a Spark node by the executors it runs, and its share of the input', () => {
    const node = a(
      'Spark on k8s, node spec for the executor pool. executors: 12 x (5 cores, 20g mem), 3 executors per node -> 4 nodes. Input ~800 GB of parquet.',
    );
    expect(node.quantities).toContainEqual(expect.objectContaining({ measure: 'memory each', value: 20 }));
    expect(node.peak.vcpu).toBe(3 * 5 + 1);
    expect(node.load.memoryGib).toBeCloseTo(3 * 20 * 1.1 + 8, 1);
    // Its quarter of the input, spilled with half as much again beside it.
    expect(bare(node.storageGib)).toBeCloseTo(20 + (800e9 / 2 ** 30 / 4) * 1.5, -1);
  });

  it('gives real-time OLAP servers and lake query workers a production shape, and keeps every segment copy', () => {
    const pinot = a('Pinot server for the ads dashboards: 2k events/s at 1 KB, 20 days, replication 2, 4 servers, size one server.');
    expect(pinot.peak.vcpu).toBeGreaterThanOrEqual(8);
    expect(pinot.peak.memoryGib).toBeGreaterThanOrEqual(32);
    const single = a('Pinot server for the ads dashboards: 2k events/s at 1 KB, 20 days, 4 servers, size one server.');
    expect(bare(pinot.storageGib) - 20).toBeCloseTo((bare(single.storageGib) - 20) * 2, -1);
    const trino = a('Trino worker for the lakehouse, 1 coordinator + 6 workers, 30 TB in S3. One worker please.');
    expect(trino.peak.vcpu).toBeGreaterThanOrEqual(16);
    expect(trino.peak.memoryGib).toBeGreaterThanOrEqual(64);
  });
  it('reads a scheduled model fit as a batch job, with the memory and cores its text gives', () => {
    expect(kind('Nightly recommendation job: matrix factorization over 2M users x 50k items, about 12GB in memory')).toBe('ml-batch');
    expect(kind('Asterisk PBX for the call centre, ~80 concurrent calls')).toBe('websocket-server');
    const als = a('Nightly recommendation job: matrix factorization over 2M users x 50k items, about 12GB in memory');
    expect(als.peak.memoryGib).toBeGreaterThanOrEqual((12e9 / 2 ** 30) * 2);
    // "takes 6h on 8 cores … under 2h": three times the cores; the set that expands 2× in memory, held.
    const fit = a(
      'Weekly retrain of the churn model (XGBoost) on a 30 GB set that expands to 2x in memory. It takes 6h on 8 cores, we want it under 2h.',
    );
    expect(fit.load.vcpu).toBe(24);
    expect(fit.peak.memoryGib).toBeGreaterThanOrEqual((30e9 / 2 ** 30) * 2);
  });
  it('reads a request past what reads it, where its database went and who its clients are', () => {
    expect(kind('StarRocks node for the growth team, ~30 analysts querying it via Superset dashboards every morning')).toBe(
      'data-warehouse',
    );
    expect(kind('Internal Grafana dashboards for 20 people, reading our Prometheus')).toBe('web-application');
    expect(kind('Drupal site, PostgreSQL is moving to managed RDS so this is only the web tier')).toBe('web-application');
    expect(kind('Artifactory for npm/docker proxies, 1.5 TB of blobs, 80 devs and CI hitting it')).toBe('object-storage');
    expect(kind('The build farm needs a shared NFS server for toolchains, 30 build nodes mount it')).toBe('file-share');
    expect(kind('Varnish for product images: hot set of thumbnails ~50 GB, 5k rps')).toBe('cache');
    expect(kind('a worker that makes thumbnails for every upload, 300 a minute')).toBe('image-processing');
    expect(kind('nightly image-processing jobs with OpenCV over 200k photos')).toBe('image-processing');
    expect(kind('Nuxt SSR for the marketing site, ISR-cached pages, 400 rps at the origin')).toBe('web-application');
    expect(kind('Vespa content node, 20M documents with 384-dim embeddings and HNSW')).toBe('search-engine');
  });
  it('reads a config-style ticket: comments as sentences, a unit at the key’s end, each field its own sentence', () => {
    const api = a(
      'service: billing-api\nstack: django / gunicorn\npeak_rps: 120   # total across the fleet\navg_cpu_per_request_ms: 30\np95_target_ms: 250\ngunicorn_workers: 8',
    );
    expect(api.quantities).toContainEqual(expect.objectContaining({ measure: 'requests rate', value: 120 }));
    // 120 a second × 30 ms of CPU, at 70 % busy; the p95 target's 250 is no count of the next line's workers.
    expect(api.load.vcpu).toBeCloseTo((120 * 0.03) / 0.7, 1);
    expect(api.quantities).not.toContainEqual(expect.objectContaining({ value: 250, unit: 'worker' }));
  });

  it('reads "size is per VM" and "sizing below is per node" as a request for one', () => {
    const whole = a('Spring Boot API, 1,600 rps peak total across the service');
    const vm = a('Spring Boot API, 1,600 rps peak total across the service, running 4 instances, one per VM (size is per VM)');
    // The load, before the smallest production machine a JVM service gets.
    expect(vm.load.vcpu).toBeCloseTo(whole.load.vcpu / 4, 0);
    const below = a('Next.js SSR, 300 rps at the origin in total. We run 3 nodes -- sizing below is PER NODE.');
    expect(below.load.vcpu).toBeCloseTo(a('Next.js SSR, 300 rps at the origin in total.').load.vcpu / 3, 0);
  });
  it('prices PHP behind its own nginx as PHP, and a bare reverse proxy as a proxy', () => {
    const php = a('Laravel app on php-fpm 8.2 + nginx, 200 requests/s at peak');
    expect(php.load.vcpu).toBeCloseTo((200 * 0.025) / 0.7, 1);
    const proxy = a('nginx reverse proxy terminating TLS, 200 requests/s at peak');
    // The load, before the smallest production instance both are given.
    expect(proxy.load.vcpu).toBeLessThan(php.load.vcpu / 4);
  });
  it('reads inline settings as the machines they count, not a drive count after a node count', () => {
    const kafka = a('Kafka: brokers=3, rf=3, retention=7d, ingest avg 8 MB/s. spec for ONE broker');
    expect(kafka.quantities).toContainEqual(expect.objectContaining({ measure: 'broker count', value: 3 }));
    expect(bare(kafka.storageGib) - 20).toBeCloseTo((8e6 * 7 * 86400) / 2 ** 30 / 0.85, -1);
    const shard = a('ClickHouse shard node x4, 200M events/day, 1KB each, 90 days, spec for one shard');
    expect(shard.quantities).toContainEqual(expect.objectContaining({ measure: 'node count', value: 4 }));
    const minio = a('MinIO distributed: 4 nodes x 8 drives, 100 TB usable. Please spec one node.');
    expect(minio.quantities).not.toContainEqual(expect.objectContaining({ measure: 'node count', value: 8 }));
  });
});

describe('what the eighth reviewer’s requests taught', () => {
  it('holds a backlog whose span is abbreviated or stated in German', () => {
    const gib = (perSecond: number, bytes: number, hours: number) => (perSecond * bytes * hours * 3600) / 2 ** 30;
    // 150 messages of 10 KB a second for 8 hours: 40 GiB the broker must keep.
    expect(
      a('ActiveMQ for the claims feed, ~150 msg/s, 10 KB each, has to absorb an 8h backlog when downstream is down').storageGib,
    ).toBeGreaterThan(ROOT_GIB + gib(150, 10_000, 8));
    expect(a('RabbitMQ, 150 msg/s at 10 KB, plan for a 8 hr outage of the consumers').storageGib).toBeGreaterThan(
      ROOT_GIB + gib(150, 10_000, 8),
    );
    const german = a(
      'Wir brauchen RabbitMQ. Spitzenlast ca. 1.500 Nachrichten/Sek., Nachrichtengröße ~8 KB. Wenn die Verbraucher ausfallen, müssen wir bis zu 3 Stunden puffern können.',
    );
    expect(german.quantities).toContainEqual(expect.objectContaining({ measure: 'messages rate', value: 1500 }));
    expect(german.storageGib).toBeGreaterThan(ROOT_GIB + gib(1500, 8000, 3));
  });

  it('asks for one node without the data being one node’s', () => {
    // 6 TB before replication, RF 3, over 9 nodes: 2 TB a node, whatever words ask for one.
    const perNode = (6e12 / 2 ** 30) * (3 / 9);
    for (const ask of ['Spec per node.', 'Size per node please.', 'Sizing is per node.'])
      expect(a(`Cassandra cluster, 6 TB of data before replication, RF=3, 9 nodes. ${ask}`).storageGib).toBeGreaterThan(perNode);
  });

  it('keeps the free share a text names, with no headroom of its own on top', () => {
    const perNode = (6e12 / 2 ** 30) * (3 / 9);
    const compaction = a(
      'Cassandra cluster, 6 TB of data before replication, RF=3, 9 nodes, keep ~50% free for compaction. Spec per node.',
    );
    expect(compaction.storageGib).toBeGreaterThanOrEqual(ROOT_GIB + perNode * 2 - 1);
    expect(compaction.storageGib).toBeLessThan(ROOT_GIB + perNode * 2 * VOLUME_HEADROOM * 0.9);
  });

  it('names the workload a question asks to size, whatever else the text describes', () => {
    expect(
      kind(
        'Our PostgreSQL 14 database holds 2 TB of orders and serves 5k queries a second; reads are getting slow. How big does the memcached box need to be?',
      ),
    ).toBe('cache');
    expect(
      kind(
        'We have a Cassandra ring of 6 nodes with 9 TB, 20k reads/s. How large should the Redis instance be that keeps the hottest partitions?',
      ),
    ).toBe('cache');
    expect(
      kind('The RabbitMQ cluster takes 3000 msg/s from the shop. Please size the Elasticsearch node that indexes the order events.'),
    ).toBe('search-engine');
    // A question that names no kind leaves the kind to the rest of the text.
    expect(kind('How big does the box need to be? MongoDB replica set member, 400 GB of documents.')).toBe('document-database');
  });

  it('is not the queue a worker pulls from, the topic a job publishes to, or a system the text puts out of scope', () => {
    expect(kind('Worker that pulls from an SQS queue and resizes uploaded photos, 40 a second at peak')).toBe('image-processing');
    expect(kind('Scraper: fetches 2000 product pages an hour, parses them and publishes the prices to our Kafka topic')).toBe(
      'background-jobs',
    );
    expect(a('Django API for the booking app; the existing MySQL (~300 GB, not part of this ask).').kind).toBe('web-application');
    expect(kind('Grafana for the ops team. Prometheus is separate.')).not.toBe('time-series-database');
    // In Spanish and French: the report job, not the Oracle database it reads.
    expect(a('Un servicio que lee de la base de datos Oracle cada noche y genera informes PDF').kind).toBe('background-jobs');
    expect(a('Un service qui lit depuis la base de données Oracle chaque nuit et produit des rapports PDF').kind).toBe('background-jobs');
  });
});

describe('what the ninth reviewer’s requests taught', () => {
  const gib = (bytes: number) => bytes / 2 ** 30;

  it('reads a bare count a day as the things the sentence names', () => {
    // 500 scans of 2 MB a day, kept 30 days: 28 GiB.
    const drop = a('Intake file share for the mailroom: scanned letters are PDFs of about 2 MB each, ~500/day, kept 30 days.');
    expect(drop.quantities).toContainEqual(expect.objectContaining({ measure: 'records rate' }));
    expect(drop.storageGib).toBeGreaterThan(ROOT_GIB + gib(500 * 2e6 * 30));
    expect(drop.storageGib).toBeLessThan(200);
    // A price a month is not a rate of anything.
    expect(a('A small WordPress blog, hosting budget about 40/month').quantities).not.toContainEqual(
      expect.objectContaining({ measure: expect.stringMatching(/rate/) }),
    );
  });

  it('sizes a cache in front of a store by its hot set, not by the store', () => {
    const redis = a('Redis in front of our 1.5 TB MySQL. The hot set is 200k sessions at ~4 KB each, 10k gets/s.');
    expect(redis.kind).toBe('cache');
    expect(redis.peak.memoryGib).toBeLessThan(16);
  });

  it('keeps off a web tier’s disk the data of a database run elsewhere, and on it what the app stores itself', () => {
    expect(a('Laravel app, 150 req/s at peak. Its database is the shared MySQL cluster (900 GB).').storageGib).toBeLessThan(100);
    const uploads = a('Rails app with 60 GB of user uploads on local disk. The Postgres is on Aurora (2 TB), managed by the DBA team.');
    expect(uploads.storageGib).toBeGreaterThan(ROOT_GIB + 60);
    expect(uploads.storageGib).toBeLessThan(400);
  });

  it('keeps for its TTL what expires, and reads a YAML ticket’s per-second field and retention', () => {
    const perNode = gib(20_000 * 500 * 86400 * 14 * 3) / 6;
    expect(a('ScyllaDB, 20k writes/s of 500 bytes, rows have a 14 day TTL, RF 3, 6 nodes. Size one node.').storageGib).toBeGreaterThan(
      ROOT_GIB + perNode,
    );
    const kafka = a('kafka:\n  events_per_sec: 4000\n  avg_event_size: 2KB\nretention: 3d\nreplication_factor: 3\nbrokers: 3');
    expect(kafka.quantities).toContainEqual(expect.objectContaining({ measure: 'events rate', value: 4000 }));
    expect(kafka.storageGib).toBeGreaterThan(ROOT_GIB + gib(4000 * 2000 * 86400 * 3 * 3) / 3);
  });

  it('gives a transcoding worker scratch space when its outputs go to object storage, and “each one gets” is not a rate', () => {
    const worker = a(
      'Transcode worker: about 200 uploads a day, 20 minutes each. Each one gets encoded to an HLS ladder and the renditions are uploaded to S3.',
    );
    expect(worker.quantities).not.toContainEqual(expect.objectContaining({ measure: 'reads rate' }));
    expect(worker.storageGib).toBeLessThan(600);
  });
});

describe('what the tenth reviewer’s requests taught', () => {
  const gib = (bytes: number) => bytes / 2 ** 30;

  it('sizes one node when “this ask is for one node spec”, with the growth given for its own span', () => {
    const text =
      'Cassandra, 8 nodes, RF=3. About 4 TB of data before replication, and we expect +40% over the next 12 months. This ask is for 1 node spec.';
    const node = a(text);
    // 4 TB × 3 copies × 1.4 over a year, an eighth of it: about 1.9 TiB, whatever the lifecycle default.
    const perNode = (gib(4e12) * 3 * 1.4) / 8;
    expect(node.storageGib).toBeGreaterThan(ROOT_GIB + perNode);
    expect(node.storageGib).toBeLessThan(ROOT_GIB + perNode * 2);
    // "to double within 12 months": a year's doubling, not one compounded over a longer lifecycle.
    const broker = a('Kafka, one of 4 brokers. 10 MB/s average in, RF 3, 3 days retention; we expect traffic to double within 12 months.');
    const doubled = (gib(10e6 * 86400 * 3) * 3 * 2) / 4;
    expect(broker.storageGib).toBeLessThan(ROOT_GIB + (doubled / 0.85) * 1.5);
  });

  it('holds a ScyllaDB node’s memory to its disk, as ScyllaDB’s sizing does', () => {
    const node = a('ScyllaDB cluster of 3 nodes, RF 3, 3 TB of data before replication, 20k ops/s. Size one node.');
    expect(node.load.memoryGib).toBeGreaterThanOrEqual((bare(node.storageGib) - ROOT_GIB) / 50 - 1);
    expect(node.peak.vcpu).toBeGreaterThanOrEqual(node.peak.memoryGib / 8 - 0.5);
  });

  it('is not the systems a coordination service is used by', () => {
    expect(kind('We need 3 VMs for a ZooKeeper ensemble, used by our HBase and an old Kafka 2.x cluster. Spec for 1 node.')).toBe(
      'coordination-store',
    );
  });

  it('reads a count a day written after the period, concentrated in the working hours it arrives in', () => {
    const ocr = a(
      'OCR workers (Tesseract) for delivery notes. Per day about 36000 pages, mostly between 08:00 and 18:00; one page is about 4 seconds CPU. Temporary files are deleted right after processing.',
    );
    expect(ocr.quantities).toContainEqual(expect.objectContaining({ measure: 'pages rate' }));
    // 36,000 pages in 10 hours at 4 core-seconds each: 4 cores busy, twice that to keep up.
    expect(ocr.peak.vcpu).toBeGreaterThanOrEqual(4);
    expect(ocr.peak.vcpu).toBeLessThanOrEqual(12);
    expect(ocr.storageGib).toBeLessThan(100);
    // The same in Polish.
    const polish = a(
      'Potrzebujemy maszyny na OCR (Tesseract). Dziennie ok. 36 tys. stron, głównie w godzinach 8–18, jedna strona to ok. 4 sekund CPU. Pliki tymczasowe kasujemy zaraz po przetworzeniu.',
    );
    expect(polish.peak.vcpu).toBeCloseTo(ocr.peak.vcpu, 0);
    expect(polish.storageGib).toBeLessThan(100);
  });
});

describe('what the tenth reviewer’s requests taught, second round', () => {
  const gib = (bytes: number) => bytes / 2 ** 30;

  it('counts nothing in a ticket’s key, and keeps standards’ numbers', () => {
    const ticket = a('DATA-64 Kafka brokers for clickstream, 20 MB/s in, 3 days retention, RF 3');
    expect(ticket.quantities).not.toContainEqual(expect.objectContaining({ value: 64 }));
    expect(a('SEC-77 audit log store, ISO-27001 applies').compliance).toContain('iso-27001');
  });

  it('serves at the origin only what the CDN does not', () => {
    const site = a('Nuxt SSR storefront, public. Peaks of 120k req/min, but Fastly caches most of it and only 5% reaches the origin.');
    const uncached = a('Nuxt SSR storefront, public. Peaks of 120k req/min.');
    expect(site.peak.vcpu).toBeLessThan(uncached.peak.vcpu / 5);
  });

  it('gives each transcoding job the cores its deadline needs, for the jobs the box is said to run', () => {
    const worker = a(
      'Encoding worker: pulls jobs from a queue, ffmpeg x264 to an HLS ladder 1080p/720p/480p. Videos average 10 min; each must be ready within 20 min of upload. The box runs 3 concurrent jobs.',
    );
    // 3 jobs × 600 s of video × a ladder's ~7 core-seconds a second ÷ 1,200 s: about 10 cores.
    expect(worker.peak.vcpu).toBeGreaterThan(6);
    expect(worker.load.vcpu).toBeLessThan(16);
  });

  it('reads the cores and memory “each” of the builds a runner runs at once', () => {
    const runner = a('Jenkins agent, 6 executors. Maven builds (each wants ~2 CPU / 6 GB).');
    expect(runner.peak.memoryGib).toBeLessThan(60);
    expect(runner.load.memoryGib).toBeGreaterThanOrEqual(36);
  });

  it('sizes a logging cluster’s node as logs, at the index size stated', () => {
    const node = a(
      'OpenSearch data node for our logging cluster: 200 GB/day on disk after indexing, 1 replica, 10 days, 4 data nodes, this request = spec for one.',
    );
    const bareGib = (gib(200e9) * 10 * 2) / 0.85 / 4;
    expect(bare(node.storageGib)).toBeCloseTo(ROOT_GIB + bareGib, -1);
  });

  it('is at least the machine it is asked to match', () => {
    const copy = a('Another Spark worker please, same spec as the existing workers: 32 vCPU / 256 GB each.');
    expect(copy.peak.vcpu).toBeGreaterThanOrEqual(32);
    expect(copy.peak.memoryGib).toBeGreaterThanOrEqual(256);
    expect(a('Spark worker, 32 vCPU / 256 GB each would be nice for a 10 GB nightly job.').peak.vcpu).toBeLessThan(32);
  });

  it('keeps the shuffle on a worker’s disk, not the input it streams from object storage', () => {
    const worker = a('Spark worker: reads 3 TB of Parquet from S3 each night; spark.local.dir reaches ~400 GB during the shuffle.');
    expect(bare(worker.storageGib)).toBeLessThan(ROOT_GIB + 400 * 2);
    expect(bare(worker.storageGib)).toBeGreaterThan(ROOT_GIB + 400);
  });
});

describe('what a request wants, and how people reach it', () => {
  it('is not the single sign-on people log in with', () => {
    expect(a('Bastion host for SSH into the private subnets, ~40 engineers, SSO + MFA enforced.').role).toBe('unknown');
    // An SSO server asked for is one.
    expect(kind('Keycloak SSO for our customer portal, 20k users')).toBe('web-application');
  });

  it('takes its role from the product it says it wants, not the warehouse or database it reads', () => {
    expect(
      kind('Finance wants Superset so analysts can chart the revenue tables in Redshift; its metadata DB can go on the shared Postgres.'),
    ).toBe('web-application');
    // Within a role the whole text still says which kind: nginx wanted for a static site is a static site.
    expect(kind('We just need nginx to serve the docs site: static HTML, 20k visits a month.')).toBe('static-site');
    // What dashboards query, named as there already, is not the workload either.
    expect(kind('Grafana server. Dashboards query Prometheus (existing, separate). 40 users via Okta.')).toBe('web-application');
  });
});

describe('what the tenth reviewer’s requests taught, third round', () => {
  it('reads memory a job swaps on as outgrown, the cue after the figure', () => {
    const job = a('Nightly LightGBM training on ~30 GB of features. It runs on a VM with 8 GB RAM and swaps constantly.');
    expect(job.quantities).toContainEqual(expect.objectContaining({ measure: 'memory outgrown', value: 8 }));
    expect(job.peak.memoryGib).toBeGreaterThan(30);
  });

  it('is a notebook server when JupyterHub is named, whatever lake its kernels read', () => {
    expect(kind('JupyterHub for 6 analysts working in pandas and DuckDB on Parquet from the data lake')).toBe('notebook');
  });

  it('reads Italian counts, sizes each and a few dozen', () => {
    const search = a(
      "Ci servirebbe un'istanza Typesense: circa 50.000 documenti da ~4 KB l'uno, qualche decina di ricerche al secondo nei momenti di punta.",
    );
    expect(search.kind).toBe('search-engine');
    expect(search.quantities).toContainEqual(expect.objectContaining({ measure: 'document count', value: 50000 }));
    expect(search.quantities).toContainEqual(expect.objectContaining({ measure: 'searches rate', value: 36 }));
    expect(search.peak.memoryGib).toBeLessThan(16);
  });

  it('gives a batch node the scratch it says it needs', () => {
    const node = a('Batch worker for nightly invoice rendering, 20k PDFs; needs ~150 GB scratch for the run before upload.');
    expect(node.storageGib).toBeGreaterThan(ROOT_GIB + 150);
  });

  it('keeps the call recordings a media server buffers, and none when nothing is recorded', () => {
    const pbx = a(
      'Asterisk for the help desk, up to 100 concurrent calls. Calls are recorded as 8 kHz WAV, kept locally for one working day, then shipped to S3.',
    );
    // 100 calls × 16 KB/s × 8 hours: 43 GiB.
    expect(pbx.storageGib).toBeGreaterThan(ROOT_GIB + (100 * 16_000 * 8 * 3600) / 2 ** 30);
    expect(a('Asterisk for the help desk, up to 100 concurrent calls. Nothing is recorded.').storageGib).toBeLessThan(40);
  });

  it('sizes a DAG scheduler whose tasks run elsewhere as the scheduler alone', () => {
    const airflow = a('Airflow for ~80 DAGs; every task runs as a KubernetesPodOperator, logs go to S3.');
    expect(airflow.storageGib).toBeLessThan(100);
    expect(airflow.questions.map((q) => q.id)).not.toContain('dataGib');
  });
});

describe('what the tenth reviewer’s requests taught, fourth round', () => {
  it('faces the internet when clients connect or upload over it, in English or Portuguese, and not when nobody does', () => {
    expect(a('Mosquitto broker; 8k sensors connect over the internet with TLS on 8883.').publicIngress).toBe(true);
    expect(a('SFTP drop for suppliers uploading files over SFTP from the internet, 5 GB a day, 30 days kept.').publicIngress).toBe(true);
    expect(a('Broker MQTT; os sensores se conectam pela internet via TLS.').publicIngress).toBe(true);
    expect(a('Mosquitto broker for the plant floor; nobody connects from the internet.').publicIngress).toBe(false);
  });

  it('sizes growth “within a year” for that year', () => {
    const graph = a('Neo4j, store of 100 GB today, we expect it to double within a year; the whole store should fit in page cache.');
    expect(graph.notes).toContainEqual(expect.stringMatching(/×2\.00 over 1 years?/));
  });
});

describe('what the tenth reviewer’s requests taught, fifth round', () => {
  it('reads “30 per second” as the rate of what was named just before', () => {
    const sso = a('Keycloak for the partner portal; logins peak maybe 30 per second on Monday mornings.');
    expect(sso.quantities).toContainEqual(expect.objectContaining({ measure: 'logins rate', value: 30 }));
  });

  it('sizes a node of a counted Elasticsearch or OpenSearch cluster as a production node', () => {
    const node = a('OpenSearch for the help-centre search: index ~5 GB, 100 qps, a 3-node cluster with 1 replica; spec for one node.');
    expect(node.peak.vcpu).toBeGreaterThanOrEqual(8);
    expect(node.peak.memoryGib).toBeGreaterThanOrEqual(32);
  });
});

describe('what the eleventh reviewer’s requests showed', () => {
  it('keeps what a job pushes and drops only where it goes', () => {
    expect(
      kind(
        'Dagster daemon and webserver; python assets pull CSV dumps into pandas and push parquet to S3. Run storage is on the managed Postgres.',
      ),
    ).toBe('etl-pipeline');
  });

  it('keeps weeks of call recordings at the average day’s calls, not the peak all day', () => {
    const pbx = a('Asterisk PBX, up to 120 concurrent calls at peak. All calls recorded as WAV, kept locally 90 days then archived.');
    const peakAllDay = (120 * 16_000 * 86400 * 90) / 2 ** 30;
    expect(pbx.storageGib).toBeLessThan(peakAllDay / 5);
    expect(pbx.storageGib).toBeGreaterThan(((120 / 3) * 16_000 * 8 * 3600 * 90) / 2 ** 30);
  });
});

describe('what the reviewers agree on across their sets', () => {
  it('sizes a one-machine engine by the data it works over: a quarter of it in memory, a core per 4 GiB', () => {
    const polars = a("We'd like a single big VM to run Polars over roughly 400 GB of Parquet for the pricing team's weekly models");
    // 373 GiB ÷ 4 is nearest the 128 GiB machine.
    expect(polars.peak.memoryGib).toBe(128);
    expect(polars.peak.vcpu).toBe(32);
    const duck = a('Ad-hoc analysis box: DuckDB and Superset over ~250 GB of exported ledgers, a handful of controllers');
    expect(duck.peak.memoryGib).toBe(64);
    expect(duck.peak.vcpu).toBe(16);
    // The biggest it asks for is 256 GiB: beyond that the engine spills.
    const spark = a('Spark in local mode on one machine, joins over 1.5 TB of clickstream once a week');
    expect(spark.peak).toMatchObject({ memoryGib: 256, vcpu: 64 });
  });

  it('leaves a one-machine engine room to spill as much as the data it works over', () => {
    const duck = a('DuckDB box for the pricing analysts: around 400 GB of parquet copied locally, heavy joins');
    const gibHeld = (400 * 1e9) / 2 ** 30;
    expect(duck.storageGib).toBeGreaterThan(ROOT_GIB + 2 * gibHeld);
  });

  it('leaves a Spark cluster and single-threaded pandas to their own models', () => {
    const cluster = a('Spark cluster of 6 worker nodes for the nightly aggregation of 3 TB of events');
    expect(cluster.peak.memoryGib).toBeLessThan(256);
    const pandas = a('nightly pandas script merging 40 GB of CSVs, writes parquet to S3');
    expect(pandas.peak.vcpu).toBeLessThanOrEqual(4);
  });

  it('counts SKUs, GPUs and menus as the plurals they are', () => {
    // 800k × 2 KB is under 2 GiB: held in memory twice, not the 20 GiB assumed when the count is not read.
    const search = a('Meilisearch for the marketplace: 800k SKUs at ~2 KB each, 150 searches/s');
    expect(search.peak.memoryGib).toBeLessThanOrEqual(8);
    expect(search.quantities.find((q) => q.measure === 'sku count')?.value).toBe(800_000);
  });

  it('keeps the free disk RabbitMQ wants beside its queues: 1.5× the node’s memory', () => {
    const queue = a('RabbitMQ for the billing events, about 300 messages a second, queues drain at once');
    expect(queue.storageGib).toBeGreaterThanOrEqual(ROOT_GIB + 1.5 * 8);
  });

  it('delivers a rate stated for each client to every connection', () => {
    const each = a('Centrifugo hub for the betting odds feed: 30k connected phones, each subscriber receives ~4 odds updates per second');
    const none = a('Centrifugo hub for the betting odds feed: 30k connected phones');
    // 120,000 messages a second at 20,000 a core, beside the connections' own 1.2 cores.
    expect(each.load.vcpu).toBeCloseTo(30_000 / 25_000 + 120_000 / 20_000, 1);
    expect(none.peak.vcpu).toBeLessThan(each.peak.vcpu);
  });

  it('reads users counted per machine as the machine’s own, and per match as a group', () => {
    const relay = a('Go websocket relay, target 150k concurrent connections PER NODE, each client sends one msg a minute');
    expect(relay.peak.vcpu).toBeGreaterThan(6);
    expect(relay.notes.join(' ')).not.toMatch(/concurrent connections not stated/);
  });

  it('gives a backup repository the cores its chunking and compression take, and an artifact store the memory of what it holds', () => {
    const restic = a('restic REST server as the backup repository for 25 Linux hosts, about 4 TB protected, 30 days kept');
    expect(restic.peak).toMatchObject({ vcpu: 4, memoryGib: 16 });
    // Between 1 and 10 TiB a node: 16 GiB (MinIO's hardware checklist).
    expect(a('Nexus Repository for Maven and npm, blob store around 3 TB').peak.memoryGib).toBe(16);
  });

  it('reads the product after the machine asked for as what runs on it', () => {
    expect(kind('Need a VM for ClickHouse for product analytics. ~20 analysts querying via Superset during work hours.')).toBe(
      'data-warehouse',
    );
    // What a store is for is still not the workload.
    expect(kind('a mysql for the internal wiki (bookstack)')).toBe('relational-database');
  });

  it('counts nothing in a product’s release year', () => {
    const sql = a('MSSQL 2019 Standard VM for finance reporting DB. 2 TB today');
    expect(sql.quantities.some((q) => q.value === 2019)).toBe(false);
    expect(a('Windows Server 2022 print server: 40 printers, ~250 staff').quantities.some((q) => q.value === 2022)).toBe(false);
  });

  it('keeps what is written for its retention, not what is read', () => {
    const nfs = a(
      'NFS server for the render farm: 8 TB of assets, 40 nodes read textures at about 1 GB/s aggregate, snapshots kept 30 days',
    );
    expect(nfs.storageGib).toBeLessThan(8 * 1024 * 2);
    // Cameras write what they record, every day of the retention.
    expect(a('Surveillance NVR: 40 cameras at 4 Mbps, keep 30 days').storageGib).toBeGreaterThan((40 * 0.5 * 86_400 * 30) / 2 ** 30);
  });

  it('caches what a render farm reads at once on the share that feeds it', () => {
    const farm = a('Shared NFS storage for the animation studio render farm, about 6 TB of scenes and textures');
    // 6 TB is 5.5 TiB: 44 GiB of cache is nearest the 32 GiB machine, with 8 cores.
    expect(farm.peak).toMatchObject({ memoryGib: 32, vcpu: 8 });
    // An office share for people is sized by its users, not as a farm's cache.
    expect(a('SMB share for the finance office, about 6 TB of spreadsheets, 30 people').peak.memoryGib).toBeLessThan(16);
  });

  it('gives a workload it does not know the disk of a small general-purpose box', () => {
    expect(a('a FlexLM licence server for the CAD seats').storageGib).toBe(ROOT_GIB + 10);
  });

  it('runs a JVM or .NET service in production on 4 cores and 8 GiB at least', () => {
    expect(a('Quarkus REST service on Java 21 for the warehouse scanners, about 20 requests a second').peak).toMatchObject({
      vcpu: 4,
      memoryGib: 8,
    });
    expect(a('ASP.NET Core 8 API for the dealer portal, roughly 30 req/s at peak').peak).toMatchObject({ vcpu: 4, memoryGib: 8 });
    // An interpreter's small service is not held to it.
    expect(a('Flask API for the dealer portal, roughly 30 req/s at peak').peak.vcpu).toBeLessThan(4);
  });

  it('buys cores in machine sizes as well, and leaves a cluster’s load as it is', () => {
    const kong = a('Kong API gateway, 2000 requests per second');
    expect(kong.load.vcpu).toBeCloseTo(2.86, 2);
    expect(kong.peak.vcpu).toBe(4);
    // 4.29 is within a fifth of 4.
    const small = a('Kong API gateway, 3000 requests per second');
    expect(small.load.vcpu).toBeCloseTo(4.29, 2);
    expect(small.peak.vcpu).toBe(4);
    // Past the largest machine the figure is a fleet's, not one machine's.
    expect(a('Go API behind a load balancer, 12k RPS at peak, stateless, 50 ms CPU per request').peak.vcpu).toBeCloseTo(857.14, 1);
  });

  it('buys memory in machine sizes: the size that holds it, or the one below within a fifth', () => {
    const orders = a('Postgres for the orders service, 420 GB of data, about 1,500 transactions a second');
    // A tenth of 391 GiB hot, and the engine's own: 41 GiB is bought as 64, as the 32 below holds only 78 % of it.
    expect(orders.load.memoryGib).toBeGreaterThan(40);
    expect(orders.peak.memoryGib).toBe(64);
    // 129.6 GiB needs no 256: the 128 below holds 99 % of it.
    expect(a('PostgreSQL 15 primary for our order system, 2 TB of data, about 3000 transactions per second').peak.memoryGib).toBe(128);
    // What the text states is what it asked for.
    expect(a('Postgres for the orders service, 420 GB of data, 48 GB RAM').peak.memoryGib).toBe(48);
  });

  it('reads a whole put "at" a size as the whole, not as each of what was counted', () => {
    const docs = a('Typesense for the docs portal search: ~50,000 articles, index estimated at 2 GB in RAM, 50 searches/s');
    expect(docs.quantities.some((q) => q.measure === 'item size')).toBe(false);
    expect(docs.storageGib).toBeLessThan(100);
    // "50k docs at 3 KB" is still each one's size.
    expect(a('Elasticsearch over 50k docs at 3 KB').quantities).toContainEqual(
      expect.objectContaining({ measure: 'item size', value: 3000 }),
    );
  });

  it('gives an application server 10 GiB of its own beside the OS', () => {
    expect(a('Django REST API for the field technicians app, about 40 requests per second at peak').storageGib).toBe(ROOT_GIB + 10);
  });
});
