import { ENDPOINTS, type EndpointInfo } from '../endpoints.js';
import type { EndpointContract } from './endpoint.js';
import { aftersale, delivery, ecAftersale, order } from './order.js';
import { complaint, funds, pay, wxpay } from './funds.js';
import { coupon, promoter, sharer } from './marketing.js';
import { account, audit, category, image, register, scene } from './onboarding.js';
import { spu } from './product.js';
import { component, quota, token } from './token.js';

// The schema builders (string, int64, object …) stay under one name so that the package root
// does not export generic words; the types and the wire converters are exported directly.
export * as schema from './schema.js';
export { fromWire, toWire } from './schema.js';
export type { Infer, InferInput, Schema, ObjectSchema, Fields } from './schema.js';
export * from './endpoint.js';
export { Address as AddressSchema, PaymentParams as PaymentParamsSchema } from './common.js';
export { Spu as SpuSchema } from './product.js';
export { Order as OrderSchema, AftersaleOrder as AftersaleOrderSchema } from './order.js';

/**
 * Every endpoint's contract, grouped the way the SDK exposes them (`client.spu.add`,
 * `client.order.getPaymentParams`).
 */
export const CONTRACT = {
  token,
  quota,
  component,
  register,
  scene,
  category,
  image,
  audit,
  account,
  spu,
  order,
  delivery,
  aftersale,
  ecAftersale,
  coupon,
  sharer,
  promoter,
  wxpay,
  funds,
  pay,
  complaint,
} as const;

export type Contract = typeof CONTRACT;
export type ContractGroup = keyof Contract;

/** One contract entry with its group, method name and wire facts. */
export interface ContractEntry {
  group: ContractGroup;
  name: string;
  contract: EndpointContract;
  info: EndpointInfo;
}

function collect(): ContractEntry[] {
  const byPath = new Map(ENDPOINTS.map((info) => [info.path, info]));
  const entries: ContractEntry[] = [];
  for (const [group, methods] of Object.entries(CONTRACT) as [ContractGroup, Record<string, EndpointContract>][]) {
    for (const [name, contract] of Object.entries(methods)) {
      const info = byPath.get(contract.path);
      if (!info) throw new Error(`Contract path ${contract.path} is not in ENDPOINTS`);
      entries.push({ group, name, contract, info });
    }
  }
  return entries;
}

/** Every contract entry, in contract order. */
export const CONTRACT_ENTRIES: readonly ContractEntry[] = collect();

const ENTRY_BY_PATH = new Map(CONTRACT_ENTRIES.map((entry) => [entry.contract.path, entry]));

/** Returns the contract of a wire path, or undefined for a path the platform does not have. */
export function findContract(path: string): ContractEntry | undefined {
  return ENTRY_BY_PATH.get(path);
}
