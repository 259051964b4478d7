import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toOpenApi } from '@wxshop/api';
import { argumentErrorMessage, messages, type Language } from './messages.js';
import { colourOn, styles, type Output } from './terminal.js';

/**
 * Runs `wxshop openapi [--out FILE] [--server URL] [--json]`: writes the OpenAPI 3.1 document of
 * the wire API (every endpoint, generated from the contract) to FILE, or to stdout. Returns the
 * exit code: 0 written, 1 the file could not be written, 2 invalid arguments.
 */
export function runOpenApi(args: string[], language: Language, out: Output, err: Output, env: NodeJS.ProcessEnv = process.env): number {
  const text = messages(language);
  let values;
  try {
    values = parseArgs({
      args,
      options: { out: { type: 'string' }, server: { type: 'string' }, json: { type: 'boolean' }, lang: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    err.write(`${text.openapiBadOption(argumentErrorMessage(error, language))}\n`);
    return 2;
  }
  if (values.help) {
    out.write(`${text.openapiUsage}\n`);
    return 0;
  }
  const openapi = toOpenApi({ serverUrl: values.server });
  const document = `${JSON.stringify(openapi, null, 2)}\n`;
  // Without --out the document itself is the JSON output, so --json changes nothing there.
  if (values.out === undefined) {
    out.write(document);
    return 0;
  }
  try {
    writeFileSync(values.out, document);
  } catch (error) {
    err.write(`${styles(colourOn(err, env)).red(text.openapiWriteFailed(values.out, (error as Error).message))}\n`);
    return 1;
  }
  const paths = Object.keys(openapi.paths as object).length;
  if (values.json) out.write(`${JSON.stringify({ out: values.out, openapi: openapi.openapi, paths, bytes: Buffer.byteLength(document) })}\n`);
  else out.write(`${styles(colourOn(out, env)).green(text.openapiWritten(values.out, paths))}\n`);
  return 0;
}
