/** Where a value sits in a source file: 1-based line and column. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Codes of problems in scenario, load profile, target-config, waiver and spec files. Never reused. */
export const LOAD_ERROR_CODES = {
  PP_YAML_SYNTAX: 'the file is not valid YAML',
  PP_SCHEMA: 'the file does not match its JSON Schema',
  PP_TEMPLATE: 'a ${…} template or $constructor is malformed',
  PP_UNKNOWN_OPERATION: 'a step calls an operation the suite spec does not have',
  PP_UNKNOWN_RULE: 'a scenario covers a rule id that specs/rules.yaml does not have',
  PP_UNKNOWN_FIXTURE: 'a step uses a fixture the suite does not define',
  PP_DUPLICATE_ID: 'two scenarios (or fixtures) of a suite share an id',
  PP_CAPABILITY: 'a scenario uses test control without requiring it',
  PP_SKU_ROLE: 'a template names a SKU role that is not declared, or SKU roles contradict each other',
  PP_SUITE_MISMATCH: "a file's suite differs from its folder",
  PP_UNKNOWN_SUITE: 'no such suite folder under scenarios/',
  PP_FILE: 'the file cannot be read',
  PP_TRANSPORT: "a step's transport uses a field its suite's protocol does not understand",
  PP_REF_ANSWER: 'a must check reads or captures a part of an answer that is ours (tagged with ref rules only)',
  PP_UNKNOWN_API: 'a load profile names an API promoproof does not have, or one its `apis` does not list',
  PP_UNKNOWN_CODE: "a load profile expects a refusal code that neither the operation's spec nor its protocol declares",
  PP_PROFILE:
    "a load profile does not hold together: a duration or SLO that does not parse, an operation its mix lacks, a name other than its file's",
  PP_BINDING: 'a binding (apis.<api>.binding) maps onto an operation, parameter, answer field, error or credential that is not there',
} as const;

export type LoadErrorCode = keyof typeof LOAD_ERROR_CODES;

/** Codes of promoproof's own errors that are not a problem in a file: the CLI prints them after the message. Never reused. */
export const RUN_ERROR_CODES = {
  PP_USAGE: 'an option or argument the command does not take, or a value outside its range (exit 2)',
  PP_PATH: 'a file or folder named on the command line cannot be read or written (exit 2)',
  PP_OPENAPI: 'the OpenAPI document given to `bind --openapi` is not valid OpenAPI 3.0 or 3.1 (a Swagger 2 document is refused) (exit 2)',
  PP_UNSENDABLE:
    "a load profile's mix has operations the target cannot be sent (an API its config does not serve, an operation or a parameter its binding does not map): nothing was sent (exit 2)",
  PP_UNREACHABLE: 'the target answers nothing at all: the run did not happen (exit 3)',
  PP_PREFLIGHT: "the preflight found a problem: not the API's protocol, credentials refused, clock, test control absent (exit 3)",
  PP_INTERNAL: 'promoproof itself failed: a bug, please report it (exit 70)',
} as const;

export type RunErrorCode = keyof typeof RUN_ERROR_CODES;

/** The one table of promoproof's error codes: problems in files, then errors of a run. */
export const ERROR_CODES = { ...LOAD_ERROR_CODES, ...RUN_ERROR_CODES } as const;

/** One problem at a place in a file. */
export interface LoadProblem {
  readonly code: LoadErrorCode;
  readonly message: string;
  readonly pos: SourcePos;
  /** JSON pointer of the offending value, when known. */
  readonly pointer?: string;
}

export function formatProblem(p: LoadProblem): string {
  return `${p.pos.file}:${p.pos.line}:${p.pos.column}: ${p.message} [${p.code}]`;
}

/** Thrown when files do not load: every problem found, each with file, line and column. */
export class LoadError extends Error {
  readonly problems: readonly LoadProblem[];
  constructor(problems: readonly LoadProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'LoadError';
    this.problems = problems;
  }
}
