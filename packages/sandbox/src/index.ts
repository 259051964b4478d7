export { createSandbox, type Sandbox, type SandboxOptions } from './sandbox.js';
export type { WireLogLine } from './services.js';
export { WIRE_ROUTES } from './server/app.js';
export { dropPostgresSchema } from './storage/database.js';
