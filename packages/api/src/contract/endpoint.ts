import type { ObjectSchema } from './schema.js';

/** The request and response schemas of one wire path. Method, auth and body kind live in ENDPOINTS. */
export interface EndpointContract<Req extends ObjectSchema = ObjectSchema, Res extends ObjectSchema = ObjectSchema> {
  /** Wire path, spelled as on the platform. */
  path: string;
  /** One line on what the call does. */
  summary: string;
  /** JSON body (or, for GET and multipart calls, the named parameters). */
  request: Req;
  /** Payload fields that sit beside `errcode` and `errmsg` on success. */
  response: Res;
  /** Names of request fields the platform reads from the query string instead of the body. */
  queryFields?: readonly string[];
}

/** Declares one endpoint; keeps the literal schema types for inference. */
export function endpoint<const Req extends ObjectSchema, const Res extends ObjectSchema>(
  definition: EndpointContract<Req, Res>,
): EndpointContract<Req, Res> {
  return definition;
}
