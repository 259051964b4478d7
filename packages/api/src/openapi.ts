import { CONTRACT_ENTRIES, type ContractEntry } from './contract/index.js';
import type { ObjectSchema, Schema } from './contract/schema.js';
import type { EndpointModule } from './endpoints.js';
import { ERROR_CODES, type ErrorModule } from './errors/index.js';

/**
 * Catalogue sections whose codes an endpoint module can return, besides the generic and
 * component-wide codes every `/shop/*` call can return. The platform publishes codes per section
 * of its error-code page, not per endpoint, so this is the section-level view.
 */
const ERROR_SECTIONS: Partial<Record<EndpointModule, ErrorModule[]>> = {
  register: ['access'],
  account: ['access'],
  scene: ['scene', 'access'],
  image: ['image'],
  audit: ['audit', 'image'],
  product: ['product', 'image', 'access'],
  order: ['order'],
  delivery: ['delivery', 'order'],
  aftersale: ['aftersale', 'order'],
  coupon: ['coupon'],
  sharer: ['sharer'],
  funds: ['access'],
};

/** Error codes an endpoint can return: generic ones, component-wide ones for /shop/*, and its sections'. */
export function errorCodesFor(path: string, module: EndpointModule): number[] {
  const sections = new Set<ErrorModule>(['generic', ...(path.startsWith('/shop/') ? (['component'] as const) : []), ...(ERROR_SECTIONS[module] ?? [])]);
  return ERROR_CODES.filter((entry) => sections.has(entry.module)).map((entry) => entry.code);
}

/** A JSON Schema object as OpenAPI 3.1 uses it (JSON Schema 2020-12). */
export type JsonSchemaObject = { [keyword: string]: unknown };

export interface OpenApiOptions {
  /** Server URL to list; defaults to the platform host. */
  serverUrl?: string;
  /** Document version; defaults to the contract package version. */
  version?: string;
}

/** Converts one contract schema to JSON Schema. int64 is an integer with format int64. */
export function toJsonSchema(schema: Schema): JsonSchemaObject {
  const out: JsonSchemaObject = {};
  switch (schema.kind) {
    case 'string':
      out.type = 'string';
      if (schema.format === 'datetime') out.pattern = '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$';
      else if (schema.format === 'date') out.pattern = '^\\d{8}$';
      else if (schema.format === 'url') out.format = 'uri';
      else if (schema.format === 'binary') {
        // contentMediaType is the 3.1 form; format binary is the 3.0 form that some importers still read for file fields.
        out.contentMediaType = 'application/octet-stream';
        out.format = 'binary';
      }
      break;
    case 'integer':
      out.type = 'integer';
      break;
    case 'int64':
      out.type = 'integer';
      out.format = 'int64';
      break;
    case 'number':
      out.type = 'number';
      break;
    case 'boolean':
      out.type = 'boolean';
      break;
    case 'enum':
      out.type = schema.values.every((value) => typeof value === 'number') ? 'integer' : 'string';
      out.enum = [...schema.values];
      break;
    case 'array':
      out.type = 'array';
      out.items = toJsonSchema(schema.items);
      break;
    case 'object': {
      out.type = 'object';
      const properties: Record<string, JsonSchemaObject> = {};
      const required: string[] = [];
      for (const [name, field] of Object.entries(schema.fields as Record<string, Schema>)) {
        properties[name] = toJsonSchema(field);
        if (!field.optional) required.push(name);
      }
      out.properties = properties;
      if (required.length > 0) out.required = required;
      break;
    }
    case 'unknown':
      break;
  }
  if (schema.description) out.description = schema.description;
  return out;
}

const ERROR_ENVELOPE: JsonSchemaObject = {
  type: 'object',
  description: 'Every failure: HTTP 200 with a non-zero errcode; errmsg ends with ` rid: <rid>`.',
  properties: {
    errcode: { type: 'integer', description: 'Error code; see x-error-codes', not: { const: 0 } },
    errmsg: { type: 'string', description: 'Catalogue message, then ` rid: xxxxxxxx-xxxxxxxx-xxxxxxxx`' },
  },
  required: ['errcode', 'errmsg'],
};

function successSchema(response: ObjectSchema): JsonSchemaObject {
  const payload = toJsonSchema(response);
  const properties = payload.properties as Record<string, JsonSchemaObject>;
  return {
    ...payload,
    properties: {
      errcode: { type: 'integer', const: 0, description: '0 on success' },
      errmsg: { type: 'string', description: '"ok" on success; some live responses leave it out' },
      ...properties,
    },
  };
}

function operationId(entry: ContractEntry): string {
  return `${entry.group}${entry.name.charAt(0).toUpperCase()}${entry.name.slice(1)}`;
}

function operation(entry: ContractEntry): JsonSchemaObject {
  const { contract, info } = entry;
  const parameters: JsonSchemaObject[] = [];
  if (info.auth === 'access_token') {
    parameters.push({ name: 'access_token', in: 'query', required: true, schema: { type: 'string' }, description: 'Access token or authorizer token' });
  } else if (info.auth === 'component_access_token') {
    parameters.push({ name: 'component_access_token', in: 'query', required: true, schema: { type: 'string' }, description: 'Third-party platform token (also accepted as access_token)' });
  }
  const fields = contract.request.fields as Record<string, Schema>;
  const inQuery = new Set(info.body === 'none' ? Object.keys(fields) : (contract.queryFields ?? []));
  for (const name of inQuery) {
    const field = fields[name];
    if (!field) continue;
    parameters.push({ name, in: 'query', required: !field.optional && info.body === 'none', schema: toJsonSchema(field) });
  }
  const op: JsonSchemaObject = {
    operationId: operationId(entry),
    summary: contract.summary,
    tags: [entry.group],
    parameters,
    'x-error-codes': errorCodesFor(contract.path, info.module),
    responses: {
      '200': {
        description: 'Success payload, or the error envelope',
        content: {
          'application/json': { schema: { oneOf: [successSchema(contract.response), { $ref: '#/components/schemas/ErrorEnvelope' }] } },
        },
      },
    },
  };
  if (info.body === 'json') {
    op.requestBody = { required: true, content: { 'application/json': { schema: toJsonSchema(contract.request) } } };
  } else if (info.body === 'multipart') {
    op.requestBody = { required: true, content: { 'multipart/form-data': { schema: toJsonSchema(contract.request) } } };
  }
  return op;
}

/**
 * Builds the OpenAPI 3.1 document of every wire endpoint: request and response schemas from the
 * contract, the shared error envelope, and the error catalogue under `x-error-codes`.
 */
export function toOpenApi(options: OpenApiOptions = {}): JsonSchemaObject {
  const paths: Record<string, Record<string, JsonSchemaObject>> = {};
  for (const entry of CONTRACT_ENTRIES) {
    paths[entry.contract.path] = { [entry.info.method.toLowerCase()]: operation(entry) };
  }
  const tags = [...new Set(CONTRACT_ENTRIES.map((entry) => entry.group))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'WeChat Mini Program custom transaction component (wxshop)',
      version: options.version ?? '0.1.0',
      description: 'Wire API of the platform as the wxshop sandbox serves it. Every response is HTTP 200, and errors carry a non-zero errcode.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.serverUrl ?? 'https://api.weixin.qq.com' }],
    tags,
    paths,
    components: {
      schemas: { ErrorEnvelope: ERROR_ENVELOPE },
    },
    'x-error-codes': ERROR_CODES.map((entry) => ({
      code: entry.code,
      message: entry.message,
      description: entry.description,
      family: entry.family,
      retry: entry.retry,
    })),
  };
}
