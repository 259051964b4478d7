import { explain } from '@wxshop/api';

/**
 * The one error type that services throw. It carries a catalogue code, an optional replacement
 * for the catalogue message (for messages with details, such as category names), and the name of
 * the rule that fired, which the request log records. Only the pipeline turns it into a reply.
 */
export class WireError extends Error {
  constructor(
    readonly errcode: number,
    readonly rule: string,
    readonly wireMessage?: string,
  ) {
    // Expected rejections are returned to the caller, never debugged from a stack, so skipping
    // the capture keeps a rejected request cheap.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${errcode} ${wireMessage ?? explain(errcode)?.message ?? ''} (${rule})`);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'WireError';
    if (explain(errcode) === undefined) throw new Error(`Error code ${errcode} is not in the catalogue`);
  }
}
