export * from './errors/index.js';
export * from './endpoints.js';
export * from './json.js';
export * from './products.js';
export * from './contract/index.js';
export * from './openapi.js';
