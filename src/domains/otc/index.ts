/**
 * Public surface of the FINRA OTC domain's pure parts: tiers, types, parsing, dedupe and calculations.
 * Other layers import from here rather than reaching into individual files.
 */
export * from './tiers.js';
export type * from './types.js';
export * from './reject-codes.js';
export * from './count.js';
export * from './dedupe.js';
export { recordToRawText } from './record-text.js';

export { readOtcFile } from './parse/read-otc-file.js';
export type { ReadOtcFileOptions } from './parse/read-otc-file.js';
export { parseOtcLines, parseOtcText, collectOtcBatches } from './parse/parse-otc-lines.js';
export type { ParsedOtc } from './parse/parse-otc-lines.js';
export { detectFileFacts } from './parse/detect-file-facts.js';
export type { OtcFileFacts } from './parse/detect-file-facts.js';
export { DEFAULT_BATCH_SIZE } from './parse/row-parser.js';
export type { OtcParseOptions } from './parse/row-parser.js';
export { HEADER_FALLBACKS } from './parse/header.js';
export { parseCount } from './parse/parse-count.js';

export * from './calculations/normalize.js';
export * from './calculations/symbol-summary.js';
export * from './calculations/venue-share.js';
export * from './calculations/symbol-venue.js';
export * from './calculations/symbol-venue-invariants.js';
export * from './calculations/rolling.js';
export * from './calculations/quality.js';
export * from './calculations/calc-registry.js';
export * from './calculations/determinism.js';
export * from './calculations/float-text.js';
