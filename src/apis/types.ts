/**
 * What one API module exports (src/apis/<id>/api.ts): everything promoproof knows of the API — its
 * protocol and compiled spec, its faults and spec mutations, the readings the documents allow, its
 * test-control actions, its catalogue fixtures, and the reference face that serves it. The registry
 * (src/apis/index.ts) lists the modules; the engine, the reference server, the fault map and the
 * default suites are built by iterating it, so adding an API is its folder and one entry there.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiAuditHooks } from './audit-hooks.js';
import type { JosService } from '../protocols/jos/gateway.js';
import type { SystemProbe } from '../protocols/types.js';
import type { EnvelopeReshape } from '../reference/answer-shapes.js';
import type { ServerOptions } from '../reference/server.js';
import type { FreshPath } from '../scenario/freshen.js';
import type { FixtureSku } from '../scenario/template.js';
import type { Json, SkuPool } from '../scenario/types.js';
import type { CompiledApi } from '../spec/compile.js';
import type { JosProtocolSpec } from '../spec/types.js';

/** A named fault: one deliberate violation of one rule. */
export interface NamedFault {
  readonly id: string;
  /** The rule it breaks (its self-test runs the checks covering it). */
  readonly rule: string;
  readonly description: string;
}

/** A spec mutation as listed: what it changes and the rules it breaks. */
export interface MutationInfo {
  readonly description: string;
  readonly rules: readonly string[];
}

/** The faults the reference can run the API with (`serve --fault`, the self-test). */
export interface ApiFaults {
  /** The named faults, in the order `serve --list-faults` lists them (static: no spec is loaded). */
  readonly named: readonly NamedFault[];
  /** Every rule a named fault of this API breaks: its rule, then any it also breaks. */
  readonly rulesOf: (id: string) => readonly string[];
  /** The prefix of its spec mutations' ids (`spec:tcc:`); of several matching prefixes, the longest owns an id. */
  readonly mutationPrefix: string;
  /** Its spec mutations by id, derived once per process (this loads the spec). */
  readonly mutations: () => ReadonlyMap<string, MutationInfo>;
}

/**
 * A reading: a behaviour the documents allow besides the reference's own choice. A fault breaks a
 * rule; a reading keeps every `must` rule and departs only from a `ref` choice of ours, so the
 * reference under readings stands in for another correct implementation.
 */
export interface ReadingDef {
  /** The `ref` rule of ours the reading departs from. */
  readonly departsFrom: string;
  /** What the document says that allows it. */
  readonly because: string;
  readonly description: string;
}

/** The HTTP request of a test-control step: POSTed as JSON to `<testControlUrl>/<path>`. */
export interface ControlRequest {
  readonly path: string;
  /** Sent as `JSON.stringify(body)`. */
  readonly body: unknown;
  /** Whether an answer's HTTP status means the action was done. */
  readonly accepts: (status: number) => boolean;
}

/** A named test-control action of an API (`control: {action: NAME, …}`): its request, from the step's evaluated fields. */
export type ControlActionDef = (fields: Readonly<Record<string, Json>>) => Omit<ControlRequest, 'accepts'>;

/** The catalogue fixtures a target offers the scenarios: its SKUs (`${sku.ROLE}`, `${sku[i]}`) and SKU pool (`${pool[i]}`). */
export interface TargetFixtures {
  readonly skus: readonly FixtureSku[];
  readonly skuPool?: SkuPool;
}

/** How an API that has catalogue fixtures finds them. */
export interface FixturesHook {
  /** The reference's fixtures: what it serves out of the box. */
  readonly reference: () => TargetFixtures;
  /** The fixtures a target config declares under `fixtures:` (already checked against its schema). */
  readonly fromConfig: (fixtures: Readonly<Record<string, unknown>>) => TargetFixtures;
}

