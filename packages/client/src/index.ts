export * from './client.js';
export * from './errors.js';
export * from './token-store.js';
export * from './push.js';
export { CONTRACT, toOpenApi, type Infer, type InferInput } from '@wxshop/api';
