export * from './canonical';
export * from './errors';
export * from './keys';
export * from './policy-signature';
export * from './roles';
export * from './signed-request';
export * from './change-request';
