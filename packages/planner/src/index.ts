// @herald/planner: pure planning for Herald. No I/O, no timers, no clock: time comes in as `now`.
export { PlanInputError, type ArborescenceResult, type NetworkGraph, type PlanGraph } from "./plan-graph.js";
export { minCostArborescence } from "./min-cost-arborescence.js";
export { parsePlanInput, formatPlanText } from "./plan-input.js";
export {
  CHEAP_REMOTE_COST,
  SEMI_EXPENSIVE_REMOTE_COST,
  EXPENSIVE_REMOTE_COST,
  VERY_EXPENSIVE_REMOTE_COST,
  defaultCost,
  remoteKindOf,
  type RemoteKind,
} from "./default-costs.js";
export {
  graphFromAdverts,
  childrenOf,
  pathTo,
  type AdvertGraph,
  type GraphFromAdvertsOptions,
  type LinkAdvert,
  type NodeAdvert,
} from "./network-graph.js";
export { renderMap, type MapFormat } from "./map-render.js";
export { createBucket, take, spend, refill, type Bucket, type BucketConfig } from "./token-bucket.js";
export { planTransfers, type Transfer } from "./transfer-schedule.js";
export {
  TransferScheduler,
  type ScheduledTransfer,
  type SchedulerEvent,
  type SchedulerLimits,
} from "./transfer-scheduler.js";
// The seeded PRNG behind randomGraph, also the test kit's link jitter: one generator, replayable by seed.
export { seededRandom } from "./random-graph.js";
