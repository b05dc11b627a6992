/** Every calendar stage function; pipeline definitions load this lazily, on the first stage that runs. */
export { computeTradingDaysStage } from './compute-trading-days.js';
export { ingestYearStage } from './ingest-year.js';
