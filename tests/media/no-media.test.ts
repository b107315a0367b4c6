import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { Api } from '../helpers/http';
import { createTestDatabase } from '../helpers/database';
import { spawnServer, type ServerProcess } from '../helpers/process';
import { createTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { connectPhoenix, join, push } from '../helpers/sockets';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let server: ServerProcess;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(pathJoin(tmpdir(), 'voki-nomedia-'));
  server = await spawnServer({ DATABASE_URL: db.url, DATA_DIR: dir, RATE_LIMIT_AUTH: '0', RATE_LIMIT_PUBLIC: '0', MEDIASOUP_WORKER_BIN: pathJoin(dir, 'no-such-worker') });
});
afterAll(async () => {
  await server?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('without a worker the server runs: the log and /health say media is unavailable, and signal is refused clearly', async () => {
  expect(server.output()).toContain('"msg":"media unavailable: the server runs without video');
  const api = new Api(server.url);
  expect((await api.get('/health')).body).toEqual({ status: 'ok', media: 'unavailable' });
  const t = await createTenant(api, 'nomedia');
  const joined = await joinQueue(api, await createLink(api, t.supervisor, t.departmentId));
  expect((await api.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant)).status).toBe(200);
  const socket = await connectPhoenix(server.url, joined.websocketToken);
  try {
    const call = socket.channel(`call:${joined.callId}`, {});
    expect((await join(call)).status).toBe('ok');
    expect(await push(call, 'signal', { type: 'offer', sdp: 'v=0\r\n' })).toEqual({ status: 'error', response: { reason: 'Media server not available', code: 'SERVICE_UNAVAILABLE' } });
    expect(await push(call, 'mute', { type: 'audio', muted: true })).toEqual({ status: 'ok', response: {} });
  } finally {
    socket.disconnect();
  }
});
