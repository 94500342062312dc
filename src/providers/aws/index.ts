export { AwsProvider } from './aws-provider';
export { createAwsClients, destroyAwsClients, type AwsClientOptions, type AwsClients, type AwsCredentials } from './clients';
export { toProviderError } from './errors';
export { KEY_TAG } from './naming';
