import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ScheduleKeyDeletionCommand,
  type KeyMetadata,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { ProviderRejected } from '../errors';
import type { KeyInput, ResourceRef } from '../provider';
import { awsCall, toProviderError, tolerate } from './errors';
import { keyAlias, resourceTags } from './naming';

/**
 * KMS has no idempotency token, so the alias derived from the key is the
 * record: found, it names the key made before. A crash between CreateKey and
 * CreateAlias leaves one key no alias points at (tagged with its key); the
 * retry makes another.
 */
export async function createKmsKey(kms: KMSClient, input: KeyInput): Promise<ResourceRef> {
  const alias = keyAlias(input.key);
  const key = (await describeKey(kms, alias)) ?? (await makeKey(kms, input, alias));
  if (key.KeyState === 'PendingDeletion') {
    throw new ProviderRejected({
      provider: 'aws',
      operation: 'DescribeKey',
      resource: alias,
      code: 'KeyPendingDeletion',
      detail: `the key made for ${input.key} is scheduled for deletion; cancel that or use a new key`,
    });
  }
  return {
    provider: 'aws',
    kind: 'key',
    id: key.Arn!,
    key: input.key,
    attributes: { keyId: key.KeyId!, arn: key.Arn!, alias, name: input.alias, region: input.region },
  };
}

/** The key made with this key, found by the alias derived from it, unless already scheduled for deletion. */
export async function findKmsKey(kms: KMSClient, key: string, region: string): Promise<ResourceRef | undefined> {
  const alias = keyAlias(key);
  const found = await describeKey(kms, alias);
  if (!found || found.KeyState === 'PendingDeletion') return undefined;
  return { provider: 'aws', kind: 'key', id: found.Arn!, key, attributes: { keyId: found.KeyId!, arn: found.Arn!, alias, region } };
}

async function describeKey(kms: KMSClient, keyId: string): Promise<KeyMetadata | undefined> {
  const out = await awsCall('DescribeKey', keyId, () =>
    kms.send(new DescribeKeyCommand({ KeyId: keyId })).catch(tolerate('NotFoundException')),
  );
  return out?.KeyMetadata;
}

async function makeKey(kms: KMSClient, input: KeyInput, alias: string): Promise<KeyMetadata> {
  const tags = resourceTags(input.key, input.alias).map(({ Key, Value }) => ({ TagKey: Key, TagValue: Value }));
  const { KeyMetadata: key } = await awsCall('CreateKey', alias, () =>
    kms.send(new CreateKeyCommand({ Description: `Mosaic key ${input.alias}`, Tags: tags })),
  );
  try {
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key!.KeyId }));
    return key!;
  } catch (err) {
    if ((err as { name?: unknown }).name !== 'AlreadyExistsException') throw toProviderError(err, 'CreateAlias', alias);
  }
  // A concurrent call with the same key took the alias first: use its key, retire ours.
  await scheduleDeletion(kms, key!.KeyId!);
  return (await describeKey(kms, alias))!;
}

export async function deleteKmsKey(kms: KMSClient, ref: ResourceRef): Promise<void> {
  // The alias goes first: once it is gone, createKey with the same key no longer finds a dying key.
  await awsCall('DeleteAlias', ref.attributes.alias!, () =>
    kms.send(new DeleteAliasCommand({ AliasName: ref.attributes.alias })).catch(tolerate('NotFoundException')),
  );
  // The bare key id, though AWS takes the ARN too: moto answers an ARN here with a 500.
  await scheduleDeletion(kms, ref.attributes.keyId!);
}

/**
 * Seven days is the shortest wait KMS allows. Our keys are plain symmetric
 * keys, whose only state that refuses scheduling is already pending deletion
 * (a retry), hence KMSInvalidStateException counts as done.
 */
async function scheduleDeletion(kms: KMSClient, keyId: string): Promise<void> {
  await awsCall('ScheduleKeyDeletion', keyId, () =>
    kms
      .send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }))
      .catch(tolerate('NotFoundException', 'KMSInvalidStateException')),
  );
}

/** KMS Encrypt takes at most 4 KiB of plaintext: enough for credentials and keys, not for documents. */
export async function encrypt(kms: KMSClient, ref: ResourceRef, plaintext: string): Promise<string> {
  const out = await awsCall('Encrypt', ref.id, () =>
    kms.send(new EncryptCommand({ KeyId: ref.id, Plaintext: Buffer.from(plaintext, 'utf8') })),
  );
  return Buffer.from(out.CiphertextBlob!).toString('base64');
}

export async function decrypt(kms: KMSClient, ref: ResourceRef, ciphertext: string): Promise<string> {
  const out = await awsCall('Decrypt', ref.id, () =>
    kms.send(new DecryptCommand({ KeyId: ref.id, CiphertextBlob: Buffer.from(ciphertext, 'base64') })),
  );
  return Buffer.from(out.Plaintext!).toString('utf8');
}
