/**
 * Thrown by a reference service only under a fault that asks for a crash (`wrong-type-crashes`,
 * `missing-param-crashes` …): the server answers a bare HTTP 500, as a crashing handler would.
 */
export class FaultCrash extends Error {}
