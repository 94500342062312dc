import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsClientOptions {
  region: string;
  /** A stand-in for AWS such as moto; unset means the real regional endpoints. */
  endpoint?: string;
  /** Unset: the SDK's default chain (environment, profile, instance role). */
  credentials?: AwsCredentials;
}

export interface AwsClients {
  s3: S3Client;
  ec2: EC2Client;
  kms: KMSClient;
  rds: RDSClient;
  cloudwatch: CloudWatchClient;
}

export function createAwsClients({ region, endpoint, credentials }: AwsClientOptions): AwsClients {
  // A few quick SDK retries absorb a blip; Temporal's activity retries, with
  // their longer backoff, handle anything that lasts.
  const common = { region, endpoint, credentials, maxAttempts: 3 };
  return {
    // Virtual-host addressing needs DNS for <bucket>.<endpoint>, which a
    // loopback endpoint does not have.
    s3: new S3Client({ ...common, forcePathStyle: endpoint !== undefined }),
    ec2: new EC2Client(common),
    kms: new KMSClient(common),
    rds: new RDSClient(common),
    cloudwatch: new CloudWatchClient(common),
  };
}

/** Closes the clients' keep-alive sockets, which would otherwise hold the process open. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.s3.destroy();
  clients.ec2.destroy();
  clients.kms.destroy();
  clients.rds.destroy();
  clients.cloudwatch.destroy();
}
