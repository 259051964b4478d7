/**
 * A small schema vocabulary for the wire contract. Each schema is plain data, so the same object
 * drives the SDK's TypeScript types (through `Infer` and `InferInput`), the OpenAPI export and the
 * SDK's int64 conversion. A field is written once.
 *
 * @example
 * const Sku = object({ sku_id: int64('Platform id'), out_sku_id: string('Merchant id') });
 * type Sku = Infer<typeof Sku>; // { sku_id: string; out_sku_id: string }
 */

interface SchemaBase {
  description?: string;
  /** Set by `optional()`: the field may be left out. */
  optional?: true;
}

export interface StringSchema extends SchemaBase {
  kind: 'string';
  /** `datetime` is `YYYY-MM-DD HH:mm:ss` China time; `date` is `yyyyMMdd`. */
  format?: 'datetime' | 'date' | 'url' | 'binary';
}
export interface IntegerSchema extends SchemaBase {
  kind: 'integer';
}
/** A 64-bit integer id: a bare JSON number on the wire, a decimal string in the SDK. */
export interface Int64Schema extends SchemaBase {
  kind: 'int64';
}
export interface NumberSchema extends SchemaBase {
  kind: 'number';
}
export interface BooleanSchema extends SchemaBase {
  kind: 'boolean';
}
export interface EnumSchema<V extends string | number = string | number> extends SchemaBase {
  kind: 'enum';
  values: readonly V[];
}
export interface ArraySchema<I extends Schema = Schema> extends SchemaBase {
  kind: 'array';
  items: I;
}
export type Fields = { readonly [name: string]: Schema };
export interface ObjectSchema<F extends Fields = Fields> extends SchemaBase {
  kind: 'object';
  fields: F;
}
/** A value whose shape the platform does not publish; passed through untouched. */
export interface UnknownSchema extends SchemaBase {
  kind: 'unknown';
}

export type Schema =
  | StringSchema
  | IntegerSchema
  | Int64Schema
  | NumberSchema
  | BooleanSchema
  | EnumSchema
  | ArraySchema<any>
  | ObjectSchema<any>
  | UnknownSchema;

export function string(description?: string, format?: StringSchema['format']): StringSchema {
  return format ? { kind: 'string', description, format } : { kind: 'string', description };
}
/** A `YYYY-MM-DD HH:mm:ss` China-time string. */
export function datetime(description?: string): StringSchema {
  return string(description, 'datetime');
}
export function integer(description?: string): IntegerSchema {
  return { kind: 'integer', description };
}
export function int64(description?: string): Int64Schema {
  return { kind: 'int64', description };
}
export function number(description?: string): NumberSchema {
  return { kind: 'number', description };
}
export function boolean(description?: string): BooleanSchema {
  return { kind: 'boolean', description };
}
export function enumOf<const V extends string | number>(values: readonly V[], description?: string): EnumSchema<V> {
  return { kind: 'enum', values, description };
}
export function array<I extends Schema>(items: I, description?: string): ArraySchema<I> {
  return { kind: 'array', items, description };
}
export function object<const F extends Fields>(fields: F, description?: string): ObjectSchema<F> {
  return { kind: 'object', fields, description };
}
export function unknown(description?: string): UnknownSchema {
  return { kind: 'unknown', description };
}
/** Marks a field as one the caller or the platform may leave out. */
export function optional<S extends Schema>(schema: S): S & { optional: true } {
  return { ...schema, optional: true };
}
/** An object with every field optional, for the payloads the platform fills only in part. */
export function partial<const F extends Fields>(fields: F, description?: string): ObjectSchema<{ [K in keyof F]: F[K] & { optional: true } }> {
  const out: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(fields)) out[name] = { ...schema, optional: true };
  return object(out, description) as ObjectSchema<{ [K in keyof F]: F[K] & { optional: true } }>;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<F> = { [K in keyof F]: F[K] extends { optional: true } ? K : never }[keyof F];
type RequiredKeys<F> = Exclude<keyof F, OptionalKeys<F>>;

/** The TypeScript type of a value the platform returns; int64 ids are decimal strings. */
export type Infer<S> = S extends { kind: 'string' }
  ? string
  : S extends { kind: 'int64' }
    ? string
    : S extends { kind: 'integer' } | { kind: 'number' }
      ? number
      : S extends { kind: 'boolean' }
        ? boolean
        : S extends { kind: 'enum'; values: readonly (infer V)[] }
          ? V
          : S extends { kind: 'array'; items: infer I }
            ? Infer<I>[]
            : S extends { kind: 'object'; fields: infer F }
              ? Simplify<{ [K in RequiredKeys<F>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Infer<F[K]> }>
              : unknown;

/**
 * The TypeScript type of a value sent to the platform. int64 ids may be given as a decimal
 * string (the SDK's own form), a bigint, or a safe integer number.
 */
export type InferInput<S> = S extends { kind: 'int64' }
  ? string | bigint | number
  : S extends { kind: 'array'; items: infer I }
    ? InferInput<I>[]
    : S extends { kind: 'object'; fields: infer F }
      ? Simplify<{ [K in RequiredKeys<F>]: InferInput<F[K]> } & { [K in OptionalKeys<F>]?: InferInput<F[K]> }>
      : Infer<S>;

const DECIMAL_INTEGER = /^-?\d+$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Prepares a value for the wire: every int64 field given as a decimal string (or bigint) becomes
 * a number when exact, or a bigint that `stringifyJson` writes as a bare JSON integer. Fields the
 * schema does not know are copied unchanged.
 */
export function toWire(schema: Schema, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  switch (schema.kind) {
    case 'int64': {
      if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) {
        const big = BigInt(value);
        return big <= MAX_SAFE && big >= -MAX_SAFE ? Number(big) : big;
      }
      return value;
    }
    case 'array':
      return Array.isArray(value) ? value.map((item) => toWire(schema.items, item)) : value;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
        const fieldSchema = (schema.fields as Fields)[name];
        out[name] = fieldSchema ? toWire(fieldSchema, field) : field;
      }
      return out;
    }
    default:
      return value;
  }
}

/**
 * Shapes a parsed response for SDK users: every int64 field becomes a decimal string, and any
 * other integer beyond 2^53 (a bigint from the lossless parser) becomes a string too, so no value
 * is rounded and every value survives `JSON.stringify`.
 */
export function fromWire(schema: Schema | undefined, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || value === undefined) return value;
  if (schema?.kind === 'int64' && typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (Array.isArray(value)) {
    const items = schema?.kind === 'array' ? schema.items : undefined;
    return value.map((item) => fromWire(items, item));
  }
  if (typeof value === 'object') {
    const fields = schema?.kind === 'object' ? (schema.fields as Fields) : undefined;
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value as Record<string, unknown>)) out[name] = fromWire(fields?.[name], field);
    return out;
  }
  return value;
}
