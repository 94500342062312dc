import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BucketInput, ResourceRef } from '../provider';
import { awsCall, toProviderError, tolerate } from './errors';
import { bucketName, resourceTags } from './naming';

/**
 * A private bucket, tagged with the key that made it, encrypted at rest with
 * S3-managed keys (SSE-S3, AES-256) and every kind of public access blocked
 * (S3's defaults for new buckets since 2023, said explicitly: S3-compatible
 * stores and older accounts do not all default to them). Each call
 * is repeated on every attempt, not only after a create: a retry after a crash
 * between them finishes the job, and each is idempotent in S3.
 */
export async function createBucket(s3: S3Client, input: BucketInput): Promise<ResourceRef> {
  const bucket = bucketName(input.key);
  // us-east-1 is where a bucket goes without a constraint, and S3 refuses it named as one.
  const location = input.region === 'us-east-1' ? undefined : { LocationConstraint: input.region as BucketLocationConstraint };
  await awsCall('CreateBucket', bucket, () =>
    s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: location })).catch(tolerate('BucketAlreadyOwnedByYou')),
  );
  // Tagged first: a bucket an attempt left half-configured already says which step made it.
  await awsCall('PutBucketTagging', bucket, () =>
    s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: resourceTags(input.key, input.name, input.tags) } })),
  );
  await awsCall('PutBucketEncryption', bucket, () =>
    s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      }),
    ),
  );
  await awsCall('PutPublicAccessBlock', bucket, () =>
    s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    ),
  );
  return bucketRef(bucket, input.key, input.region, { name: input.name });
}

const bucketRef = (bucket: string, key: string, region: string, extra: Record<string, string> = {}): ResourceRef => ({
  provider: 'aws',
  kind: 'bucket',
  id: bucket,
  key,
  attributes: { bucket, ...extra, region, arn: `arn:aws:s3:::${bucket}` },
});

/** The bucket a create with this key makes, whether or not it exists: its name is derived from the key. */
export const keyedBucketRef = (key: string, region: string): ResourceRef => bucketRef(bucketName(key), key, region);

/** The bucket made with this key, complete (tagged) or not. */
export async function findBucket(s3: S3Client, key: string, region: string): Promise<ResourceRef | undefined> {
  const ref = keyedBucketRef(key, region);
  const found = await awsCall('HeadBucket', ref.id, () =>
    s3.send(new HeadBucketCommand({ Bucket: ref.id })).catch(tolerate('NotFound', 'NoSuchBucket')),
  );
  return found ? ref : undefined;
}

/** Objects first: S3 refuses to delete a bucket that holds any, and compensation must not stop there. */
export async function deleteBucket(s3: S3Client, ref: ResourceRef): Promise<void> {
  const bucket = ref.id;
  for (;;) {
    // Versions as well as current objects, in case someone turned versioning on.
    const page = await awsCall('ListObjectVersions', bucket, () =>
      s3.send(new ListObjectVersionsCommand({ Bucket: bucket })).catch(tolerate('NoSuchBucket')),
    );
    const objects = [...(page?.Versions ?? []), ...(page?.DeleteMarkers ?? [])].map(({ Key, VersionId }) => ({ Key, VersionId }));
    if (objects.length === 0) break;
    const result = await awsCall('DeleteObjects', bucket, () =>
      s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } })),
    );
    // DeleteObjects succeeds as a call and lists the keys it could not delete;
    // report the first one as if its own call had failed.
    const [failed] = result.Errors ?? [];
    if (failed) {
      const err = Object.assign(new Error(failed.Message ?? 'not deleted'), {
        name: failed.Code ?? 'DeleteObjectFailed',
        $fault: 'client',
      });
      throw toProviderError(err, 'DeleteObjects', `${bucket}/${failed.Key}`);
    }
  }
  await awsCall('DeleteBucket', bucket, () => s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(tolerate('NoSuchBucket')));
}
