import type { WorkloadKind } from '../workload/kinds';

/**
 * What each kind of workload sounds like, in plain words: the sentence
 * encoder compares a description the rules could not place with these, and
 * the nearest kind is offered (and asked about) instead of no kind at all.
 * Written as a person would describe the kind in general, naming few
 * products, so that a paraphrase with no product name still lands near.
 * The labelled descriptions the rules were tuned on (data/described-workloads.json)
 * are exemplars too.
 */
export const EXEMPLARS: Record<WorkloadKind | 'unknown', readonly string[]> = {
  // Requests that say what is wanted but not what it is: near these, the analyzer asks rather than guesses.
  unknown: [
    'set something up for me, I will explain later',
    'a new environment like the previous one',
    'one more instance for the team',
    'provision whatever we need for the launch',
    // "server", "machine", "box" alone say where it runs, not what it is.
    'a server, nothing special',
    'a virtual machine for a colleague',
    'another box like the others',
    // Infrastructure services none of the analyzer's kinds sizes: near these, it says so rather than borrow a kind.
    'a VPN gateway that remote employees connect to through encrypted tunnels',
    'an outbound mail relay that sends the transactional email of our applications',
    'an internal DNS resolver and DHCP server for the office network',
    'a directory server for logins, LDAP or an Active Directory domain controller',
    'a bastion host that engineers SSH through to reach private machines',
  ],
  'relational-database': [
    'a relational SQL database with tables, joins and transactions holding the records of an application',
    'the primary database server for orders, customers and invoices, with a replica for reads',
    'an OLTP database that the backend writes rows to and queries with SQL',
  ],
  'document-database': [
    'a document database storing JSON documents in collections, queried by fields',
    'a schemaless NoSQL store of user profiles and product documents',
    'a database of flexible JSON records with secondary indexes and replica sets',
  ],
  'wide-column-store': [
    'a wide-column NoSQL cluster with a partition key, tuned for heavy writes across many nodes',
    'a distributed column-family store with a replication factor of three and eventual consistency',
    'a write-heavy masterless database cluster storing billions of rows across a ring of nodes',
  ],
  'time-series-database': [
    'a time-series database storing metrics samples from sensors and servers, queried over time ranges',
    'a store for monitoring metrics: millions of series scraped every few seconds with a retention period',
    'telemetry and measurements with timestamps, downsampled and kept for months',
  ],
  'graph-database': [
    'a graph database of nodes and relationships queried by traversals',
    'a knowledge graph linking people, accounts and devices to find connections and fraud rings',
    'a property graph store for recommendations based on who is connected to whom',
  ],
  'vector-database': [
    'a vector database storing embeddings for similarity search and retrieval augmented generation',
    'nearest-neighbour search over millions of embedding vectors with an HNSW index',
    'semantic search index of document embeddings queried by a language model application',
  ],
  'coordination-store': [
    'a consensus key-value store for configuration, leader election and service discovery',
    'a small cluster that keeps cluster state and locks for distributed systems, with strong consistency',
    'a quorum of three or five nodes holding coordination metadata for other services',
  ],
  'feature-store': [
    'an online feature store serving precomputed machine learning features to models at low latency',
    'features for each user and item, materialised from batch pipelines and read at prediction time',
  ],
  cache: [
    'an in-memory cache in front of the database for sessions and hot keys',
    'a key-value cache holding frequently read data in RAM with expiry and eviction',
    'a caching layer that keeps rendered pages and query results in memory',
  ],
  'message-broker': [
    'a message broker with topics and queues between producers and consumers',
    'an event streaming platform where services publish events that others consume, with retention',
    'a queue that buffers jobs and messages between microservices with acknowledgements',
  ],
  'search-engine': [
    'a full-text search engine indexing documents and logs for keyword queries and aggregations',
    'a search cluster that indexes the product catalogue so shoppers can search and filter it',
    'centralised log search: log lines indexed per day and searched by engineers',
  ],
  'data-warehouse': [
    'an analytical data warehouse with large fact tables queried by dashboards and analysts',
    'a columnar OLAP database for business intelligence reports over terabytes of history',
    'a data lake queried with SQL by the analytics team for reporting',
  ],
  'etl-pipeline': [
    'a nightly ETL batch job that extracts data from sources, transforms it and loads it into the warehouse',
    'data pipelines scheduled as DAGs that move and clean data between systems every hour',
    'a batch job that ingests exports, joins them and writes the results to a reporting database',
  ],
  'stream-processing': [
    'a stream processing job that consumes events in real time, aggregates them over windows and writes results',
    'continuous processing of a clickstream with stateful operators and checkpoints',
    'real-time analytics computing rolling counts from an event stream',
  ],
  notebook: [
    'interactive notebooks for data scientists to explore data and train small models',
    'a shared notebook server where analysts run Python and SQL cells against datasets',
  ],
  'ci-builds': [
    'continuous integration build agents that compile code and run test suites for every commit',
    'build runners for pull requests: checkout, compile, run unit tests and produce artifacts',
    'a build farm that compiles a large codebase and caches build outputs',
  ],
  rendering: [
    'render nodes that render 3D animation frames for a film in a render farm',
    'offline rendering of architectural visualisations and CGI scenes, one frame per job',
  ],
  transcoding: [
    'video transcoding that converts uploaded videos into several resolutions and bitrates for streaming',
    'encoding of recorded video and audio into adaptive streaming formats',
    'a media pipeline that re-encodes hours of footage every day',
  ],
  'image-processing': [
    'image processing workers that resize, crop and compress uploaded photos into thumbnails',
    'a batch of scanned images run through OCR and conversion',
  ],
  'ml-batch': [
    'training machine learning models on GPUs over a large dataset',
    'batch scoring jobs that run a model over millions of records overnight',
    'fine-tuning a neural network with periodic checkpoints',
  ],
  'background-jobs': [
    'background workers that pull jobs from a queue: sending emails, generating reports and webhooks',
    'asynchronous task workers and scheduled cron jobs for the application',
  ],
  'ml-inference': [
    'a model serving endpoint that answers prediction requests from a trained model',
    'an inference API running a machine learning model behind a REST endpoint with latency targets',
    'serving a large language model to users of a chat assistant',
  ],
  'game-server': [
    'dedicated multiplayer game servers hosting matches for players with a fast tick rate',
    'a game backend where players connect to shared worlds in real time',
  ],
  'websocket-server': [
    'a websocket server holding many long-lived connections and pushing live updates to clients',
    'real-time chat and notifications delivered over persistent connections',
    'a presence and messaging service with thousands of concurrent connected clients',
  ],
  'static-site': [
    'a static website of HTML, CSS and images served to visitors, a marketing site or documentation',
    'a landing page and blog generated as static files and served behind a CDN',
  ],
  'web-application': [
    'a web application and REST API serving users through HTTP requests, backed by a database',
    'the backend API of a mobile app handling logins, carts and payments',
    'an internal web app and admin dashboard used by staff during office hours',
  ],
  'file-drop': [
    'a place where partners upload files that are picked up and processed, over SFTP',
    'a drop box where customers send large files that are deleted after a few days',
  ],
  'object-storage': [
    'object storage buckets holding uploaded files, images and backups accessed over an S3 API',
    'a blob store of media assets and user uploads served by URL',
  ],
  'file-share': [
    'a shared network drive where teams store documents, mounted over SMB or NFS',
    'a file server with home directories and project folders for the office',
    'shared storage mounted by several servers for common files',
  ],
  'mail-server': [
    'a mail server receiving and delivering email, with mailboxes read over IMAP',
    'SMTP relay and mailbox storage for the company email',
  ],
  'backup-target': [
    'a backup repository that receives nightly backups of servers and keeps them for months',
    'a target for database dumps and snapshot archives with a retention policy',
    'long-term archive storage for backups, written once and rarely read',
  ],
};
