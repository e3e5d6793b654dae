/**
 * The baseline servers of `npm run bench -- reference`, one fastify without a logger, as fastify's own
 * benchmarks run it: GET / answers `{"hello":"world"}` (the hello world), and POST /routerjson reads the
 * form body as the reference does (fastify's parseAs string) and answers a constant JSON of a claim
 * answer's size, doing nothing else: a claim's HTTP exchange alone, what no fastify server of claims can
 * go below. Forked by bench/reference-throughput.ts, like the reference's child: it
 * listens on 127.0.0.1 and a free port, reports `{ type: 'listening', origin }` over IPC, and exits
 * when told `stop` or when its parent goes.
 */
import Fastify from 'fastify';

/** A claim answer as the reference writes one (its size and its UTF-8), never read by anyone. */
const CLAIM_SIZED = {
  promoproof_coupon_claim_responce: {
    code: '0',
    coupon: {
      coupon_code: 'pp1bfw5eauqd',
      coupon_id: 1,
      data_source_id: '101',
      batch_id: 'pp-bench-throughput',
      uid: 1,
      name: '压测券',
      sub_type: 1,
      amount_fen: 500,
      minimum_fen: 0,
      valid_from: '2026-12-07 00:00:00',
      valid_to: '2026-12-17 00:00:00',
      acquired_time: '2026-12-07 23:11:07',
      via: 'claim',
      status: 'unused',
    },
  },
};

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));
app.get('/', async () => ({ hello: 'world' }));
app.post('/routerjson', async (_req, reply) => {
  reply.header('content-type', 'application/json;charset=utf-8');
  return CLAIM_SIZED;
});

const stop = () => void app.close().finally(() => process.exit(0));
process.on('disconnect', stop);
process.on('message', (message) => {
  if (typeof message === 'object' && message !== null && /** @type {{ type?: unknown }} */ (message).type === 'stop') stop();
});
const origin = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ type: 'listening', origin });
