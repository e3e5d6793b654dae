import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpExchange } from '../../src/core/http.js';

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

/** A TCP server on a free loopback port that does `onData` with every connection's first bytes. */
async function tcp(onData: (socket: import('node:net').Socket, bytes: Buffer) => void): Promise<number> {
  const server = createServer((socket) => socket.once('data', (b) => onData(socket, b)));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

const post = (port: number) => ({
  method: 'POST' as const,
  url: `http://127.0.0.1:${port}/routerjson`,
  body: 'a=1',
  timeoutMs: 2000,
  maxBodyBytes: 1024,
});

describe('httpExchange: whether a failed exchange sent anything', () => {
  it('a refused connection sent nothing (unsent: the call was not made)', async () => {
    const port = await tcp(() => undefined);
    await new Promise<void>((r) => servers.pop()?.close(() => r()));
    const out = await httpExchange(post(port));
    expect(out).toMatchObject({ ok: false, kind: 'network', unsent: true });
    expect(!out.ok && out.reason).toContain('ECONNREFUSED');
  });

  it('a connection reset after the request arrived may have been acted on (not unsent)', async () => {
    let received = '';
    const port = await tcp((socket, bytes) => {
      received = bytes.toString('latin1');
      socket.resetAndDestroy();
    });
    const out = await httpExchange(post(port));
    expect(received).toContain('POST /routerjson');
    expect(out).toMatchObject({ ok: false, kind: 'network', unsent: false });
  });
});
