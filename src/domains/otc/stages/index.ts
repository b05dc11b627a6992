/** Every OTC stage function; pipeline definitions load this lazily, on the first stage that runs. */
export { aggregateStage } from './aggregate.js';
export { ingestStage } from './ingest.js';
export { normalizeStage } from './normalize.js';
export { qualityGateAndPublishStage } from './publish.js';
export { rollingStage } from './rolling.js';
export { symbolVenueCalcsStage } from './symbol-venue-calcs.js';
export { venueShareStage } from './venue-share.js';
export { recomputeRevisionStage } from '../revisions/recompute.js';
