// The parts of the SDK that need only fetch, for browsers and other runtimes without Node.js
// modules. Push decoding (node:crypto, node:http) and the file and Redis token stores are left out.
export * from './client.js';
export * from './errors.js';
export * from './token-store.js';
export * from './admin.js';
export { CONTRACT, toOpenApi, type Infer, type InferInput } from '@wxshop/api';
