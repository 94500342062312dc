/**
 * What a provisioning handler's resource costs, in USD for its first month:
 * the `costUsd` a policy's objective weighs (learning/reward.ts). A local
 * resource is priced as what it displaces: the disk and the share of a server
 * it holds, at AWS us-east-1 list prices (December 2026), so local and cloud
 * alternatives compare on one scale.
 */
export interface DatabaseCostModel {
  /** Storage, per GB-month. */
  storageGbMonthUsd: number;
  /** The database's share of the server it runs on, per month. */
  serverMonthUsd: number;
}

/** EBS gp3, per GB-month: the disk a local database's files sit on. */
const GP3_GB_MONTH = 0.08;
/** A t3.small ($0.0208/hour × 730 hours): what the stack's PostgreSQL runs on, priced. */
const SHARED_SERVER_MONTH = 15.18;
/** The stack's PostgreSQL allows 200 connections (src/stack/postgresql.ts); each database's role may hold 20. */
export const POSTGRES_ROLE_CONNECTIONS = 20;
const POSTGRES_MAX_CONNECTIONS = 200;

/** RDS for PostgreSQL allocates at least this much storage (providers/aws/databases.ts asks for no less). */
export const RDS_MIN_STORAGE_GB = 20;

export const DATABASE_COSTS = {
  /** FerretDB on SQLite: files on the shared disk; the server is the stack's own store and costs the database nothing more. */
  mongodbWire: { storageGbMonthUsd: GP3_GB_MONTH, serverMonthUsd: 0 },
  /** PostgreSQL: its files, and the connection slots its role may hold on the shared server. */
  postgresLocal: {
    storageGbMonthUsd: GP3_GB_MONTH,
    serverMonthUsd: (SHARED_SERVER_MONTH * POSTGRES_ROLE_CONNECTIONS) / POSTGRES_MAX_CONNECTIONS,
  },
  /** RDS for PostgreSQL: a db.t3.micro of its own ($0.018/hour × 730 hours) and gp3 storage at RDS's price. */
  rds: { storageGbMonthUsd: 0.115, serverMonthUsd: 13.14 },
} satisfies Record<string, DatabaseCostModel>;

/** A month of a database of this size, to the cent. */
export function databaseCostUsd(model: DatabaseCostModel, sizeGb: number): number {
  return Math.round((model.storageGbMonthUsd * sizeGb + model.serverMonthUsd) * 100) / 100;
}

/**
 * What a bucket costs for its first month: the data it is expected to hold
 * (`spec.sizeGb`) at its storage price, plus the requests that made it.
 */
export interface BucketCostModel {
  /** Storage, per GB-month. */
  storageGbMonthUsd: number;
  /** Per PUT-class request (PUT, COPY, POST, LIST). */
  putRequestUsd: number;
  /** The PUT-class requests its handler makes to create it. */
  setupRequests: number;
}

export const BUCKET_COSTS = {
  /** A directory tree on the worker's disk: gp3, like the local databases; no requests are billed. */
  localDisk: { storageGbMonthUsd: GP3_GB_MONTH, putRequestUsd: 0, setupRequests: 0 },
  /**
   * S3 Standard, us-east-1 (https://aws.amazon.com/s3/pricing/, December 2026):
   * $0.023 per GB-month for the first 50 TB, $0.005 per 1,000 PUT-class requests.
   * s3-bucket@1 makes four (CreateBucket, PutBucketTagging, PutBucketEncryption, PutPublicAccessBlock).
   */
  s3Standard: { storageGbMonthUsd: 0.023, putRequestUsd: 0.005 / 1000, setupRequests: 4 },
} satisfies Record<string, BucketCostModel>;

/** A month of a bucket holding this much; to a thousandth of a cent, where a bucket's requests show. */
export function bucketCostUsd(model: BucketCostModel, sizeGb: number): number {
  return Math.round((model.storageGbMonthUsd * sizeGb + model.putRequestUsd * model.setupRequests) * 100_000) / 100_000;
}

/**
 * A service is priced as the CPU and memory it holds, at AWS Fargate's list
 * prices (Linux/x86, us-east-1, December 2026: $0.04048 per vCPU-hour,
 * $0.004445 per GB-hour): what a container of exactly that size rents for.
 */
export const SERVICE_PRICES = { vcpuMonthUsd: 0.04048 * 730, gbMonthUsd: 0.004445 * 730 };

/** What a service holds: a cgroup-capped one its allocation; an uncapped one every core of its machine. */
export interface HeldCapacity {
  cpu: number;
  memoryGb: number;
}

/** A month of a service holding this much, to the cent. */
export function serviceCostUsd(held: HeldCapacity): number {
  return Math.round((SERVICE_PRICES.vcpuMonthUsd * held.cpu + SERVICE_PRICES.gbMonthUsd * held.memoryGb) * 100) / 100;
}
