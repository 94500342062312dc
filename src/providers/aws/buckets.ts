import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BucketInput, ResourceRef } from '../provider';
import { awsCall, toProviderError, tolerate } from './errors';
import { bucketName, resourceTags } from './naming';

export async function createBucket(s3: S3Client, input: BucketInput): Promise<ResourceRef> {
  const bucket = bucketName(input.key);
  // us-east-1 is where a bucket goes without a constraint, and S3 refuses it named as one.
  const location = input.region === 'us-east-1' ? undefined : { LocationConstraint: input.region as BucketLocationConstraint };
  await awsCall('CreateBucket', bucket, () =>
    s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: location })).catch(tolerate('BucketAlreadyOwnedByYou')),
  );
  // Tagged on every call, not only after a create: a retry after a crash between the two finishes the job.
  await awsCall('PutBucketTagging', bucket, () =>
    s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: resourceTags(input.key, input.name, input.tags) } })),
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

/** The bucket made with this key, complete (tagged) or not: its name is derived from the key. */
export async function findBucket(s3: S3Client, key: string, region: string): Promise<ResourceRef | undefined> {
  const bucket = bucketName(key);
  const found = await awsCall('HeadBucket', bucket, () =>
    s3.send(new HeadBucketCommand({ Bucket: bucket })).catch(tolerate('NotFound', 'NoSuchBucket')),
  );
  return found ? bucketRef(bucket, key, region) : undefined;
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
