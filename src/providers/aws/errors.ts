import { ProviderRejected, ProviderUnavailable } from '../errors';

// Error names AWS uses when the same request may succeed later. Throttling and
// internal failures do not always come with a 5xx status (EC2 answers
// RequestLimitExceeded with 503, KMS ThrottlingException with 400), so names count too.
const TRANSIENT_NAMES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'InsufficientInstanceCapacity',
  'InternalError',
  'InternalFailure',
  'KMSInternalException',
  'DependencyTimeoutException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TimeoutError',
  'TooManyRequestsException',
]);

// Socket errors: the endpoint did not answer, which says nothing about the request.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface AwsError {
  name: string;
  message: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

// Duck-typed, not `instanceof Error`: socket errors come from Node's own realm,
// which differs from the caller's under Jest and in other sandboxes.
const isError = (err: unknown): err is AwsError =>
  typeof err === 'object' && err !== null && typeof (err as AwsError).name === 'string' && typeof (err as AwsError).message === 'string';

/**
 * An error of an AWS call as a provider error naming the operation and the
 * resource: ProviderUnavailable when retrying may help, ProviderRejected when
 * AWS answered that the request itself is wrong. Anything else (a bug, an
 * abort) is returned unchanged, so it is not mistaken for an AWS verdict.
 */
export function toProviderError(err: unknown, operation: string, resource: string): unknown {
  if (!isError(err)) return err;
  const httpStatus = err.$metadata?.httpStatusCode;
  const fault = { provider: 'aws' as const, operation, resource, httpStatus, detail: err.message };
  if (err.code !== undefined && NETWORK_CODES.has(err.code)) {
    return new ProviderUnavailable({ ...fault, code: err.code }, { cause: err });
  }
  const transient = TRANSIENT_NAMES.has(err.name) || err.$fault === 'server' || httpStatus === 429 || (httpStatus ?? 0) >= 500;
  // Answered: a service exception ($fault), or an error status whose body the
  // SDK could not parse (an HTML page from a proxy comes as a SyntaxError).
  const answered = err.$fault !== undefined || (httpStatus ?? 0) >= 400;
  if (!answered && !transient) return err;
  const Verdict = transient ? ProviderUnavailable : ProviderRejected;
  return new Verdict({ ...fault, code: err.name }, { cause: err });
}

/** One AWS call whose failure is reported as a provider error (see toProviderError). */
export async function awsCall<T>(operation: string, resource: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw toProviderError(err, operation, resource);
  }
}

/**
 * For `.catch(...)` on a call whose listed errors mean the wanted state already
 * holds (the bucket is ours, the instance is gone): those resolve to undefined.
 */
export const tolerate =
  (...names: string[]) =>
  (err: unknown): undefined => {
    if (isError(err) && names.includes(err.name)) return undefined;
    throw err;
  };
