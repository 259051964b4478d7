import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENDPOINTS } from './endpoints.js';
import { toOpenApi } from './openapi.js';

// A structural check against the OpenAPI 3.1 specification: the fixed fields each object must
// have, the allowed keys and values where the document uses them, and JSON Schema 2020-12
// keywords with valid values. It needs no network and no extra dependency.

const SCHEMA_KEYWORDS = new Set([
  'type', 'format', 'description', 'properties', 'required', 'items', 'enum', 'const', 'pattern',
  'oneOf', 'not', '$ref', 'contentMediaType',
]);
const JSON_TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean', 'null']);
const OPERATION_KEYS = new Set(['operationId', 'summary', 'tags', 'parameters', 'requestBody', 'responses', 'x-error-codes']);
const PARAMETER_LOCATIONS = new Set(['query', 'header', 'path', 'cookie']);

type Json = Record<string, any>;

function checkSchema(schema: Json, where: string, document: Json): void {
  assert.equal(typeof schema, 'object', `${where}: a schema is an object`);
  for (const key of Object.keys(schema)) assert.ok(SCHEMA_KEYWORDS.has(key), `${where}: unexpected keyword ${key}`);
  if (schema.$ref !== undefined) {
    assert.match(schema.$ref, /^#\/components\/schemas\/\w+$/, `${where}: local $ref`);
    assert.ok(document.components.schemas[schema.$ref.split('/').pop()], `${where}: $ref ${schema.$ref} resolves`);
  }
  if (schema.type !== undefined) assert.ok(JSON_TYPES.has(schema.type), `${where}: type ${schema.type}`);
  if (schema.format === 'int64') assert.equal(schema.type, 'integer', `${where}: int64 is an integer format`);
  if (schema.enum !== undefined) {
    assert.ok(Array.isArray(schema.enum), `${where}: enum is an array`);
    assert.ok(schema.enum.length > 0, `${where}: enum is not empty`);
    for (const value of schema.enum) assert.equal(typeof value, schema.type === 'integer' ? 'number' : 'string', `${where}: enum value ${value}`);
  }
  if (schema.pattern !== undefined) assert.doesNotThrow(() => new RegExp(schema.pattern), `${where}: pattern compiles`);
  if (schema.required !== undefined) {
    assert.ok(Array.isArray(schema.required), `${where}: required is an array`);
    for (const name of schema.required) assert.ok(schema.properties?.[name], `${where}: required ${name} is a property`);
  }
  for (const [name, property] of Object.entries<Json>(schema.properties ?? {})) checkSchema(property, `${where}.${name}`, document);
  if (schema.items !== undefined) checkSchema(schema.items, `${where}[]`, document);
  for (const [index, option] of (schema.oneOf ?? []).entries()) checkSchema(option, `${where}|${index}`, document);
  if (schema.not !== undefined) checkSchema(schema.not, `${where}!`, document);
}

test('the OpenAPI document has the fixed fields OpenAPI 3.1 requires', () => {
  const document = toOpenApi();
  assert.match(document.openapi as string, /^3\.1\.\d+$/);
  const info = document.info as Json;
  assert.equal(typeof info.title, 'string');
  assert.equal(typeof info.version, 'string');
  assert.ok(Array.isArray(document.servers) && (document.servers as Json[]).every((server) => typeof server.url === 'string'));
  assert.equal(typeof document.paths, 'object');
});

test('the OpenAPI document lists every wire endpoint with its method', () => {
  const paths = toOpenApi().paths as Record<string, Json>;
  assert.equal(Object.keys(paths).length, ENDPOINTS.length);
  for (const endpoint of ENDPOINTS) {
    const item = paths[endpoint.path];
    assert.ok(item, `${endpoint.path} is in the document`);
    assert.deepEqual(Object.keys(item), [endpoint.method.toLowerCase()], `${endpoint.path} has only its method`);
  }
});

test('every operation is well formed: unique operationId, parameters, body and 200 answer', () => {
  const document = toOpenApi();
  const seen = new Set<string>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    assert.match(path, /^\//);
    for (const [method, operation] of Object.entries<Json>(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const key of Object.keys(operation)) assert.ok(OPERATION_KEYS.has(key), `${where}: unexpected key ${key}`);
      assert.ok(!seen.has(operation.operationId), `${where}: operationId ${operation.operationId} is unique`);
      seen.add(operation.operationId);
      const names = new Set<string>();
      for (const parameter of operation.parameters as Json[]) {
        assert.ok(PARAMETER_LOCATIONS.has(parameter.in), `${where}: parameter location ${parameter.in}`);
        assert.equal(typeof parameter.name, 'string');
        assert.ok(!names.has(`${parameter.in}:${parameter.name}`), `${where}: parameter ${parameter.name} once`);
        names.add(`${parameter.in}:${parameter.name}`);
        checkSchema(parameter.schema, `${where} ?${parameter.name}`, document);
      }
      if (method === 'get') assert.equal(operation.requestBody, undefined, `${where}: GET has no body`);
      else {
        const content = operation.requestBody?.content as Json;
        assert.ok(content, `${where}: has a request body`);
        for (const [mediaType, media] of Object.entries<Json>(content)) {
          assert.match(mediaType, /^(application\/json|multipart\/form-data)$/);
          checkSchema(media.schema, `${where} body`, document);
        }
      }
      const ok = operation.responses['200'];
      assert.equal(typeof ok.description, 'string', `${where}: a response has a description`);
      const schema = ok.content['application/json'].schema;
      checkSchema(schema, `${where} 200`, document);
      assert.equal(schema.oneOf[1].$ref, '#/components/schemas/ErrorEnvelope', `${where}: the error envelope is an answer`);
    }
  }
});

test('int64 ids are integers of format int64 and the error envelope is shared', () => {
  const document = toOpenApi() as Json;
  const add = document.paths['/shop/order/add'].post;
  const data = add.responses['200'].content['application/json'].schema.oneOf[0].properties.data;
  assert.deepEqual({ type: data.properties.order_id.type, format: data.properties.order_id.format }, { type: 'integer', format: 'int64' });
  const envelope = document.components.schemas.ErrorEnvelope;
  assert.deepEqual(envelope.required, ['errcode', 'errmsg']);
  assert.ok(document['x-error-codes'].some((entry: Json) => entry.code === 45009 && entry.retry === 'no'));
});

test('the token call is a GET with its parameters in the query string', () => {
  const operation = (toOpenApi() as Json).paths['/cgi-bin/token'].get;
  assert.deepEqual(operation.parameters.map((parameter: Json) => parameter.name).sort(), ['appid', 'grant_type', 'secret']);
  assert.ok(operation.parameters.every((parameter: Json) => parameter.in === 'query' && parameter.required));
});

test('operations list the error codes of their catalogue sections', () => {
  const paths = (toOpenApi() as Json).paths;
  const spuAdd: number[] = paths['/shop/spu/add'].post['x-error-codes'];
  for (const code of [-1, 40001, 45009, 1000001, 1070010]) assert.ok(spuAdd.includes(code), `spu/add lists ${code}`);
  assert.ok(!spuAdd.includes(2747008), 'spu/add does not list aftersale codes');
  const token: number[] = paths['/cgi-bin/token'].get['x-error-codes'];
  assert.ok(token.includes(40125));
  assert.ok(!token.includes(1000001));
});
