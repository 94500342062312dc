import { createHash } from 'node:crypto';

/**
 * Names derived from the idempotency key alone, so a retry finds what the
 * first attempt made. Hex is valid everywhere (S3 bucket names are lowercase,
 * ≤ 63 characters; EC2 client tokens ≤ 64), and 160 bits make a collision beyond reach.
 */
const digest = (key: string, length = 40) => createHash('sha256').update(key).digest('hex').slice(0, length);

/** The tag that records which key made a resource, for people and for lookups. */
export const KEY_TAG = 'mosaic:key';

export const bucketName = (key: string) => `mosaic-${digest(key)}`;
export const clientToken = (key: string) => digest(key, 64);
export const securityGroupName = (key: string) => `mosaic-${digest(key)}`;
/** RDS: a letter first, letters, digits and single hyphens, at most 63 characters. */
export const dbInstanceIdentifier = (key: string) => `mosaic-${digest(key)}`;
export const keyAlias = (key: string) => `alias/mosaic-${digest(key)}`;

/** The caller's tags, overridden by Name and the key tag: lookups depend on those. */
export function resourceTags(key: string, name: string, extra: Record<string, string> = {}): { Key: string; Value: string }[] {
  return Object.entries({ ...extra, Name: name, [KEY_TAG]: key }).map(([Key, Value]) => ({ Key, Value }));
}
