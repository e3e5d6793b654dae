import { CHECK_DEFAULTS } from '../core/defaults.js';
import { DEFAULT_CREDENTIALS } from '../protocols/jos/credentials.js';
import { TENCENT_TEST_CREDENTIALS } from '../protocols/tencent-data-api/credentials.js';
import { YOHO_TEST_CREDENTIALS } from '../protocols/yoho-gateway/credentials.js';
import { TEST_CONTROL_PATH } from '../core/test-control.js';
import type { Command } from './command.js';

/**
 * The commands as data: name, help and options here, each run in a module of its own (check.ts,
 * serve.ts, sign.ts) imported only when the command runs. So `promoproof --help` and
 * `promoproof <command> --help` load neither the engine nor fastify, ajv or yaml: keep the imports
 * of this file light.
 */
function lazyRun(load: () => Promise<{ run: Command['run'] }>): Command['run'] {
  return async (values, positionals, io) => (await load()).run(values, positionals, io);
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'run the conformance suite against a target (the embedded reference by default)',
  help: `Usage: promoproof check [options]

Runs the conformance scenarios and the boundary cases generated from the spec against a target,
writes reports, and exits 0 when every must check passed.
Without --target or --target-config it starts the embedded reference (with test control) on a
free loopback port, runs, and stops it.

Target:
  --target URL            JOS router URL of the implementation, e.g. http://127.0.0.1:8620/routerjson
                          (credentials from PROMOPROOF_APP_KEY / PROMOPROOF_APP_SECRET /
                          PROMOPROOF_ACCESS_TOKEN, else the reference's test credentials; assumes
                          the reference's catalogue and SKU pool: use --target-config for others)
  --target-config FILE    a YAML target config (specs/schema/target-config.schema.json)
  --capabilities LIST     with --target: capabilities the target has (test-control)
                          (self-test always runs against the embedded reference)
  --fault NAME            embedded reference only: switch on one deliberate fault

Selection:
  --suite NAME            suite folder under scenarios/ (repeatable; default: every API the target
                          serves: all four against the embedded reference)
  --rules PATTERN         only checks covering a matching rule id, * and ? allowed (repeatable)
  --tags LIST             only checks with one of these tags (comma-separated, repeatable)
  --scenarios DIR         folder holding the suite folders (default: the bundled scenarios/)
  --no-generated          leave out the boundary cases generated from the spec
  --list                  print the planned checks and exit (marking those the target's
                          fixtures cannot serve)
  --check-fixtures        send nothing: say which planned checks the target's catalogue fixtures
                          (--target-config, else the reference's catalogue) cannot serve, why,
                          and which SKUs to add (exit 0 when they serve every check, else 1;
                          --json for a machine-readable list)

Run:
  --concurrency N         checks run at once (default ${CHECK_DEFAULTS.concurrency})
  --timeout-ms N          per request (default ${CHECK_DEFAULTS.timeoutMs})
  --waivers FILE          known deviations (specs/schema/waivers.schema.json)
  --strict-ref            failed ref checks fail the run too (default only against the embedded reference)
  --no-preflight          skip the preflight: before the suite, one harmless signed call to each
                          API of the run (e.g. jingdong.seller.promotion.list page 1, the seed's
                          example add_coupon, a user's coupon total) and, when test-control is
                          claimed, GET /__promoproof/info; a target that is unreachable, does not
                          speak the API's protocol at that URL (wrong path), refuses the
                          credentials, has a clock beyond the protocol's window (JOS ±6 min), or
                          lacks the claimed test-control routes stops the run with one line
                          (exit 3; the reports say the run did not happen)

Output:
  --report FORMAT=PATH    write a report (console, json, junit, markdown, html); repeatable.
                          Default: reports/promoproof.{json,junit.xml,md,html}
  --json                  print the JSON report on stdout instead of the console summary (with
                          --check-fixtures: the checks the fixtures cannot serve)
  --verbose               list passed checks, show whole response bodies and every failure
  --max-failures-shown N  failures the console shows in full (default ${CHECK_DEFAULTS.maxFailuresShown}); one line
                          counts the rest by rule and names the reports holding them (all with --verbose)
  --self-test             run each fault of the reference, and each mutation of the spec, against the
                          checks covering its rules; print the scores (caught / total: a check failed
                          at a step that asserts, not at a setup step) and the checks not proven, which
                          nothing made fail at such a step (exit 1 when a named fault is missed)
  -h, --help              show this help

Exit codes: 0 every must check passed (ref checks too against the embedded reference or with
--strict-ref); 1 a check that counts failed or errored, or a waiver expired; 2 usage or scenario
error (file:line:column), or a file named here that cannot be read or written; 3 target
unreachable, or the preflight found a problem (the run did not happen); 4 no check ran (every
check skipped, or skipped and inconclusive); 70 promoproof itself failed (a bug: please report it).
NO_COLOR turns colours off; progress goes to stderr when it is a terminal.`,
  options: {
    target: { type: 'string' },
    'target-config': { type: 'string' },
    capabilities: { type: 'string', multiple: true },
    fault: { type: 'string' },
    suite: { type: 'string', multiple: true },
    rules: { type: 'string', multiple: true },
    tags: { type: 'string', multiple: true },
    'no-generated': { type: 'boolean' },
    scenarios: { type: 'string' },
    list: { type: 'boolean' },
    'check-fixtures': { type: 'boolean' },
    concurrency: { type: 'string' },
    'timeout-ms': { type: 'string' },
    waivers: { type: 'string' },
    'strict-ref': { type: 'boolean' },
    'no-preflight': { type: 'boolean' },
    report: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
    'max-failures-shown': { type: 'string' },
    'self-test': { type: 'boolean' },
  },
  run: lazyRun(() => import('./check.js')),
};

