import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { toOpenApi } from './openapi.js';

// Validation against the published schemas, besides the structural checks in openapi.test.ts:
// the whole document against the OpenAPI 3.1 schema that @seriousme/openapi-schema-validator
// ships, and every Schema Object against the JSON Schema 2020-12 meta-schema. The OpenAPI 3.1
// schema only requires a Schema Object to be an object or a boolean, hence the second check.

type Json = Record<string, any>;

/** Yields every Schema Object of the document with a path that names where it sits. */
function* schemaObjects(document: Json): Generator<[string, Json]> {
  for (const [name, schema] of Object.entries<Json>(document.components?.schemas ?? {})) yield [`components.schemas.${name}`, schema];
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const [method, operation] of Object.entries<Json>(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const parameter of operation.parameters ?? []) yield [`${where} ?${parameter.name}`, parameter.schema];
      for (const [mediaType, media] of Object.entries<Json>(operation.requestBody?.content ?? {})) yield [`${where} body ${mediaType}`, media.schema];
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        for (const [mediaType, media] of Object.entries<Json>(response.content ?? {})) yield [`${where} ${status} ${mediaType}`, media.schema];
      }
    }
  }
}

test('OpenAPI document is valid against the OpenAPI 3.1 schema', async () => {
  const validator = new Validator();
  const result = await validator.validate(toOpenApi({ serverUrl: 'http://127.0.0.1:8930' }));
  assert.equal(validator.version, '3.1');
  assert.deepEqual(result.errors ?? [], [], JSON.stringify(result.errors, null, 2));
  assert.equal(result.valid, true);
});

test('OpenAPI validator rejects a broken document', async () => {
  // Proves that the check above can fail: `in: body` is OpenAPI 2.0 and invalid in 3.1.
  const document = toOpenApi() as Json;
  document.paths['/shop/spu/add'].post.parameters.push({ name: 'payload', in: 'body', schema: { type: 'object' } });
  const result = await new Validator().validate(document);
  assert.equal(result.valid, false);
});

test('every Schema Object is valid JSON Schema 2020-12', () => {
  // Strict mode also rejects keywords that JSON Schema does not define, which the meta-schema allows.
  const ajv = new Ajv2020({ strict: true });
  ajv.addFormat('int64', true);
  ajv.addFormat('uri', true);
  ajv.addFormat('binary', true);
  const document = toOpenApi() as Json;
  ajv.addSchema(document.components.schemas.ErrorEnvelope, 'ErrorEnvelope');
  let count = 0;
  for (const [where, schema] of schemaObjects(document)) {
    assert.equal(ajv.validateSchema(schema), true, `${where}: ${ajv.errorsText(ajv.errors)}`);
    // A $ref points into the OpenAPI document; the envelope is registered under its own name.
    const standalone = JSON.parse(JSON.stringify(schema).replaceAll('#/components/schemas/ErrorEnvelope', 'ErrorEnvelope'));
    assert.doesNotThrow(() => ajv.compile(standalone), where);
    count += 1;
  }
  assert.ok(count > 200, `checked ${count} schemas`);
});

test('OpenAPI document has what Apifox and Postman import', () => {
  const document = toOpenApi() as Json;
  assert.equal(document.openapi, '3.1.0');
  assert.ok(document.servers.length > 0, 'a server to send requests to');
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const [method, operation] of Object.entries<Json>(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.match(operation.operationId, /^[A-Za-z][A-Za-z0-9_]*$/, `${where}: operationId`);
      assert.equal(typeof operation.summary, 'string', `${where}: summary`);
      const media = operation.responses['200'].content['application/json'];
      assert.ok(media.schema, `${where}: response schema`);
      if (method === 'post') assert.ok(operation.requestBody?.content, `${where}: request body`);
      for (const [name, property] of Object.entries<Json>(operation.requestBody?.content?.['multipart/form-data']?.schema.properties ?? {})) {
        if (property.contentMediaType) assert.equal(property.format, 'binary', `${where}: file field ${name} in the 3.0 form too`);
      }
    }
  }
});
