export * from './client.js';
export * from './errors.js';
export * from './token-store.js';
export * from './file-token-store.js';
export * from './admin.js';
export * from './push.js';
export { CONTRACT, toOpenApi, type Infer, type InferInput } from '@wxshop/api';
