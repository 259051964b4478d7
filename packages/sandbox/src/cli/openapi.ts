import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toOpenApi } from '@wxshop/api';

/**
 * `wxshop openapi [--out FILE] [--server URL]`: writes the OpenAPI 3.1 document of the wire API
 * (every endpoint, generated from the contract) to FILE, or to stdout.
 */
export function runOpenApi(args: string[]): number {
  let values;
  try {
    values = parseArgs({ args, options: { out: { type: 'string' }, server: { type: 'string' } }, strict: true, allowPositionals: false }).values;
  } catch (error) {
    process.stderr.write(`wxshop openapi: ${(error as Error).message}\n`);
    return 2;
  }
  const document = `${JSON.stringify(toOpenApi({ serverUrl: values.server }), null, 2)}\n`;
  if (values.out === undefined) {
    process.stdout.write(document);
    return 0;
  }
  try {
    writeFileSync(values.out, document);
  } catch (error) {
    process.stderr.write(`wxshop openapi: cannot write ${values.out}: ${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}
