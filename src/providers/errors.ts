import type { ResourceRef } from './provider';

/** What a provider said when it refused or failed one operation on one resource. */
export interface ProviderFault {
  provider: ResourceRef['provider'];
  /** The provider's own operation name, such as `CreateBucket`, so a person can find it in its docs and logs. */
  operation: string;
  resource: string;
  /** The provider's own name for the fault, such as `InvalidBucketName` or `ECONNREFUSED`. */
  code: string;
  httpStatus?: number;
  detail: string;
}

abstract class ProviderError extends Error {
  abstract readonly type: string;

  protected constructor(
    readonly fault: ProviderFault,
    verdict: string,
    options?: ErrorOptions,
  ) {
    const status = fault.httpStatus === undefined ? '' : `, HTTP ${fault.httpStatus}`;
    super(`${fault.provider} ${fault.operation} of ${fault.resource} ${verdict} (${fault.code}${status}): ${fault.detail}`, options);
    this.name = new.target.name;
  }
}

/** Throttled, failing inside or out of reach: the same call may succeed later, so it is worth retrying. */
export class ProviderUnavailable extends ProviderError {
  readonly type = 'ProviderUnavailable';
  constructor(fault: ProviderFault, options?: ErrorOptions) {
    super(fault, 'is unavailable', options);
  }
}

/** The provider refused the request as made (bad input, no permission, a quota): retrying cannot fix it. */
export class ProviderRejected extends ProviderError {
  readonly type = 'ProviderRejected';
  constructor(fault: ProviderFault, options?: ErrorOptions) {
    super(fault, 'was rejected', options);
  }
}
