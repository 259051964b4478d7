/**
 * @wxshop/client: the typed SDK for the transaction component API. This first version exports the
 * error catalogue and the lossless JSON helpers that the SDK's calls are built on.
 */
export { explain, ERROR_CODES, parseJson, stringifyJson, type ErrorCodeEntry } from '@wxshop/api';
