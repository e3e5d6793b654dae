/**
 * The server of `npm run bench -- load` whose own cost is as small as fastify's hello world: every
 * request, whatever its method, path and body, answers one fixed JOS refusal, the reference's own
 * sold-out answer to a claim (`error_response` with `coupon.stock.empty`, HTTP 200, as the JOS gateway
 * writes it). A claim storm's answers are mostly this one, and the one classifier reads it as an
 * expected refusal, so a load generator pointed here does all its per-answer work while the server
 * does next to none. Forked by bench/load.ts: it listens on 127.0.0.1 and a free port, reports
 * `{ type: 'listening', origin }` over IPC, and exits when told `stop` or when its parent goes.
 */
import Fastify from 'fastify';

/** What the reference answers a claim on a batch with no stock left (src/protocols/jos/gateway.ts). */
const SOLD_OUT = JSON.stringify({
  error_response: { code: 'coupon.stock.empty', zh_desc: '券已领完', en_desc: 'No stock left: batch pp-bench-sold-out has no stock left' },
});

const app = Fastify({ logger: false });
// Any body is read and dropped (a signed JOS claim is a form body, which fastify has no parser for).
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));
app.all('/*', async (_req, reply) => reply.type('application/json;charset=utf-8').send(SOLD_OUT));

const stop = () => void app.close().finally(() => process.exit(0));
process.on('disconnect', stop);
process.on('message', (message) => {
  if (typeof message === 'object' && message !== null && /** @type {{ type?: unknown }} */ (message).type === 'stop') stop();
});
const origin = await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ type: 'listening', origin });