/** What every face is mounted with. */
export interface FaceContext {
  /** The real clock, epoch ms. */
  readonly now: () => number;
  /** The server's fault: a face ignores the faults of other APIs. */
  readonly fault?: string;
  readonly testControl: boolean;
  /** The state of the faces mounted before this one, by API id (the coupon platform reads the Tencent face's batches). */
  readonly faces: Readonly<Record<string, unknown>>;
  /** The readings the server runs with: a face follows the ones of its API. */
  readonly readings: ReadonlySet<string>;
  /** The server's options, for the ones a face reads (the JD promotion service's catalogue and JOS credentials). */
  readonly server: ServerOptions;
  /** How the face's gateway rewrites its successes under the server's answer-shape readings; none without them. */
  readonly reshapeSuccess?: EnvelopeReshape;
}

/**
 * The reference's face of an API: its routes (its gateway, or its service on the reference's one JOS
 * router, as the platform has one URL for every JOS method), its test control, and its state. Only
 * types of fastify are named here: the reference server (src/reference/server.ts) is the one module
 * that loads it.
 */
export interface Face {
  /** Mounts the face; the returned state is decorated on the server as `faces[api]`, for tests and later faces. */
  readonly mount: (app: FastifyInstance, ctx: FaceContext) => unknown;
  /** Also decorate the state as `app[name]` (`promoproof`, `couponBatch`: kept for programs and tests that read them). */
  readonly decorateAs?: string;
  /** A JOS API: its service, served by the reference's JOS router. */
  readonly josService?: (state: unknown) => JosService;
  /** The JOS protocol as this API enforces it under a fault (the API the JOS faults and protocol mutations are listed under). */
  readonly josProtocol?: (fault: string | undefined) => JosProtocolSpec;
  /** Under this fault, the JOS router lets callers of this method through unchecked (a fault of the API, not of JOS). */
  readonly callerUnchecked?: (fault: string | undefined, method: string) => boolean;
}

/** One API: the registry's entry, exported by src/apis/<id>/api.ts. */
export interface ApiDef {
  /** The API's id: its spec folder, its scenarios folder (the suite's name) and its key in a target. */
  readonly id: string;
  readonly title: string;
  /** The protocol its operations are called through (src/protocols/index.ts). */
  readonly protocol: string;
  readonly compiled: () => CompiledApi;
  /** The rule-id prefixes whose coverage its suite reports. */
  readonly rulePrefixes: readonly string[];
  /** The call the protocol's system cases make: harmless (read-only, or an idempotent update), valid. */
  readonly systemProbe: SystemProbe;
  /**
   * Values of the API a target config must give under `apis.<id>.options` (scenarios read them as
   * `${target.NAME}`), each with the value the embedded reference uses.
   */
  readonly options?: Readonly<Record<string, { readonly description: string; readonly embedded: string }>>;
  /**
   * Fields of a JSON body that identify a record the call creates or updates (`coupons[].external_coupon_id`):
   * generated cases and the system probe send fresh values there, so runs never overwrite each other's
   * records on a shared target, nor a real record with the document's example id.
   */
  readonly freshPaths?: readonly FreshPath[];
  readonly faults: ApiFaults;
  /** The readings of its reference, by id (unique across the registry). */
  readonly readings: Readonly<Record<string, ReadingDef>>;
  /** Its named test-control actions, by name (unique across the registry). */
  readonly controlActions?: Readonly<Record<string, ControlActionDef>>;
  /** Where its test-control routes are on the reference and what they move (the `serve` banner lists them). */
  readonly testControlRoutes?: { readonly path: string; readonly what: string };
  /** Its catalogue fixtures, for an API whose scenarios pick SKUs. */
  readonly fixtures?: FixturesHook;
  /** Its face on the reference server. */
  readonly face: Face;
  /** What the load audit reads of it and asks it (src/apis/audit-hooks.ts); absent: its operations are not audited. */
  readonly audit?: ApiAuditHooks;
}
