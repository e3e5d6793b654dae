/**
 * promoproof's programmatic API. The CLI (src/cli) is a thin layer over these functions; everything
 * here returns data and never exits the process.
 */

// The conformance run
export {
  runConformance,
  planChecks,
  CHECK_DEFAULTS,
  defaultSuites,
  TargetUnreachableError,
  type ConformanceOptions,
} from './engine/conformance.js';
export { selfTest, type SelfTestResult, type FaultVerdict, type SelfTestOptions } from './engine/self-test.js';
export { loadTargetConfig, targetFromUrl, referenceSkus } from './engine/targets/config.js';
export { loadWaivers } from './engine/waivers.js';
export { estimateClockOffset } from './core/clock-offset.js';
export { preflight, PreflightError, abortedReport, type PreflightResult, type PreflightOptions } from './engine/preflight.js';
export type { Target, ClockEstimate } from './engine/target.js';
export { startEmbedded, type EmbeddedTarget, type EmbeddedOptions } from './engine/targets/embedded.js';
export {
  startReferenceProcess,
  ReferenceProcessError,
  type ReferenceProcess,
  type ReferenceProcessOptions,
  type ReferenceProcessFailure,
} from './engine/targets/reference-process.js';
export { targetSecrets } from './engine/targets/secrets.js';
export { APIS, type ApiDef } from './apis/index.js';
export { PROTOCOLS, protocolAdapter } from './protocols/index.js';
export type { ProtocolAdapter, Endpoint, DecodedAnswer, Exchange, SendInput } from './protocols/types.js';
export type { RunEvent } from './engine/run.js';

// Scenarios
export { loadSuite, type LoadedSuite } from './scenario/load-suite.js';
export { planSuite } from './scenario/plan.js';
export { generateChecks } from './generate/index.js';
export { LoadError, LOAD_ERROR_CODES, type LoadProblem } from './core/errors.js';
export type { PlannedCheck, ScenarioDoc, Step, Expectation } from './scenario/types.js';

// Reports
export { REPORTERS, REPORT_FORMATS, isReportFormat, redactSecrets, type ReportFormat } from './report/index.js';
export type {
  RunReport,
  CheckResult,
  CheckStatus,
  Summary,
  Coverage,
  Waiver,
  Failure,
  Preflight,
  PreflightProblemKind,
} from './report/types.js';

// Load results (the JSON report of `promoproof load`, specs/schema/load-report.schema.json)
export { mergeLoadResults } from './load/result.js';
export { evaluateSlos, type GateSlo } from './load/slo.js';
export { renderLoadHtml, type LoadHtmlOptions } from './load/render-html.js';
export { renderLoadMarkdown, type LoadMarkdownOptions } from './load/render-markdown.js';
export {
  compareWithBaseline,
  parseBaseline,
  BaselineError,
  BASELINE_NOISE,
  type BaselineComparison,
  type BaselineFinding,
} from './load/baseline.js';
export type {
  LoadResult,
  PhaseResult,
  OperationResult,
  ClassResult,
  OutcomeClass,
  LatencySummary,
  GeneratorHealth,
  LoadSample,
  SloVerdict,
  AuditResult,
  AuditStatus,
  AuditInvariantResult,
  AuditExample,
  LoadSeries,
  SeriesBucket,
  SeriesClass,
} from './load/types.js';

// The reference implementation
export { buildServer, type ServerOptions } from './reference/server.js';
export type { ReferenceState } from './apis/jd-promotion/state.js';
export { isFaultId, type FaultId } from './reference/faults.js';
export { FAULTS, specMutationsById, type FaultName } from './apis/jd-promotion/fault-table.js';
export { ALL_READINGS, READINGS, isReadingId, type ReadingId } from './apis/readings.js';
export { DEFAULT_CREDENTIALS, type JosCredentials } from './protocols/jos/credentials.js';
export { seedCatalogue, loadCatalogueFile, type CatalogueSku } from './apis/jd-promotion/catalogue.js';

// Specs and the JOS protocol
export { loadPromotionSpec, loadJosProtocol, loadRules, SPECS_DIR } from './spec/load.js';
export { promotionApiCompiled, compileApi } from './spec/compile.js';
export { validateRequest } from './spec/validate-request.js';
export { josSign, josSignBase, parseSignMethod, type JosSignMethod } from './protocols/jos/sign.js';
export { buildJosParams, resign, toFormBody } from './protocols/jos/client.js';
export { parseJosTimestamp, formatJosTimestamp, formatJosTimestampWithOffset } from './protocols/jos/timestamp.js';
export { decodeAnswer, successKey, errorEnvelope, type JosAnswer } from './protocols/jos/envelope.js';
export { VERSION } from './version.js';
