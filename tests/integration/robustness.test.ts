import fc from 'fast-check';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { Api, type Auth } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { connectPhoenix, join, push, wsBase } from '../helpers/sockets';

/**
 * Generated malformed input on every door: each operation of the published OpenAPI document and
 * each root field of the schema gets VARIANTS bad requests. None may answer 5xx, crash a socket,
 * leak internals, or leave the server unhealthy.
 */
const VARIANTS = 40;
jest.setTimeout(180_000);
const SEED = 20261202;

let srv: TestServer;
let api: Api;
let t: TestTenant;
let callId: string;
let customerToken: string;
beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'fuzz');
  const link = await createLink(api, t.supervisor, t.departmentId);
  ({ callId, websocketToken: customerToken } = await joinQueue(api, link, { name: 'Fuzz Customer' }));
});
afterAll(() => srv?.stop());

const LEAK = /node_modules|\.js:\d+|\bat [\w.<>]+ \(|stack|select .* from|SQLSTATE/i;
const DOCUMENTED = [200, 201, 204, 400, 401, 403, 404, 409, 413, 422, 429];

const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1), b: ['x'] });
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant('\u0000'),
  fc.string().map((s) => `${s}\u0000${s}`),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constant('\u0001\u001f\u007f\ud800'),
  fc.constant('x'.repeat(100_000)),
  fc.integer(),
  fc.constant(2 ** 63),
  fc.constant(-1e308),
  fc.constant(-1),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constant(deep(60)),
  fc.constant('not-a-uuid'),
  fc.constant('00000000-0000-0000-0000-00000000000g'),
  fc.constant('2026-13-45T99:99:99Z'),
  fc.constant('+275760-09-13T00:00:00.001Z'),
);
/** Socket frames over WS_MAX_FRAME (64 KB) are closed with 1009 by design, so sockets get no 100 KB strings. */
const nastyFrame = nasty.filter((v) => JSON.stringify(v ?? null).length < 20_000);
/** What fits in a URL (Node refuses headers over 16 KB before any route sees them). */
const nastyText = fc.oneof(
  fc.constant('\u0000'), fc.constant('%00'), fc.string({ unit: 'binary', maxLength: 20 }), fc.constant('x'.repeat(4000)),
  fc.constant('-1'), fc.constant('99999999999999999999'), fc.constant('1e400'), fc.constant('not-a-uuid'),
  fc.constant('2026-02-30'), fc.constant('../../etc/passwd'), fc.constant('true'), fc.constant('[]'),
);

interface Operation { method: string; path: string; pathParams: string[]; queryParams: string[]; bodyFields: string[] }

function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const params = (op.parameters ?? []).filter((p: any) => p.name);
      let schema = op.requestBody?.content?.['application/json']?.schema;
      if (schema?.$ref) schema = doc.components.schemas[schema.$ref.split('/').pop()];
      let bodyFields: string[] = [];
      if (schema?.properties) bodyFields = Object.keys(schema.properties);
      const inner = schema?.oneOf?.find((s: any) => s.$ref || s.properties) ?? schema?.anyOf?.[0];
      const resolved = inner?.$ref ? doc.components.schemas[inner.$ref.split('/').pop()] : inner;
      if (resolved?.properties) bodyFields = [...bodyFields, ...Object.keys(resolved.properties)];
      ops.push({
        method: method.toUpperCase(), path,
        pathParams: params.filter((p: any) => p.in === 'path').map((p: any) => p.name),
        queryParams: params.filter((p: any) => p.in === 'query').map((p: any) => p.name),
        bodyFields: [...new Set(bodyFields)],
      });
    }
  }
  return ops;
}

interface Variant { params: Record<string, string>; query: Record<string, string | string[]>; body?: string; contentType?: string; auth: boolean }