export const loadCommand: Command = {
  name: 'load',
  summary: 'fire a load profile (claim storm, verification, sale day) at a target, latency from the intended send',
  help: `Usage: promoproof load --profile NAME|FILE [options]
       promoproof load --profile NAME|FILE --export artillery --workers N --out DIR --target-config FILE
       promoproof load --import artillery DIR|RUN-FILE... [--slo SLO] [--report FORMAT=PATH]
       promoproof load --list

Runs a load profile (scenarios/load/, specs/schema/load-profile.schema.json) against a target: its
setup once (batches uploaded, coupons claimed, in the suites' own steps), then its phases (warm-up,
steady, ramp, spike) of the weighted operation mix, every request signed by the protocol's own code
and every answer judged as \`check\` judges it: success, expected refusal, non-conformant, transport
error, unknown. Prints a table per operation and class, writes the JSON report, and exits.
Without --target-config it starts the embedded reference in a process of its own.

Profile and target:
  --profile NAME|FILE     a bundled profile (see --list) or a profile file
  --list                  list the bundled profiles, one line each, and exit
  --target-config FILE    a YAML target config (specs/schema/target-config.schema.json), as check's
  --fault NAME            embedded reference only: switch on one deliberate fault
  --allow-host HOST       send load to HOST (repeatable); without it only loopback targets are loaded

Load (each overrides the profile):
  --model open|closed     open (default): requests sent at their intended instants whatever the
                          target does, latency counted from that instant (what users feel);
                          closed: autocannon, each connection sends when its previous answer came
                          ("how much can it take"), latency from the actual send, labelled so
  --rate N                requests/s of the steady phases (ramps and warm-up scale with it); a
                          ceiling in the closed model
  --connections N         open: the cap of connections per origin (an instant finding all busy is
                          counted not sent, never queued); closed: the connections
  --duration D            the length of each steady phase (30s, 2m, 500ms)
  --requests N            at most N requests over the whole run, warm-up included
  --timeout-ms N          per request (default 10000): no answer by then is an unknown outcome
  --seed N                the choices of operation and user (default: random, printed in the report)
  --workers N             closed model only: N worker threads share the connections, rate ceilings,
                          spikes and --requests, when one core cannot produce the load (at most one
                          per connection, per request of --requests and per request/s of a rate
                          ceiling); users, request ids and the stock stay one run's, and the results
                          merge into one report. The open model always runs in one thread (a
                          profile's run.workers is ignored by it)

Gates:
  --slo SLO               a service level to gate on (repeatable), added to the profile's; one on
                          the same operation, class and metric replaces the profile's:
                          [OPERATION.[CLASS.]]METRIC OP VALUE, e.g. 'claim.p99<200ms',
                          'errors<0.1%', 'achieved>=99%', 'claim.refusal.p99<50ms'. Over the
                          measured phases: a latency (p50 p90 p99 p999 max) is the successes'
                          unless a class is named; errors = non-conformant, transport, unknown and
                          unexpected refusals over every answer (a code a binding does not map,
                          service:CODE or http:STATUS, is counted apart and named in a notice);
                          achieved = sent / intended over the phases with a rate (open model).
                          An SLO that measured nothing is not held

Capacity:
  --find-capacity         search for the highest rate the target holds: open-model steps of the
                          profile's steady phase (its setup again and its own audit each step),
                          the rate ×--factor while steps hold, then bisected between the highest
                          held and the lowest broken. A step holds when every gate held (the
                          profile's SLOs, --slo, and achieved>=95% and errors<1% unless gated
                          already), the audit found nothing violated, no answer was
                          non-conformant and the generator kept up (a saturated generator stops
                          the search: its limit, not the target's). Prints each step and
                          'holds N/s (… p99 …), exact; breaks at M/s: why'; the reports are the
                          held rate's run with the steps, headlined by the search's verdict
                          (as its exit code; JUnit adds a testcase for the search). --requests
                          caps the whole search
  --from N                the first step's rate (default: the profile's steady rate)
  --factor F              the rate's growth while steps hold (default 2)
  --resolution P%         bisect until the gap is at most P % of the held rate (default 5%)
  --step-duration D       each step's steady phase (default 10s)
  --max-rate N            never step above N/s (default 50000)
  --max-steps N           at most N steps (default 12)
  --max-time D            the whole search, setup and audits included (default 5m): a step that
                          would not end in time is not started

Beyond one machine (Artillery 2.0.34 on Node >= 22.18, installed apart: npm run scaleout:install):
  --export artillery      run the profile's setup against --target-config's target once, then write
                          DIR/script.yml (each phase's rate divided by --workers, a connection pool
                          per worker, the mix as weighted scenarios), DIR/setup.json, promoproof's
                          Artillery processor and plugin (its own prepare, classifier and audit
                          log) and DIR/README.txt with the commands (N local processes, or
                          artillery run-fargate --count N); sends no load itself
  --out DIR               where --export writes (made when missing)
  --import artillery      read an export's Artillery run back (the folder, or its
                          runs/artillery-*.jsonl: one per lead process, summed, their DDSketches
                          merged) into this command's report, audited (from the counts the export
                          read before the run, with the records the workers' metrics stream
                          brought back: partial if some did not come back), gated
                          and exited as a local run; latencies are labelled DDSketch, within 1 %

Audit:
  --no-audit              skip the audit after the run (the report says so). By default every
                          acknowledged claim, redeem and verification is reconciled with the
                          target's own account through its API (batch statistics, each user's
                          coupons): successes within the stock and the per-user limit, codes
                          unique, every claim listed and nothing listed that none acknowledged,
                          unknown outcomes looked up, a coupon redeemed once. A query the target
                          does not serve makes the audit partial, never passed

Output:
  --report FORMAT=PATH    json, html, markdown, junit or console (repeatable; html: one page with
                          charts over time, no network; markdown: a pull-request comment; junit:
                          one testcase per SLO, audit invariant, the run's validity and
                          conformance). Default: reports/promoproof-load.{json,html,md} and
                          reports/promoproof-load-junit.xml
  --baseline FILE         compare with an earlier run of the same profile (its JSON report):
                          regressions beyond noise per operation and class (a percentile beyond
                          both 10 % and 1 ms, a rate beyond 5 %, an error share beyond 5 % and
                          0.1 point) and any audit result that got worse, in the console,
                          Markdown and HTML; a report of another profile is a usage error
  --json                  print the JSON report on stdout instead of the table
  -h, --help              show this help

Every run is bounded (its phases' durations and --requests) and stops by itself; Ctrl-C stops it
early and still writes the reports (stopped by: interrupted). A run whose generator was saturated
(late sends, its CPU pinned) is marked INVALID: its figures measure this machine, not the target.

Exit codes, the first that applies: 1 non-conformant answers (a 5xx, a malformed answer, a success
beyond the stock) or an invariant the audit found violated; 5 an SLO missed or not measured; 6 the run
is invalid (the generator was saturated); 7 the audit was partial (a query the target lacks or refused:
never a pass); 0 the run completed and held (--no-audit: by choice, 0). 2 usage or profile error
(file:line:column); 3 the target could not be used (not reachable, setup failed); 70 a bug.
With --find-capacity: 1 a step had non-conformant answers or a violated invariant (at any rate);
6 the generator's limit came first; 5 no rate held; 7 the held rate's audit was partial; 0 a
capacity was found (or Ctrl-C).
NO_COLOR turns colours off; a live progress line goes to stderr when it is a terminal.`,
  options: {
    profile: { type: 'string' },
    list: { type: 'boolean' },
    'target-config': { type: 'string' },
    fault: { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    model: { type: 'string' },
    rate: { type: 'string' },
    connections: { type: 'string' },
    duration: { type: 'string' },
    requests: { type: 'string' },
    'timeout-ms': { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    export: { type: 'string' },
    import: { type: 'string' },
    out: { type: 'string' },
    slo: { type: 'string', multiple: true },
    'no-audit': { type: 'boolean' },
    'find-capacity': { type: 'boolean' },
    from: { type: 'string' },
    factor: { type: 'string' },
    resolution: { type: 'string' },
    'step-duration': { type: 'string' },
    'max-rate': { type: 'string' },
    'max-steps': { type: 'string' },
    'max-time': { type: 'string' },
    baseline: { type: 'string' },
    report: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  // The runs of --import artillery; any other argument is refused by load itself.
  allowPositionals: true,
  run: lazyRun(() => import('./load.js')),
};

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the reference platform: every API promoproof checks, on one port (the embedded default target)',
  help: `Usage: promoproof serve [options]

Runs the reference platform until interrupted (Ctrl-C), on one port at http://HOST:PORT:
  POST or GET /routerjson   the JOS router: the JD seller promotion service
                            (jingdong.seller.promotion.*) and the coupon life cycle
                            (promoproof.coupon.*: claim, issue, user.list, verify, redeem, revoke,
                            statistics)
  POST /data-api/v1/order/add_coupon
                            the Tencent 有数 coupon batch upload (the HMAC-SHA256 data-api)
  POST or GET /gateway      the Yoho gateway: user coupon queries (app.coupons.*, app.promotion.*)
The coupon batch upload, the life cycle and the user coupon queries share one coupon platform: a
batch uploaded at add_coupon is claimed over JOS and read over the gateway. Test credentials (public; the start-up lines repeat them):
  JOS               app_key ${DEFAULT_CREDENTIALS.appKey}, app_secret ${DEFAULT_CREDENTIALS.appSecret}, access_token ${DEFAULT_CREDENTIALS.accessToken}
  Tencent data-api  app_id ${TENCENT_TEST_CREDENTIALS.appId}, secret ${TENCENT_TEST_CREDENTIALS.appSecret}, dataSourceId 101
  Yoho gateway      client_type ${YOHO_TEST_CREDENTIALS.clientType}, private key ${YOHO_TEST_CREDENTIALS.privateKey}, the public SALT_MD5 salt

Options:
  --port N              port to listen on (default 8620; 0 picks a free port)
  --host H              address to bind (default 127.0.0.1)
  --app-key K           JOS app_key accepted (default ${DEFAULT_CREDENTIALS.appKey})
  --app-secret S        JOS app secret used to verify signatures (default: the test secret above)
  --access-token T      JOS access_token accepted (default: the test token above)
  --fault NAME          switch on one deliberate rule violation (see --list-faults)
  --reading NAME        behave as the documents also allow, not as our own choice (repeatable,
                        comma-separated, or 'all'; see --list-readings): a stand-in for another
                        correct implementation, to try a client or a suite against; e.g.
                        coupon-no-effect-fields-validated makes add_coupon refuse a bad value in a
                        field without effect for the coupon's sub type ("discount_coupon": 0 on a
                        满减券), which it ignores by default
  --list-readings       list the readings with the choice of ours each departs from, and exit
  --strict-params       refuse an undeclared application parameter (param.error) and read an
                        optional "" as a value; by default both are left out, as SDKs generated
                        from JD's metadata send them (the --log line names each one)
  --success-suffix S    spelling of success keys: _responce (default: what JD's live gateway
                        sends) or _response (what the document shows); promoproof reads both
  --catalogue FILE      the seller's SKUs (YAML or JSON, specs/schema/catalogue.schema.json);
                        default: the seeded test catalogue of 1,600 SKUs
  --test-control        enable the ${TEST_CONTROL_PATH}/ routes (move the clocks, route reviews, user
                        profiles, reset the stores)
  --list-faults         list the faults with the rule each breaks, and exit
  --mutations           with --list-faults: also list the spec mutations (spec:…), usable as --fault too
  --json                with --list-faults: print JSON
  --log                 log every request (JSON lines on stdout; access_token, sign and the
                        secrets given are replaced by ***), and the parameters left out
  -h, --help            show this help

Environment: PROMOPROOF_APP_SECRET and PROMOPROOF_ACCESS_TOKEN are read when the options are absent.`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'app-key': { type: 'string' },
    'app-secret': { type: 'string' },
    'access-token': { type: 'string' },
    fault: { type: 'string' },
    reading: { type: 'string', multiple: true },
    'list-readings': { type: 'boolean' },
    'strict-params': { type: 'boolean' },
    'success-suffix': { type: 'string' },
    catalogue: { type: 'string' },
    'test-control': { type: 'boolean' },
    'list-faults': { type: 'boolean' },
    mutations: { type: 'boolean' },
    json: { type: 'boolean' },
    log: { type: 'boolean' },
  },
  run: lazyRun(() => import('./serve.js')),
};

export const bindCommand: Command = {
  name: 'bind',
  summary: 'draft a binding of a coupon service from its OpenAPI 3 document (to check and load it)',
  help: `Usage: promoproof bind --openapi FILE [--api NAME]... [--url ORIGIN] [--out FILE] [--json]

Drafts a target config that binds promoproof's API specs onto your own coupon service (the http-json
protocol: README "Bind your own coupon service"), from the service's OpenAPI 3.0 or 3.1 document,
validated and dereferenced by swagger-parser (a Swagger 2 document is refused: convert it first).
For each operation of each API it picks the OpenAPI operation that names its action (claim, list,
verify, redeem, stats, create …) in its operationId, path or summary, and its parameters, body
properties and answer fields by name or a small synonym table (uid ~ userId, batch_id ~ activityId,
coupon_code ~ couponNo …). It drafts the request (method, path, query, body), the auth (an http
bearer or apiKey header scheme; others none), where a refusal's code and message are, the answer's
fields as JSON pointers, and the id a create call answers. A unit conversion (yuan/fen, ms, times)
is drafted only where the service's schema says its unit. Every guess says what it was matched on and
"confirm"; what could not be matched is a TODO comment, never a value made up (the error code map
is always one). Secrets are \${env:NAME} placeholders, never values. Check the draft with
'promoproof check --target-config FILE --list'.

Options:
  --openapi FILE   the service's OpenAPI 3 document (YAML or JSON; $refs to other files are
                   followed, never to URLs)
  --api NAME       an API to bind (repeatable, comma-separated; default: tencent-coupon-batch and
                   jd-coupon, the batch upload and the coupon life cycle)
  --url ORIGIN     the service's origin (default: the document's first absolute server URL)
  --out FILE       write the draft there (default: stdout)
  --json           print the draft and the match table (each operation, what it was matched on,
                   its TODOs) as JSON on stdout
  -h, --help       show this help

Exit codes: 0 drafted (TODOs may remain: the summary line on stderr counts them); 2 usage error, or
the document is missing, unreadable or not valid OpenAPI 3 (the file and the parser's message).`,
  options: {
    openapi: { type: 'string' },
    api: { type: 'string', multiple: true },
    url: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  },
  run: lazyRun(() => import('./bind.js')),
};

export const signCommand: Command = {
  name: 'sign',
  summary: 'sign a JOS request now, to reproduce a failed check (prints curl or the form body)',
  help: `Usage: promoproof sign --method NAME [--app-json JSON] [--url URL] [--form] [--sign-method M]

Builds a JOS request signed with the current time, e.g. to replay the request of a failed check
(reports redact the token and the signature). Prints a curl command, or with --form the
application/x-www-form-urlencoded body.

Options:
  --method NAME        the JOS method, e.g. jingdong.seller.promotion.get
  --app-json JSON      the application parameters (360buy_param_json), sent byte for byte (default {})
  --url URL            the JOS router URL (default http://127.0.0.1:8620/routerjson)
  --sign-method M      md5 (default), hmacmd5 or hmacsha256
  --form               print the form body instead of a curl command
  -h, --help           show this help

Credentials: PROMOPROOF_APP_KEY, PROMOPROOF_APP_SECRET, PROMOPROOF_ACCESS_TOKEN, else the reference's
test credentials. The output holds the token and a valid signature: treat it as a secret.`,
  options: {
    method: { type: 'string' },
    'app-json': { type: 'string' },
    url: { type: 'string' },
    'sign-method': { type: 'string' },
    form: { type: 'boolean' },
  },
  run: lazyRun(() => import('./sign.js')),
};
