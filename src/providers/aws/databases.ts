import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { RDS_MIN_STORAGE_GB } from '../../handlers/cost';
import { sleep } from '../../stack/daemon';
import type { DatabaseInput, ResourceRef } from '../provider';
import { awsCall, tolerate } from './errors';
import { dbInstanceIdentifier, resourceTags } from './naming';

/** The smallest general-purpose class: what rds@1 makes, and what handlers/cost.ts prices. */
export const RDS_INSTANCE_CLASS = 'db.t3.micro';
/** How often a new instance is asked whether it is available yet (minutes on AWS, at once on moto). */
const POLL_MS = 5_000;

/**
 * A PostgreSQL RDS instance named from the key (a retry finds the first
 * attempt's), storage encrypted, not publicly reachable, its master password
 * made and kept by RDS in Secrets Manager: no password passes through Mosaic.
 * Returns once RDS reports it available.
 */
export async function createDbInstance(rds: RDSClient, input: DatabaseInput & { region: string }): Promise<ResourceRef> {
  const id = dbInstanceIdentifier(input.key);
  await awsCall('CreateDBInstance', id, () =>
    rds
      .send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          DBName: input.name.replace(/-/g, '_'),
          Engine: 'postgres',
          DBInstanceClass: RDS_INSTANCE_CLASS,
          AllocatedStorage: Math.max(RDS_MIN_STORAGE_GB, input.sizeGb),
          MasterUsername: 'mosaic',
          ManageMasterUserPassword: true,
          StorageEncrypted: true,
          PubliclyAccessible: false,
          Tags: resourceTags(input.key, input.name),
        }),
      )
      .catch(tolerate('DBInstanceAlreadyExistsFault', 'DBInstanceAlreadyExists')),
  );
  for (;;) {
    const instance = await describe(rds, id);
    if (instance?.DBInstanceStatus === 'available') return dbInstanceRef(instance, input.key, input.region);
    await sleep(POLL_MS);
  }
}

async function describe(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  const found = await awsCall('DescribeDBInstances', id, () =>
    rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })).catch(tolerate('DBInstanceNotFoundFault', 'DBInstanceNotFound')),
  );
  return found?.DBInstances?.[0];
}

function dbInstanceRef(instance: DBInstance, key: string, region: string): ResourceRef {
  const id = instance.DBInstanceIdentifier!;
  return {
    provider: 'aws',
    kind: 'database',
    id,
    key,
    attributes: {
      engine: 'postgres',
      database: instance.DBName ?? '',
      user: instance.MasterUsername ?? 'mosaic',
      host: instance.Endpoint?.Address ?? '',
      port: String(instance.Endpoint?.Port ?? 5432),
      arn: instance.DBInstanceArn ?? '',
      passwordSecretArn: instance.MasterUserSecret?.SecretArn ?? '',
      region,
    },
  };
}

/** The instance made with this key, whatever its state: its identifier is derived from the key. */
export async function findDbInstance(rds: RDSClient, key: string, region: string): Promise<ResourceRef | undefined> {
  const instance = await describe(rds, dbInstanceIdentifier(key));
  return instance && instance.DBInstanceStatus !== 'deleting' ? dbInstanceRef(instance, key, region) : undefined;
}

/** Without a final snapshot: compensation removes what a failed composition made, it does not archive it. */
export async function deleteDbInstance(rds: RDSClient, ref: ResourceRef): Promise<void> {
  await awsCall('DeleteDBInstance', ref.id, () =>
    rds
      .send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: ref.id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }))
      .catch(tolerate('DBInstanceNotFoundFault', 'DBInstanceNotFound')),
  );
}