function variantsOf(op: Operation): Variant[] {
  const body = fc.oneof(
    // Known fields with hostile values, flat or wrapped.
    fc.record(Object.fromEntries(op.bodyFields.map((f) => [f, nasty])), { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    fc.record(Object.fromEntries(op.bodyFields.map((f) => [f, nasty]))).map((o) => JSON.stringify({ user: o, department: o, link: o })),
    // Not an object at all.
    nasty.map((v) => JSON.stringify(v) ?? 'null'),
    // Duplicated keys, broken JSON, a huge body.
    fc.constant(op.bodyFields[0] ?? 'name').map((f) => `{"${f}":"ok","${f}":null,"${f}":{"$gt":""}}`),
    fc.constantFrom('{', '{"a":', '[1,2', '"\\u0000"', '{"a":"\\ud800"}', `{"a":"${'y'.repeat(2_000_000)}"}`),
  );
  const variant = fc.record({
    params: fc.record(Object.fromEntries(op.pathParams.map((p) => [p, nastyText]))) as fc.Arbitrary<Record<string, string>>,
    query: fc.record(Object.fromEntries(
      [...op.queryParams, 'page', 'page_size'].map((q) => [q, fc.oneof(nastyText, fc.array(nastyText, { maxLength: 3 }))]),
    ), { requiredKeys: [] }) as fc.Arbitrary<Record<string, string | string[]>>,
    body: op.method === 'GET' ? fc.constant(undefined) : fc.option(body, { nil: undefined }),
    contentType: fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1'),
    auth: fc.boolean(),
  });
  return fc.sample(variant, { numRuns: VARIANTS, seed: SEED });
}

function urlOf(op: Operation, v: Variant) {
  let path = op.path;
  for (const [name, value] of Object.entries(v.params)) path = path.replace(`{${name}}`, encodeURIComponent(value));
  const qs = new URLSearchParams();
  for (const [k, value] of Object.entries(v.query)) for (const x of [value].flat()) qs.append(k, x);
  return `${path}${qs.size ? `?${qs}` : ''}`;
}

function expectDocumentedError(status: number, text: string, where: string) {
  expect({ where, status, documented: DOCUMENTED.includes(status) }).toEqual({ where, status, documented: true });
  expect(text).not.toMatch(LEAK);
  if (status < 400) return;
  expect({ where, status, json: /^\s*\{/.test(text) }).toEqual({ where, status, json: true });
  const body = JSON.parse(text);
  expect(typeof body.errors).toBe('object');
  const values = Object.values(body.errors);
  expect(values.length).toBeGreaterThan(0);
  if (typeof body.errors.detail === 'string') return;
  for (const messages of values) {
    expect(Array.isArray(messages)).toBe(true);
    for (const m of messages as unknown[]) expect(typeof m).toBe('string');
  }
}

/** Runs `jobs` with a few in flight at once. */
async function inBatches<T>(jobs: Array<() => Promise<T>>, width = 6) {
  for (let i = 0; i < jobs.length; i += width) await Promise.all(jobs.slice(i, i + width).map((j) => j()));
}

async function expectHealthy(auth: Auth) {
  expect((await api.get('/health')).status).toBe(200);
  expect((await api.get('/api/v1/departments', auth)).status).toBe(200);
}

describe('generated malformed input', () => {
  it('REST: every OpenAPI operation answers each bad variant with a documented 4xx or a success', async () => {
    const doc = (await api.get('/api/v1/openapi.json')).body;
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThanOrEqual(40);
    let sent = 0;
    const jobs = ops.flatMap((op) => variantsOf(op).map((v) => async () => {
      const headers: Record<string, string> = {};
      if (v.body !== undefined && v.contentType) headers['content-type'] = v.contentType;
      const res = await api.request(op.method, urlOf(op, v), { raw: v.body, headers, auth: v.auth ? t.manager : undefined });
      expectDocumentedError(res.status, res.text, `${op.method} ${op.path}`);
      sent++;
    }));
    await inBatches(jobs);
    expect(sent).toBeGreaterThanOrEqual(ops.length * VARIANTS);
    await expectHealthy(t.manager);
  });

  it('GraphQL: every root field answers bad variables and broken documents as client errors', async () => {
    const intro = await api.graphql(`{ __schema {
      queryType { fields { name args { name type { ...T } } type { ...T } } }
      mutationType { fields { name args { name type { ...T } } type { ...T } } } } }
      fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`);
    const print = (ty: any): string => (ty.kind === 'NON_NULL' ? `${print(ty.ofType)}!` : ty.kind === 'LIST' ? `[${print(ty.ofType)}]` : ty.name);
    const leaf = (ty: any): boolean => (ty.ofType ? leaf(ty.ofType) : ty.kind === 'SCALAR' || ty.kind === 'ENUM');
    const fields = [
      ...intro.body.data.__schema.queryType.fields.map((f: any) => ({ ...f, op: 'query' })),
      ...intro.body.data.__schema.mutationType.fields.map((f: any) => ({ ...f, op: 'mutation' })),
    ].filter((f) => !f.name.startsWith('_'));
    expect(fields.length).toBeGreaterThanOrEqual(50);
    const allowedCodes = new Set(['BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'BAD_USER_INPUT', 'RATE_LIMITED', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']);
    let sent = 0;
    const jobs = fields.flatMap((f) => {
      const defs = f.args.map((a: any, i: number) => `$a${i}: ${print(a.type)}`).join(', ');
      const call = f.args.map((a: any, i: number) => `${a.name}: $a${i}`).join(', ');
      const document = `${f.op}${defs ? `(${defs})` : ''} { ${f.name}${call ? `(${call})` : ''}${leaf(f.type) ? '' : ' { __typename }'} }`;
      const variables = fc.record(Object.fromEntries(f.args.map((_: any, i: number) => [`a${i}`, nasty])), { requiredKeys: [] });
      const broken = fc.oneof(
        fc.nat(document.length - 1).map((n) => document.slice(0, n)),
        fc.constant(document.replace(f.name, `${f.name}(nope: "\\u0000")`)),
        fc.constant(`${document} ${document}`),
        fc.constant(`{ ${'a: __typename '.repeat(50)} }`),
        fc.constant(`query { ${'__schema { types { fields { type { '.repeat(12)}name${' } } } }'.repeat(12)} }`),
      );
      const variant = fc.oneof(
        variables.map((vars) => ({ query: document, variables: vars })),
        broken.map((query) => ({ query, variables: {} })),
        nasty.map((v) => ({ query: document, variables: v })),
      );
      return fc.sample(variant, { numRuns: VARIANTS, seed: SEED }).map((payload) => async () => {
        const res = await api.request('POST', '/graphql', { raw: JSON.stringify(payload), auth: t.manager });
        expect({ field: f.name, status: res.status, ok: res.status === 200 || res.status === 400 || res.status === 413 })
          .toEqual({ field: f.name, status: res.status, ok: true });
        expect(res.text).not.toMatch(LEAK);
        for (const e of res.body?.errors ?? []) expect({ field: f.name, allowed: allowedCodes.has(e.extensions?.code), code: e.extensions?.code }).toEqual({ field: f.name, allowed: true, code: e.extensions?.code });
        sent++;
      });
    });
    await inBatches(jobs);
    expect(sent).toBeGreaterThanOrEqual(fields.length * VARIANTS);
    await expectHealthy(t.manager);
  });

  it('Phoenix: hostile push payloads get error replies and never crash the channel or the socket', async () => {
    const socket = await connectPhoenix(srv.url, t.attendant.token);
    const customer = await connectPhoenix(srv.url, customerToken);
    try {
      const call = customer.channel(`call:${callId}`, {});
      const presence = socket.channel(`presence:${t.departmentId}`, {});
      expect((await join(presence)).status).toBe('ok');
      expect((await join(call)).status).toBe('ok');
      let crashed = 0;
      call.onError(() => crashed++);
      presence.onError(() => crashed++);
      const payloads = fc.sample(fc.dictionary(fc.constantFrom('type', 'sdp', 'candidate', 'sdpMid', 'sdpMLineIndex', 'muted', 'status'), nastyFrame, { maxKeys: 4 }), { numRuns: VARIANTS, seed: SEED });
      for (const [channel, event] of [[call, 'signal'], [call, 'ice_candidate'], [call, 'mute'], [presence, 'update_status']] as const) {
        for (const payload of payloads) {
          // Paced under the socket's message budget (WS_RATE), which would otherwise close it, by design.
          await new Promise((r) => setTimeout(r, 30));
          const reply = await push(channel, event, payload);
          expect(['ok', 'error', 'timeout']).toContain(reply.status);
          expect(JSON.stringify(reply.response ?? {})).not.toMatch(LEAK);
        }
      }
      expect(crashed).toBe(0);
      expect(socket.isConnected() && customer.isConnected()).toBe(true);
    } finally {
      socket.disconnect();
      customer.disconnect();
    }
    await expectHealthy(t.manager);
  });

  it('graphql-ws: bad variables and documents come back as errors and the socket stays open', async () => {
    let closed: number | undefined;
    const client = createClient({
      url: `${wsBase(srv.url)}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${t.manager.token}` },
      on: { closed: (e: any) => (closed = e?.code) },
    });
    try {
      const docs = [
        'subscription($id: ID!) { queueEvents(departmentId: $id) { event } }',
        'mutation($u: UpdateMeInput!) { updateMe(user: $u) { id } }',
        'query($s: String) { calls(search: $s) { data { id } } }',
      ];
      const cases = fc.sample(fc.record({ query: fc.oneof(fc.constantFrom(...docs), fc.constantFrom(...docs).map((d) => d.slice(0, 20))), variables: fc.record({ id: nastyFrame, u: nastyFrame, s: nastyFrame }, { requiredKeys: [] }) }), { numRuns: VARIANTS * 2, seed: SEED });
      for (const c of cases) {
        await new Promise((r) => setTimeout(r, 30));
        // Every case gets an answer: an error, a result, or (a valid subscription) its first event.
        const outcome = await new Promise<{ errors?: any[] }>((resolve) => {
          const stop = client.subscribe(c, {
            next: (r) => {
              resolve(r as never);
              stop();
            },
            error: (e) => resolve({ errors: Array.isArray(e) ? e : [e] }),
            complete: () => resolve({}),
          });
        });
        for (const e of outcome.errors ?? []) {
          expect(JSON.stringify(e)).not.toMatch(LEAK);
          expect(e.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED').not.toMatch(/INTERNAL|UNAVAILABLE/);
        }
      }
      // The same socket still answers a good query.
      const me = await new Promise<any>((resolve, reject) => {
        client.subscribe({ query: '{ me { id } }' }, { next: resolve, error: reject, complete: () => undefined });
      });
      // A normal closure (1000) is the client's own idle close; any error close code would be the server's failure.
      expect({ errorClose: closed !== undefined && closed !== 1000, me: me.data?.me?.id }).toEqual({ errorClose: false, me: t.manager.id });
    } finally {
      await client.dispose();
    }
    await expectHealthy(t.manager);
  });
});
