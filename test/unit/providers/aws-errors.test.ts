import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { KMSInternalException, KMSServiceException, NotFoundException } from '@aws-sdk/client-kms';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { toProviderError } from '../../../src/providers/aws';
import { ProviderRejected, ProviderUnavailable } from '../../../src/providers/errors';

// What the SDK throws for an error a service answered: modeled errors have
// their own classes, the rest are the service's base exception named by the code.
const s3 = (name: string, httpStatusCode: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: `${name} says S3` });
const ec2 = (name: string, httpStatusCode: number) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: `${name} says EC2` });
const kms = (name: string, httpStatusCode: number) =>
  new KMSServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: `${name} says KMS` });

describe('toProviderError', () => {
  it.each([
    ['EC2 throttling, answered 503', ec2('RequestLimitExceeded', 503)],
    ['KMS throttling, answered 400', kms('ThrottlingException', 400)],
    ['S3 slowing us down', s3('SlowDown', 503)],
    ['S3 unavailable', s3('ServiceUnavailable', 503)],
    ['S3 internal error', s3('InternalError', 500)],
    ['EC2 out of capacity', ec2('InsufficientInstanceCapacity', 500)],
    ['a modeled server fault', new KMSInternalException({ message: 'oops', $metadata: { httpStatusCode: 500 } })],
    ['any 5xx', s3('SomethingNew', 502)],
    ['429', kms('SomethingNew', 429)],
    ['a 5xx page the SDK could not parse', Object.assign(new SyntaxError('Unexpected token <'), { $metadata: { httpStatusCode: 502 } })],
    ['the client timing out', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
  ])('%s is ProviderUnavailable', (_, err) => {
    const mapped = toProviderError(err, 'CreateBucket', 'mosaic-abc');
    expect(mapped).toBeInstanceOf(ProviderUnavailable);
    expect(mapped).toMatchObject({ type: 'ProviderUnavailable', name: 'ProviderUnavailable', cause: err });
  });

  it.each([
    ['a bad bucket name', s3('InvalidBucketName', 400)],
    ['a bucket someone else owns', s3('BucketAlreadyExists', 409)],
    ['no permission', s3('AccessDenied', 403)],
    ['a bad EC2 parameter', ec2('InvalidParameterValue', 400)],
    ['a modeled client fault', new NotFoundException({ message: 'no such key', $metadata: { httpStatusCode: 400 } })],
    ['a KMS quota', kms('LimitExceededException', 400)],
  ])('%s is ProviderRejected', (_, err) => {
    const mapped = toProviderError(err, 'CreateBucket', 'mosaic-abc');
    expect(mapped).toBeInstanceOf(ProviderRejected);
    expect(mapped).toMatchObject({ type: 'ProviderRejected', name: 'ProviderRejected', cause: err });
  });

  it('names the operation, the resource and what AWS said', () => {
    const mapped = toProviderError(ec2('InvalidParameterValue', 400), 'RunInstances', 'instance api (ami-1)') as ProviderRejected;
    expect(mapped.message).toBe(
      'aws RunInstances of instance api (ami-1) was rejected (InvalidParameterValue, HTTP 400): InvalidParameterValue says EC2',
    );
    expect(mapped.fault).toEqual({
      provider: 'aws',
      operation: 'RunInstances',
      resource: 'instance api (ami-1)',
      code: 'InvalidParameterValue',
      httpStatus: 400,
      detail: 'InvalidParameterValue says EC2',
    });

    const refused = toProviderError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'Encrypt', 'arn:k');
    expect((refused as Error).message).toBe('aws Encrypt of arn:k is unavailable (ECONNREFUSED): connect ECONNREFUSED');
  });

  it('leaves alone what AWS did not say: bugs, aborts, non-errors', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'KeyId')");
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(toProviderError(bug, 'CreateKey', 'alias/x')).toBe(bug);
    expect(toProviderError(abort, 'CreateKey', 'alias/x')).toBe(abort);
    expect(toProviderError('nope', 'CreateKey', 'alias/x')).toBe('nope');
  });
});
