import { handlerDescriptorSchema, type HandlerDescriptor } from './descriptor';

const builtin = (d: Omit<Partial<HandlerDescriptor>, 'code'> & Pick<HandlerDescriptor, 'id' | 'resourceTypes'>): HandlerDescriptor =>
  handlerDescriptorSchema.parse({ version: '1', ...d, code: { kind: 'builtin' } });

/** What a worker may have configured beyond its providers, which some built-ins need. */
export type WorkerFacility = 'local-s3';

/** The setting that gives a worker each facility. */
export const FACILITY_SETTINGS: Readonly<Record<WorkerFacility, string>> = { 'local-s3': 'MOSAIC_LOCAL_S3_ENDPOINT' };

/**
 * The facility a built-in needs to serve a provider's requests: s3-bucket
 * serves a local request only on a worker with an S3 endpoint for local
 * requests (MOSAIC_LOCAL_S3_ENDPOINT), so an installation without one never
 * plans it there (composition/planner.ts, servingRegistry).
 */
export const BUILTIN_NEEDS: Readonly<Record<string, Partial<Record<HandlerDescriptor['providers'][number], WorkerFacility>>>> = {
  's3-bucket': { local: 'local-s3' },
};

/** The handlers Mosaic ships; the worker registers them at start. */
export const BUILTIN_HANDLERS: HandlerDescriptor[] = [
  builtin({
    id: 'validate-request',
    description: 'checks the resource spec',
    resourceTypes: ['bucket', 'database', 'service'],
    provides: ['validated'],
    retry: { maximumAttempts: 3, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1000 },
    timeoutMs: 5_000,
  }),
  builtin({
    id: 'quota-check',
    description: 'refuses an account over its resource quota',
    resourceTypes: ['bucket', 'database', 'service'],
    requires: ['validated'],
    provides: ['quota-ok'],
    timeoutMs: 10_000,
  }),
  builtin({
    id: 'provision-bucket',
    description: "creates a bucket as a directory tree on the worker's disk",
    resourceTypes: ['bucket'],
    providers: ['local'],
    requires: ['validated'],
    provides: ['endpoint'],
    undo: true,
  }),
  builtin({
    id: 's3-bucket',
    description:
      'creates an S3 bucket, encrypted and closed to the public (aws provider; local requests too where MOSAIC_LOCAL_S3_ENDPOINT is set)',
    resourceTypes: ['bucket'],
    providers: ['local', 'aws'],
    requires: ['validated'],
    provides: ['endpoint'],
    undo: true,
  }),
  builtin({
    id: 'provision-database',
    description: 'creates a MongoDB-wire database (FerretDB or MongoDB) with its own credentials',
    resourceTypes: ['database'],
    providers: ['local'],
    engines: ['mongodb'],
    requires: ['validated'],
    provides: ['endpoint'],
    undo: true,
  }),
  builtin({
    id: 'postgres-local',
    description: "creates a PostgreSQL database with a login role of its own on the stack's PostgreSQL",
    resourceTypes: ['database'],
    providers: ['local'],
    engines: ['postgres'],
    requires: ['validated'],
    provides: ['endpoint'],
    undo: true,
  }),
  builtin({
    id: 'rds',
    description: 'creates a PostgreSQL RDS instance (aws provider), its master password kept by RDS in Secrets Manager',
    resourceTypes: ['database'],
    providers: ['aws'],
    engines: ['postgres'],
    requires: ['validated'],
    provides: ['endpoint'],
    undo: true,
    // A new instance takes minutes to become available on AWS.
    timeoutMs: 1_800_000,
  }),
  builtin({
    id: 'provision-service',
    description:
      'starts a service on a reserved port: locally a process as the service user, its memory held by rlimits, its CPU not capped',
    resourceTypes: ['service'],
    requires: ['validated'],
    provides: ['endpoint'],
    undo: true,
    timeoutMs: 120_000,
  }),
  builtin({
    id: 'cgroup-service',
    description:
      "starts a service as the service user in a cgroup of its own: memory and CPU capped by the kernel at the request's allocation (killed over memory, throttled over CPU)",
    resourceTypes: ['service'],
    // Cgroups are this machine's: on aws the instance type is the limit, and provision-service@1 starts instances.
    providers: ['local'],
    requires: ['validated'],
    provides: ['endpoint'],
    undo: true,
    timeoutMs: 120_000,
  }),
  builtin({
    id: 'encrypt-at-rest',
    description: 'creates the resource key and encrypts its credentials',
    resourceTypes: ['bucket', 'database', 'service'],
    requires: ['endpoint'],
    provides: ['encrypted'],
    undo: true,
  }),
  builtin({
    id: 'attach-network-policy',
    description: 'records who may reach the resource',
    resourceTypes: ['bucket', 'database', 'service'],
    requires: ['endpoint'],
    provides: ['network-policy'],
    undo: true,
  }),
  builtin({
    id: 'register-inventory',
    description: 'adds the resource to the inventory',
    resourceTypes: ['bucket', 'database', 'service'],
    requires: ['endpoint'],
    provides: ['registered'],
    undo: true,
  }),
  builtin({
    id: 'notify',
    description: 'POSTs the result to MOSAIC_NOTIFY_URL',
    resourceTypes: ['bucket', 'database', 'service'],
    requires: ['endpoint'],
    provides: ['notified'],
  }),
];
