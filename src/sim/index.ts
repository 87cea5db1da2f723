/** The exchange simulator's public API. */
export { startSimulator, type FaultSwitches, type FeeOption, type Simulator, type SimulatorOptions, type SimulatorStats } from './simulator.js';
export { RATE_TIERS, RATE_TIER_NAMES, WRITE_COSTS, type RateTier } from './venue/rate-limit.js';
export { generateKeyPair, makeDevKey, readKeysFile, type DevKeyFiles, type GeneratedKeyPair } from './keys.js';
export { FAULT_KINDS, REST_FAULT_KINDS, parseFaultSpec, type FaultKind, type FaultSpec, type RestFaultKind } from './faults.js';
export { MALFORMED_FRAME } from './exchange/subscriber.js';
export type { MarketCloseType, MarketResult } from './exchange/market-events.js';
export { KeyRegistry, type AuthResult } from './server/key-registry.js';
export { Connection } from './server/connection.js';
export { SignedServer, startSignedServer, type SignedServerOptions } from './server/signed-server.js';
export { restError, type RestRequest, type RestResponse, type RestRoute } from './server/rest.js';
