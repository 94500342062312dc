import type { Role } from '../persona';

/** The kinds of workload the analyzer knows, each with its own capacity model (sizing.ts). */
export const WORKLOAD_KINDS = [
  'relational-database',
  'document-database',
  'wide-column-store',
  'time-series-database',
  'graph-database',
  'vector-database',
  'coordination-store',
  'feature-store',
  'cache',
  'message-broker',
  'search-engine',
  'data-warehouse',
  'etl-pipeline',
  'stream-processing',
  'notebook',
  'ci-builds',
  'rendering',
  'transcoding',
  'image-processing',
  'ml-batch',
  'background-jobs',
  'ml-inference',
  'game-server',
  'websocket-server',
  'static-site',
  'web-application',
  'file-drop',
  'object-storage',
  'file-share',
  'mail-server',
  'backup-target',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const ROLE_OF: Record<WorkloadKind, Role> = {
  'relational-database': 'database',
  'document-database': 'database',
  'wide-column-store': 'database',
  'time-series-database': 'database',
  'graph-database': 'database',
  'vector-database': 'database',
  'coordination-store': 'database',
  'feature-store': 'database',
  cache: 'cache',
  'message-broker': 'message-queue',
  'search-engine': 'search-engine',
  'data-warehouse': 'analytics',
  'etl-pipeline': 'analytics',
  'stream-processing': 'analytics',
  notebook: 'analytics',
  'ci-builds': 'batch-worker',
  rendering: 'batch-worker',
  transcoding: 'batch-worker',
  'image-processing': 'batch-worker',
  'ml-batch': 'batch-worker',
  'background-jobs': 'batch-worker',
  'ml-inference': 'web-server',
  'game-server': 'realtime-server',
  'websocket-server': 'realtime-server',
  'static-site': 'web-server',
  'web-application': 'web-server',
  'file-drop': 'file-store',
  'object-storage': 'file-store',
  'file-share': 'file-store',
  // Mailboxes are files a few protocols serve: sized as a file share of its mailboxes.
  'mail-server': 'file-store',
  'backup-target': 'file-store',
};

/** Games whose players send a move now and then, not a physics tick: sized as a WebSocket server's load (sizing.ts). */
export const CASUAL_GAME = /\b(trivia|quiz|turn-based|card games?|board games?|chess|poker|word games?|puzzle|casual|idle game|bingo)\b/;

/** Connection poolers in front of a database: a proxy's load, not the database's (sizing.ts). */
export const CONNECTION_POOLER = /\b(pgbouncer|pgpool(-ii)?|proxysql|odyssey|pgcat|rds proxy|connection pool(er|ing)?)\b/;

/** DNS resolvers and authoritative servers: tens of thousands of queries a core (sizing.ts). */
export const DNS_SERVER =
  /\b(unbound|bind9|isc bind|powerdns|pdns|coredns|dnsmasq|knot( resolver| dns)?|dns (resolvers?|servers?|cache|forwarders?)|(recursive|caching) resolvers?|resolvers)\b/;

/** WebRTC relays (TURN, SFUs): WebSocket-like servers whose load is the media they forward (sizing.ts's mediaRelay). */
export const MEDIA_RELAY =
  /\b(webrtc|turn server|stun server|coturn|sfu|janus|jitsi|mediasoup|livekit|freeswitch|asterisk|kamailio|opensips|sip (trunks?|server|proxy)|voip|ivr|pbx|call cent(er|re)|concurrent calls|video calls?|voice calls?|(telemedicine|telehealth) (video|calls?|consultations?|visits?)|video (conferenc\w*|consultations?|visits?|meetings?) (platform|service|app)|video conferencing)\b/;

/**
 * Evidence for each kind: a product name weighs most (3–4), the name of the
 * kind ("time-series", "message queue") next, hints ("players", "metrics")
 * least. Scores add up over distinct matches, so "a small warehouse: Postgres
 * + dbt" is a warehouse (warehouse + dbt) rather than a PostgreSQL database.
 */
const EVIDENCE: Record<WorkloadKind, [RegExp, number][]> = {
  'relational-database': [
    [
      // "pg16", "mysql8", "postgres15": a version glued to the name still names the engine.
      /\b(postgres(ql)?|postgress|psql|pg|mysql|mariadb|percona|sql server|mssql|oracle|aurora|cockroach(db)?|postgis|yugabyte(db)?|tidb|db2|rds)(\d{1,2}(\.\d)?)?\b/,
      3,
    ],
    [/\b(relational|rdbms|oltp|sql (database|db))\b/, 2],
    // Asked for by name: "a small relational database for our HR tool" is the database, not the tool.
    [/\b(relational|sql|transactional) (database|db)\b/, 2],
    // SQLite lives inside an application: the application ("django, sqlite") is the workload unless nothing else is named.
    [/\bsqlite\d?\b/, 2],
    // A database that names no engine is taken as relational, the usual default.
    [/\b(db|database)\b/, 2],
    [/\b(ledger|trade ledger|general ledger|accounting ledger)\b/, 2],
  ],
  'document-database': [
    [/\b(mongo(db)?|couchbase|couchdb|documentdb|ravendb|firestore|cosmos ?db|dynamodb|arangodb|rethinkdb)\b/, 3],
    [/\bdocument (db|database|store)\b/, 2.5],
    // An event store keeps streams of events as documents: sized as one.
    [/\b(eventstore(db)?|event store|marten|axon server)\b/, 3],
  ],
  'graph-database': [
    [/\b(neo4j|janusgraph|neptune|memgraph|dgraph|tigergraph|nebula ?graph|orientdb|cypher|gremlin)\b/, 3.5],
    [/\b(graph (db|database|store)|property graph|knowledge graph)\b/, 3],
    [/\b(relationships|edges|vertices|traversals?)\b/, 1],
  ],
  'vector-database': [
    [/\b(qdrant|weaviate|milvus|pinecone|pgvector|chroma(db)?|lancedb|faiss|vector (db|database|store|search|index)|hnsw)\b/, 4],
    [/\b(embeddings?|vectors?|semantic search|similarity search|nearest neighbou?rs?)\b/, 1.5],
  ],
  'coordination-store': [
    // Consensus stores other systems keep their state in: small, but on their own fast disks.
    [/\b(etcd|zookeeper|zk ensemble|consul|chubby)\b/, 4],
    [/\b(ensemble|quorum|leader election|control plane)\b/, 1],
  ],
  'wide-column-store': [
    [/\b(cassandra|scylla(db)?|hbase|bigtable|alternator|keyspaces|accumulo)\b/, 3],
    [/\bwide[- ]column\b/, 3],
  ],
  'time-series-database': [
    [
      /\b(prometheus|influx(db)?|timescale(db)?|victoriametrics|graphite|whisper|questdb|tsdb|mimir|thanos|opentsdb|cortex|node_exporter)\b/,
      3,
    ],
    // "Cassandra … mostly time-series writes": how another store is used, not a time-series database.
    [/\btime[- ]?series\b(?! (writes|reads|inserts|queries|access|workload|pattern)s?\b)/, 3],
    // Scraping as Prometheus does it, not a scraper fetching web pages.
    [
      /\b(metrics (store|backend|database)|scrap(e|ing|ed)(?! (html|pages?|products?|prices?|sites?|websites?|competitors?))|active series)\b(?!\s*(html|pages?))/,
      2,
    ],
    [/\b(metrics|sensors?|ticks|meter readings|telemetry)\b/, 1],
  ],
  'feature-store': [
    [/\b(feature store|feast|tecton|feature serving|online features?)\b/, 4],
    [/\b(feature table|features? for (fraud|recommendation|ranking|scoring))\b/, 2],
  ],
  cache: [
    [/\b(redis|memcached?|valkey|hazelcast|infinispan|ehcache|keydb|dragonfly(db)?|varnish|aerospike)\b/, 3],
    [/\b(cache|caching|cached|in-memory data grid|session store|leaderboards?|rate[- ]limit(ing|er)?)\b/, 2.5],
    // Held in memory so something else is asked less: "something in-memory … so the API stops hammering the database".
    [
      /\b(something|somewhere|a place|a store) in[- ]memory\b|\bin[- ]memory (store|key[- ]value|kv|copy|lookup)\b|\bstops? hammering\b|\boffload(s|ing)? (the )?(reads|database|db)\b/,
      3,
    ],
  ],
  'message-broker': [
    [
      /\b(kafka|rabbitmq|nats|jetstream|pulsar|redpanda|activemq|amazon mq|artemis|sqs|elasticmq|kinesis|mqtt|emqx|mosquitto|zeromq|nsq|event ?hubs?|pub\/?sub)\b/,
      3,
    ],
    [/\b(message (queue|bus|broker)|event (bus|stream|streaming)|broker|queue)\b/, 2],
    // A queue that must not lose what it holds between two systems: "a durable queue between checkout and fulfilment".
    [/\b(durable|persistent|reliable) queues?\b|\bqueue between\b/, 2.5],
    [/\b(messages|msgs|topic|consumers)\b/, 1],
  ],
  'search-engine': [
    [/\b(elasticsearch|elastic|opensearch|solr|meilisearch|typesense|lucene|kibana|siem|sphinx|vespa|manticore)\b/, 3],
    // Log stores that index labels, not text: sized in the same model with their compression.
    [/\b(loki|graylog|quickwit|splunk)\b/, 4],
    // "Elasticsearch data node for semantic search … dense_vector (HNSW) plus text for BM25": vectors in a search engine.
    [/\b(dense_vector|knn_vector|bm25|hybrid search)\b/, 4],
    // "Vespa content node … 256-dim embeddings with HNSW": a search engine named with its vectors.
    [/\b(vespa|elasticsearch|opensearch|solr)\b[^]{0,200}?\b(hnsw|embeddings?|vectors?|knn)\b/, 3],
    [
      /\b(full[- ]text search|search engine|site search|search box|autocomplete|auto-complete|search-as-you-type|as-you-type|type-?ahead)\b/,
      4,
    ],
    [/\bsearch(es)?\b/, 1.5],
  ],
  'data-warehouse': [
    [/\b(clickhouse|snowflake|redshift|bigquery|greenplum|druid|pinot|trino|presto|duckdb|vertica|starrocks|synapse|teradata)\b/, 3],
    // Not the building goods are shipped from: "when the warehouse system is down", "fulfilment warehouse".
    [
      /\b(data ?warehouse|(?<!(?:fulfil?ment|logistics|distribution|physical) )warehouse(?! (system|management|staff|workers|team|outage|downtime|robots?|scanners?|floor|is down))|data mart|olap|lakehouse|data lake|dbt|hive tables?|offline feature store|bi team|\bbi\b)\b/,
      3,
    ],
    [/\breporting (db|database|store|server)\b/, 3.5],
    [/\b(analytics|analysts?|dashboards?|reporting|ad-hoc sql|columnar)\b/, 1],
  ],
  'etl-pipeline': [
    [/\b(etl|elt|airflow|dagster|prefect|spark|hadoop|mapreduce|parquet|ingestion)\b/, 3],
    // What orchestrates DAGs is the workload, not the warehouse its tasks call.
    [/\b(dags?|orchestrat\w*|workflow scheduler)\b/, 2],
    // Connectors move data between stores and keep none of it: a pipeline, not the broker they run beside.
    [/\b(kafka connect|connect workers|fivetran|airbyte|meltano)\b/, 4],
    [/\b(debezium|connectors?|cdc|change data capture)\b/, 2],
    [/\b(nightly (load|job|batch)|data pipeline|batch (jobs?|processing|pipeline)|processing batch)\b/, 2],
    // Reporting runs named by what they do: "crunches yesterday's sales every night and emails a summary".
    [/\b(crunch\w*|summari[sz]\w*)\b[^.]{0,40}\b(sales|orders|revenue|figures|numbers|data|transactions|usage)\b/, 2.5],
    [/\b(feature|ml|data|etl|batch|ingestion) pipelines?\b|\bexports? \d+ rows\b/, 2.5],
  ],
  'stream-processing': [
    [/\b(flink|spark streaming|structured streaming|kafka streams|beam|storm|samza|sessioni[sz]ation)\b/, 4],
    // "our Kafka consumers process 30k events/s": the consumers are the workload, not the broker they read.
    [/\b(kafka|topic|queue|stream|event) consumers?\b|\bconsumers? (that |which )?(process|aggregate|transform)\w*\b/, 4.5],
  ],
  notebook: [
    [/\b(jupyter(hub|lab)?|notebooks?|pandas|data scientists?|polars|rstudio)\b/, 3],
    // A notebook server by name is the workload, whatever lake or engine its kernels read.
    [/\b(jupyterhub|jupyterlab|jupyter server|rstudio server|posit workbench)\b/, 4],
  ],
  'ci-builds': [
    [
      /\b(ci|jenkins|gitlab runners?|github actions|buildkite|build farm|build (node|agent|server)s?|runners?|teamcity|circleci|drone)\b/,
      4,
    ],
    [/\b(builds?|compil(e|ing|ation)|gradle|bazel|rustc|maven|integration tests)\b/, 2],
  ],
  rendering: [
    [
      /\b(blender|render ?farm|render (nodes?|jobs?|queue)|rendering frames|3d render\w*|cinema ?4d|houdini|v-?ray|redshift render\w*)\b/,
      3.5,
    ],
    [/\bframes?\b/, 1],
  ],
  transcoding: [
    [/\b(transcod\w*|ffmpeg|x26[45]|hls|dash packaging|renditions?)\b/, 3],
    [/\b(video|footage|encod(e|ing)|render(ing)?|h\.?26[45]|mpeg-?\d|podcast|audio)\b/, 1.5],
  ],
  'image-processing': [
    [
      /\b(thumbnail(er|ers|ing)|thumbnails? (generation|generator|service|workers?|jobs?)|thumbnail (?=[\d~]|(all|every|each|the|our|new|uploaded|scanned) )|(generat\w*|creat\w*|mak\w*|produc\w*|render\w*) (\w+ )?thumbnails|image resiz\w*|resiz(e|ing) images|imagemagick|libvips|opencv|image[- ]processing|ocr(?!'?d\b|-?ed\b)|tesseract|scanned (invoices|documents|pages|forms))\b/,
      4,
    ],
    // The work of resizing, not images already resized ("mostly HTML + resized images" is what a cache holds).
    [
      /\b(resiz(e|es|ing)|crop(s|ping)?|watermark(s|ing)?|compress(es|ing)?|convert(s|ing)?)\b[^.]{0,40}\b(photos?|images?|pictures?|jpe?gs?|pngs?|webp)\b/,
      4,
    ],
  ],
  'background-jobs': [
    [/\b(sidekiq|celery|resque|delayed_job|bullmq|hangfire|faktory|oban|rq workers?)\b/, 3.5],
    [/\b(background (jobs?|workers?|tasks?)|job workers?|task workers?|worker pool|job queue)\b/, 1.5],
    // Documents made in batches: "nightly PDF report generation", "generate 50k invoices".
    [/\b((pdf|report|invoice|statement|document) (generation|rendering)|generat\w* (pdfs?|reports|invoices|statements))\b/, 3],
    // "a monthly job that renders account statements as PDFs", "job de génération des relevés … en PDF".
    [
      /\b(render(s|ing)?|genera\w*|gerar|produc(es|ing)|produit|produce|produz\w*|génération|generación|generazione)\b(?:\s+[\p{L}'-]+){0,4}?\s+(pdfs?|statements|invoices|reports|relevés|facturas|fatture)\b/u,
      3,
    ],
    // "dbt Core on a schedule against Snowflake": the warehouse does the work; this machine only compiles and submits.
    // It outweighs the warehouse and the dbt it names (3 each, twice at most).
    [/\b(dbt|airflow|dagster|prefect)\b[^.]{0,60}\b(against|on|in|into|to) (snowflake|bigquery|redshift|databricks|synapse)\b/, 8],
    // "a small VM to run cron jobs and a few python scripts": scheduled work, sized as background jobs.
    [/\b(cron( ?jobs?)?|crontab|scheduled (jobs|tasks|scripts)|(python|bash|shell) scripts|scripts)\b/, 2.5],
    // Crawlers fetch on a schedule and keep what they fetched elsewhere: "crawls 2 million pages every night".
    [/\b(crawl(s|er|ers|ing)?|spiders?|(web |page |price )?scrap(er|ers)|web scraping|headless (browsers?|chrome|chromium))\b/, 3],
    [/\b(month-end|end-of-month|scheduled) (jobs?|scripts?|tasks?|runs?)\b|\bjob that\b/, 2.5],
  ],
  'ml-batch': [
    [/\b(ml|model) training\b|\btraining (jobs?|runs?)\b|\bbatch ml\b/, 3],
    // "batch inference of Whisper over a day's audio": a model run over what piled up, not one answering requests.
    [/\b(batch inference|batch transcription|offline inference|inference (in|by) batch(es)?)\b/, 5],
    // "re-embed 20M product descriptions with a sentence-transformers model": a model run over a corpus.
    [/\b(re-?embed\w*|embed(ding)? (all|every|the whole|\d+\w*)|backfill\w* embeddings|sentence-transformers)\b/, 4],
    // Training a model, large or small, is a batch job whatever it serves later: "fine-tuning a 7B LLM with LoRA".
    [/\b(fine-?tun\w*|lora|qlora|pre-?train\w*)\b/, 4.5],
    // "Weekly recommendation job (implicit ALS)": a model fitted or scored on a schedule, whatever it later serves.
    [
      /\b((recommendation|recommender|churn|propensity|ranking|scoring|attribution|forecast(ing)?) (model )?(job|run|batch|retrain\w*|training)|retrain\w*|implicit als|alternating least squares|matrix factori[sz]ation|collaborative filtering)\b/,
      4,
    ],
    // "a machine learning thing that predicts churn from our customer table": scoring a table, in batches.
    [
      /\b(machine learning|ml (model|job|pipeline))\b[^.]{0,60}\bpredicts?\b|\bpredicts? \w+ from (our |the )?\w+ (table|data|records)\b/,
      3,
    ],
    [
      /\b(batch scoring|batch inference|xgboost|lightgbm|catboost|gradient[- ]boost\w*|random forests?|train(ing)? (a |the )?(small |large )?(pytorch|tensorflow|ml )?models?|pytorch|tensorflow|scikit-learn|sklearn)\b/,
      3,
    ],
  ],
  'ml-inference': [
    [/\b(model serving|inference|classifier|onnx|distilbert|bert|llm|embedding(s)? (api|service)|predictions? api)\b/, 4],
    // A model that answers requests, by what it predicts: "a sentiment model behind a REST endpoint, 30 predictions per second".
    [
      /\b((sentiment|recommendation|fraud|churn|scoring|vision|nlp|ml|machine learning) (models?|endpoints?|services?|apis?)|models? (behind|served|serving)|predictions? (per|a|an|each) (second|minute|hour|day|sec|s)\b)/,
      3,
    ],
  ],
  'game-server': [
    [
      /\b(minecraft|valheim|factorio|counter[- ]?strike|cs2|terraria|rust server|ark server|battle royale|shooter|mmo|dedicated (game |match )?servers?|game servers?|match servers?|one process per match|(unity|unreal) dedicated)\b/,
      4,
    ],
    [/\b(game|gaming|multiplayer|co-op|survival game)\b/, 1.5],
    [CASUAL_GAME, 2],
    [/\b(players|slots)\b/, 1],
  ],
  'websocket-server': [
    [
      /\b(u?websockets?(\.js)?|ws-gateway|web sockets?|socket\.io|phoenix channels|signalr|sse|server-sent events|xmpp|ejabberd|yjs|centrifugo|pusher)\b/,
      3.5,
    ],
    [MEDIA_RELAY, 3.5],
    [/\b(icecast|shoutcast|internet radio|radio station|streaming radio|audio streams?|podcast stream|listeners)\b/, 3],
    [/\b(video streaming|streaming origin|live stream(ing)?|vod origin|hls origin|concurrent viewers|viewers)\b/, 3],
    [
      /\b(real[- ]time|chat|push notifications?|live (scores|bidding|updates|auction)|presence|collaborative editing|multiplayer (document )?editing|crdts?|matchmaking|lobby|(persistent|concurrent|open) connections)\b/,
      2,
    ],
  ],
  'static-site': [
    [
      /\b(static( site| website| pages?)?|hugo|jekyll|gatsby|eleventy|spa bundle|react spa|landing page|marketing (site|website)|docs site|asset origin|cdn origin)\b/,
      3,
    ],
    // A blog is static unless it runs on a CMS (WordPress weighs more as a web application).
    [/\bblog\b/, 1.5],
  ],
  'web-application': [
    // Self-hosted applications people name by product.
    [
      /\b(mastodon|discourse|gitea|mattermost|matrix|synapse|rocket\.chat|wiki\.js|ghost|n8n|grafana|sentry|vault|superset|matomo|piwik|plausible|umami|home assistant|openhab|node-red|tableau|power bi report server|looker|qlik|metabase|odoo|moodle|bookstack|dokuwiki|mediawiki|outline|hedgedoc|redmine|jira|nocodb|baserow)\b/,
      3,
    ],
    // Code forges, connection poolers and DNS servers answer requests: sized as web applications (sizing.ts).
    [/\b(gitlab|forgejo|gerrit|bitbucket|gogs)\b/, 3.5],
    [CONNECTION_POOLER, 4],
    [DNS_SERVER, 4],
    [
      /\b(django|rails|laravel|spring( boot)?|next\.?js|nuxt|remix|sveltekit|server-side render\w*|ssr|fastapi|flask|(?<!server )express|node\.js|graphql|php|woocommerce|magento|shopify|keycloak|sso|kong|api gateway|envoy|puma|confluence|wiki|cms|nginx|haproxy|traefik|reverse proxy|load balancer)\b/,
      2.5,
    ],
    [/\b(wordpress|drupal|ghost|joomla)\b/, 3],
    [/\b(monolith|grpc (gateway|service|api)|grpc)\b/, 2.5],
    [/\b(web|app|application|frontend|front-end) tier\b/, 3],
    // Pages rendered on the server per request are an application, however much of the site is marketing.
    [/\b(ssr|server-side render\w*|isr)\b/, 3],
    [/\b(discord|slack|telegram|chat) ?bot\b|\bbot\b/, 2],
    [
      /\b(web ?app|website|rest api|json api|api|microservice|backend|portal|intranet|extranet|storefront|e-?commerce|shop|dashboard|admin (tool|panel|dashboard)|booking site|app server)\b/,
      2,
    ],
    // A site where people do something (order, book, register, pay) runs code behind it: "our online ordering site".
    [
      /\b((ordering|booking|reservation|order|ticketing|donation|sign-?up|registration|payment) (site|website|page|portal|form)s?|online (ordering|orders|store|shop|booking|payments?))\b/,
      2,
    ],
    [/\b(site|app|requests|login)\b/, 0.5],
    // "an app for ordering with 5k users/day": an app named with its users is an application.
    [/\b(an?|our|the|mobile|web|ios|android) apps?\b[^.]{0,60}\b\d+ (daily |monthly |active )?users\b/, 2],
    // Line-of-business systems named by what they hold: "an HR system", "electronic health records service", "case management app".
    [
      /\b((hr|crm|erp|ehr|emr|billing|booking|ticketing|helpdesk|inventory|payroll|case management|records|patient|student)( information| management| records)? (system|service|app|application|platform|portal|tool)|crm|erp|ehr|emr|helpdesk)\b/,
      2,
    ],
    [/\b(payments?|checkout|billing|orders?|pricing|notifications?|search|auth|identity) (micro)?(service|api)\b/, 2],
    // "a card tokenization service at 2000 TPS": a service answering requests, named by what it does.
    [/\b(service|endpoint)\b[^.]{0,60}\b(tps|rps|qps|req(uests)?\/s|(requests|transactions|calls) (per|a) second)\b/, 2],
  ],
  'file-drop': [
    [/\b(s?ftp|ftps|file drop|drop ?box|upload portal|file transfer|secure transfer|mft)\b/, 4],
    [/\b(drop|upload)\w*\b[^.]{0,40}\bfiles?\b/, 2.5],
  ],
  'object-storage': [
    [/\b(minio|object stor(e|age)|s3-compatible|ceph|swift|seaweedfs)\b/, 4],
    // Blobs served by key: build caches, artifact repositories and image registries.
    [
      /\b(remote cache|build cache|bazel-remote|sccache|artifactory|nexus( repository)?|artifact (store|repository|cache)|(container|docker|image) registry|harbor|verdaccio|devpi|(package|npm|pypi|apt|maven|docker)[\w/]* (mirrors?|registry|registries|prox(y|ies))|\w+ mirror)\b/,
      4.5,
    ],
    // Kept, not served: archives on write-once storage.
    // Not where something else sends its output: "uploaded to the archive bucket", "avant l'envoi vers l'archivage".
    [
      /\b(worm|write[- ]once|immutable (storage|archive|logs|backups)|(?<!\b(?:(?:to|into|towards) (?:the |an |our )?|vers l'|vers (?:le |la )?))archiv(?!elog|ed (?:\w+ )?(?:tables|partitions|rows|schemas?)\b)\w*|cold storage|glacier|legal hold)\b/,
      3,
    ],
    // Asked for as a place for files: "somewhere to keep the scanned invoices", "a place for product images" (what they are is what it holds).
    [
      /\b((a |the )?place (for|to (keep|store|put|land))|somewhere to (keep|store|put)|storage for) (all )?(the |our )?([\w-]+ ){0,2}(images|photos|pictures|files|documents|scans|invoices|receipts|contracts|statements|notes|forms|letters|reports|pdfs|videos|media|assets|recordings|attachments|uploads|objects|blobs)\b/,
      4.5,
    ],
  ],
  'file-share': [
    // Recorded video kept for a while on a recorder's disks.
    [
      /\b(cctv|nvr|security cameras?|surveillance (cameras?|footage|video|system)|video surveillance|ip cameras?|camera (footage|recordings?)|dashcam footage|bodycam footage)\b/,
      4,
    ],
    [
      /\b(nfs(v?\d(\.\d)?)?|smb\d?|samba|cifs|file server|file share|nextcloud|owncloud|nas|shared drive|plex|jellyfin|emby|media server)\b/,
      4,
    ],
    // "NFSv4.1 server for the render farm": the server is the workload, its many clients are not.
    [/\b(nfs(v?\d(\.\d)?)?|smb\d?|samba|cifs) servers?\b/, 3],
    // "storage for ML training data, read at 2 GB/s": files many machines read.
    [/\b(storage for|shared storage|dataset storage|training data(sets?)?|scratch space)\b/, 2.5],
  ],
  'mail-server': [
    [/\b(postfix|dovecot|exim|sendmail|zimbra|mailcow|mail ?server|imap server|e-?mail server|mailboxes)\b/, 4],
    [/\b(imap|smtp|mailbox)\b/, 1.5],
  ],
  'backup-target': [
    [
      /\b(backup target|backup (server|repository|storage|landing zone|landing|vault)|backups? landing|backups? of|(nightly|daily|weekly) (full |incremental )?(backups|dumps)|full backups|veeam|restic|borg|mysqldump|pg_dump(all)?|pgbackrest|barman|wal-g|mongodump|xtrabackup)\b/,
      4,
    ],
    [/\b(weekly fulls?|full and incremental|incrementals|incremental backups?|differential backups?)\b/, 3],
    [/\bbackups?\b/, 1.5],
  ],
};

export interface Recognition {
  kind: WorkloadKind | 'unknown';
  /** 0..1: how clearly the text names one kind over the others. */
  confidence: number;
  /** The words that decided it, for the notes and the CLI. */
  evidence: string[];
  /** Runner-up kinds with their scores, best first. */
  alternatives: { kind: WorkloadKind; score: number }[];
}

/** Below this score nothing in the text names a kind: the analyzer says it does not know. */
const MIN_SCORE = 2;

/**
 * "How big does the memcached box need to be?", "please size the Kafka node": the
 * question names the workload, whatever else the text describes (the database it
 * fronts, the system it feeds).
 */
const ASKED_FOR =
  /\b(?:how (?:big|large|much \w+) (?:does|do|should|would|will|must) (?:the |our |this |that |a |an |each |one )?|(?:please )?(?:size|spec|sizing for|size for) (?:the |one |a |an |each |this |our )(?:new )?)((?:[\w.-]+ ){0,2}?[\w.-]+) (?:box|server|node|tier|instance|vm|machine|host)s?\b/;

/**
 * "Finance wants Metabase so they can …", "we need a Postgres replica for …": the product a request first says it
 * wants, up to the word that starts what it is for, names the workload over what the text says it reads or feeds.
 */
const WANTED =
  /\b(?:wants?|needs?|would like|requesting|request) (?:(?:a|an|the|one|new|dedicated|self-hosted|our own|own|single) )*((?:(?!(?:for|to|in|on|with|so|that|which|and|because|from|of|as|at|behind|we|it)\b)[\w.-]+ ?){1,3})/;

/**
 * What the description is, from the words that name products and kinds. A
 * product that is only mentioned as something else's neighbour ("Memcached in
 * front of MySQL", "CDC from Postgres", "a Flink job reading a Kafka topic",
 * "Timescale? no — PostgreSQL") does not
 * count for its kind.
 */
export function recogniseKind(normalisedText: string): Recognition {
  const text = normalisedText
    // A database's own page or buffer cache is its memory, not a cache to run ("the whole store fits in page cache").
    .replace(/\b(page|buffer|os|block|filesystem|query|plan|\.next|isr|asset) cache\b/g, 'memory')
    // "ISR-cached pages": how a web framework serves its pages, not a cache to run.
    .replace(/\b[\w.]+-cached\b/g, ' ')
    .replace(/\b[\w.-]+\?\s*no\b/g, ' ')
    // "Airflow with the Celery executor", "Metabase pointed at the warehouse": how it runs and what it reads are not the workload.
    .replace(/\b(with )?(the |a )?[\w.-]+ executor\b/g, ' ')
    .replace(
      /\b(pointed at|connected to|on top of|sitting on|(pushed|sent|handed|delegated|offloaded)( down)? to) (an? |the |our )?[\w.-]+( (warehouse|database|db|cluster|lake|instance|server))?/g,
      ' ',
    )
    // "parses and pushes items to our Kafka topic": where a job's output goes is not the workload.
    // What is pushed stays ("push parquet to S3": Parquet is still what the job handles).
    .replace(
      /\b(?:push(?:es|ed|ing)?|publish(?:es|ed|ing)?|produc(?:es|ed|ing)|emit(?:s|ted|ting)?) ((?:\w+ ){0,3}?)(?:to|into|onto) (?:an? |the |our )?[\w.-]+/g,
      (_, pushed: string) => ` ${pushed}`,
    )
    // "Postgres is separate", "the existing RDS Postgres (~500 GB, not part of this ask)": what is not asked for.
    .replace(
      /\b([\w.-]+ ){0,2}[\w.-]+ (is|are|stays|remains|lives|runs) (separate(ly)?|elsewhere|out of scope|not part of this (ask|request|ticket))\b/g,
      ' ',
    )
    .replace(/\b([\w.-]+ ){0,2}[\w.-]+ \([^)]{0,60}\b(not part of this (ask|request|ticket)|out of scope|not in scope)\b[^)]{0,40}\)/g, ' ')
    // "CockroachDB (already provisioned, separate)", "Prometheus (existing, separate)": a system named as there already.
    .replace(/\b[\w.-]+ \((existing|already (exists|provisioned|running|there)|separate)\b[^)]{0,60}\)/g, ' ')
    // "its app DB can go on the shared Postgres", "the heavy lifting happens in Snowflake": stores and engines elsewhere.
    .replace(
      /\b((its|their|[\w.-]+'s) (own )?(app |application |metadata )?(db|database|data ?store) )?(is|are|can go|goes|will go|will live|lives|sits|runs|will run) (on|in) (the |our |a )?(shared|existing|managed|central|company) [\w.-]+/g,
      ' ',
    )
    .replace(/\b(heavy lifting|queries|compute|processing) (happens|happen|runs|run|is done) (in|on) (the |our )?[\w.-]+/g, ' ')
    // "Its database is the shared MySQL cluster": the store an application uses, named as its database.
    .replace(
      /\b(its|their|the app'?s|the) (database|db|data ?store|backend store) (is|are|will be|lives|sits|runs)( in| on)? (an? |the |our )?(shared |existing |managed |central |separate |company )?[\w.-]+/g,
      ' ',
    )
    // "SSO + MFA enforced", "internal via SSO": how people log in to it is not what it is (a Keycloak or an SSO server
    // named as the workload still is).
    .replace(
      /\b(via|behind|through|using|with) (sso|single sign-on|okta|azure ad|entra id)\b|\b(sso|mfa|2fa)( (\+|and|&) (sso|mfa|2fa))? (enforced|required|mandatory|only)\b/g,
      ' ',
    )
    // "a Rails monolith, Sidekiq on the side": what runs beside it is not the workload.
    .replace(/\b[\w.-]+ (on the side|alongside( it)?|as a sidecar|next to it)\b/g, ' ')
    // "a ZooKeeper ensemble used by our SolrCloud and a legacy Kafka cluster": who uses it is not the workload.
    .replace(
      /\b(used|relied on|shared|needed) by (an? |the |our )?([\w.-]+ ){0,3}?[\w.-]+( (and|&) (an? |the |our )?([\w.-]+ ){0,3}[\w.-]+)?/g,
      ' ',
    )
    // "a ZooKeeper ensemble for our Kafka": the system it serves is not the workload.
    .replace(/\bfor (our|the|a|an) (kafka|kubernetes|k8s|hadoop|hbase|clickhouse|solr|pulsar|render ?farm|build farm)( clusters?)?\b/g, ' ')
    // "app + its MariaDB on the same box", "with their own Redis": what an application brings along is not the workload.
    .replace(/(\+|\b(and|with|plus)) (its|their) (own )?[\w.-]+( (database|db|instance|server))?/g, ' ')
    // "fan-out via Redis pub/sub": how messages get to the other nodes, not what this node is.
    .replace(
      /\b(fan[- ]?outs?|fans out|fan[- ]?in|broadcasts?|broadcasting|relayed|synced) (via|through|over|using) (an? |the |our )?[\w.-]+( pub\/?sub)?/g,
      ' ',
    )
    // "leggendo da una coda RabbitMQ", "leyendo de una cola SQS": what a worker reads from, in Romance languages.
    .replace(
      /\b(leggendo|legge|leyendo|lee|lendo|lê|consumando|consumiendo|consumindo|lisant|lit|consommant|consomme)\s+(da|de|dalla|della|desde|depuis|du|des|de la|do|da)\s+(una |un |uma |um |la |le |el |a |o |il |l')?((coda|cola|fila|file|queue|topic|tópico|database|db|base de datos|banco de dados|base de données|base dati) )?[\w.-]+/gu,
      ' ',
    )
    // "GitLab with CI runners separate": what runs elsewhere is not the workload.
    .replace(
      /\b(ci )?(runners?|build agents?|agents?|workers?) (are |run |kept |live )?(separate(ly)?|elsewhere|not included|excluded|out of scope)\b/g,
      ' ',
    )
    // "we keep 7 daily backups on a separate box": what is kept elsewhere is not the workload.
    .replace(
      /\b(\d+ )?((daily|nightly|weekly) )?backups? (are |is )?(kept |stored |live |go )?(on|to) (a |an )?(separate|another|different|other|remote) (box|server|machine|host|vm|site)\b/g,
      ' ',
    )
    // "a nightly mysqldump to object storage": where the output goes is not the workload.
    .replace(/\b(to|into|onto) (an? |the |our )?(s3|object storage|minio|glacier|blob storage|gcs|tape)\b/g, ' ')
    .replace(/\b(not|no|instead of|rather than|without|replacement for|replacing|migrat\w+ (off|away from)) (an? |the |our )?[\w.-]+/g, ' ')
    // "MySQL is going to managed RDS so this is just the web tier": a store run elsewhere is not the workload.
    .replace(
      /\b[\w.-]+ (is going|goes|moves|is moving|lives|is|will be|runs|stays) (to|on|in) (a |the )?(managed |amazon |aws )*(rds|aurora|cloud sql|azure sql|atlas|elasticache|memorystore|dynamodb)\b/g,
      ' ',
    )
    // "~150 devs + CI hitting it": who uses a service is not what it is.
    .replace(
      /\b(ci|jenkins|builds?|pipelines?|runners?)( jobs| pipelines)? (hitting|hit|pull\w*|push\w*|fetch\w*|download\w*) (it|from it)\b/g,
      ' ',
    )
    // "Render farm needs a shared NFS server": the farm is the server's client.
    .replace(/\b(render|build|compute|gpu|hpc) farm (needs|wants|requires|asks for)\b/g, ' ')
    // "~20 analysts hitting Grafana/Metabase dashboards": the dashboards read the store; they are not the workload.
    .replace(
      /\b(hitting|hit|using|uses|via|through|from|with|querying|queried by|read by) (the |our )?(grafana|metabase|superset|tableau|looker|redash|power bi)([/,+ ]+(and |or )?(grafana|metabase|superset|tableau|looker|redash|power bi))* (dashboards?|charts?|reports?)\b|\b(dashboards?|charts?|reports?) (in|on|via|through|with|using) (grafana|metabase|superset|tableau|looker|redash|power bi)\b/g,
      ' ',
    )
    // "~400 client connections via pgbouncer": how clients reach it is not the workload.
    .replace(/\b(via|through|behind) (an? |the |our )?(pgbouncer|pgpool(-ii)?|proxysql|odyssey|pgcat)\b/g, ' ')
    // "memcached in front of the product catalog MySQL": what it fronts, named in up to three words.
    .replace(/\b(in front of|fronting) (an? |the |our )?([\w.-]+ ){0,2}[\w.-]+/g, ' ')
    // "a job that dumps our 3 Postgres databases": what a job copies is its input, not the workload.
    .replace(
      /\b(dumps|backs up|exports|snapshots|copies|compresses) (an? |the |our |all )?(\d+ )?[\w.-]+ (databases?|dbs?|clusters?|servers?)\b/g,
      ' ',
    )
    .replace(
      /\b(in front of|from|out of|behind a cdn,?|fronting|reading( from)?|reads( from)?|query|queries|querying|(consuming|consumes|pulls|pulling|polls|polling)( from)?|subscribed to|talks to|talking to|connects to|connecting to) (an? |the |our |on-prem )?(existing )?[\w.-]+/g,
      (m) => (m.startsWith('behind') ? m : ' '),
    );
  // "a game backend with leaderboards in Redis", "a MariaDB for a Nextcloud install": a product written after in/on/for is
  // where something else keeps its data, or what uses it.
  // data. It is set aside when what is left still names a kind; alone ("sessions in Redis, 5 GB") it is the workload.
  // "a mysql for the internal wiki (bookstack)": what uses it may be named twice, the second time in brackets.
  // Not after the machine asked for: "a VM for ClickHouse" names what runs on it.
  const components = text.replace(
    /\b(in|on|backed by|using|(?<!\b(?:vm|box|server|machine|host|instance)s? )for) (an? |the |our )?((internal |shared |new |existing |legacy )?[\w.-]+ \([\w. -]{1,30}\)|[\w.-]+)/g,
    ' ',
  );
  const aside = components !== text ? scoreKinds(components) : [];
  const decisive = (phrase: string | undefined) => {
    const scored = phrase ? scoreKinds(phrase) : [];
    return scored[0] && scored[0].score >= MIN_SCORE ? scored : undefined;
  };
  const read = aside[0] && aside[0].score >= MIN_SCORE ? aside : scoreKinds(text);
  // What a request says it wants settles the role; within it, the whole text says which kind ("need nginx to serve
  // the static site" is a static site).
  const wanted = decisive(WANTED.exec(components)?.[1]);
  const scores =
    decisive(ASKED_FOR.exec(text)?.[1]) ?? (wanted && (!read[0] || ROLE_OF[read[0].kind] !== ROLE_OF[wanted[0]!.kind]) ? wanted : read);
  const best = scores[0];
  if (!best || best.score < MIN_SCORE) {
    return { kind: 'unknown', confidence: 0, evidence: best?.evidence ?? [], alternatives: scores.slice(0, 3) };
  }
  const second = scores.find((s) => ROLE_OF[s.kind] !== ROLE_OF[best.kind])?.score ?? 0;
  // Sure when the winner is named by a product and nothing of another role comes close.
  const confidence = Math.min(0.97, (best.score / (best.score + second + 1)) * Math.min(1, 0.55 + best.score / 8));
  return {
    kind: best.kind,
    confidence: Math.round(confidence * 1000) / 1000,
    evidence: best.evidence,
    alternatives: scores.slice(1, 4).map(({ kind, score }) => ({ kind, score })),
  };
}

/** Each kind's score over a text, best first. */
function scoreKinds(text: string): { kind: WorkloadKind; score: number; evidence: string[] }[] {
  const scores: { kind: WorkloadKind; score: number; evidence: string[] }[] = [];
  for (const kind of WORKLOAD_KINDS) {
    let score = 0;
    const evidence: string[] = [];
    for (const [re, weight] of EVIDENCE[kind]) {
      const found = new Set(Array.from(text.matchAll(new RegExp(re.source, `${re.flags.replace('g', '')}g`)), (m) => m[0]));
      if (!found.size) continue;
      // Two different product names of one kind count more than one, but not without bound.
      score += weight * Math.min(2, found.size);
      evidence.push(...found);
    }
    if (score > 0) scores.push({ kind, score, evidence });
  }
  return scores.sort((a, b) => b.score - a.score);
}
