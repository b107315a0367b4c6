import { Api, type Auth, type Reply } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, PASSWORD, type TestTenant } from '../helpers/tenants';

let srv: TestServer;
let api: Api;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  [a, b] = [await createTenant(api, 'ga'), await createTenant(api, 'gb')];
});
afterAll(() => srv?.stop());

const codeOf = (res: { body: { errors?: Array<{ extensions: Record<string, any> }> } }) => res.body.errors?.[0]?.extensions.code;

describe('the same API in camelCase', () => {
  it('login, me and lists', async () => {
    const login = await api.graphql(
      'mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { id role departmentIds } } }',
      { i: { email: a.attendant.email, password: PASSWORD, tenant: a.slug } },
    );
    expect(login.body.data.login.user).toEqual({ id: a.attendant.id, role: 'attendant', departmentIds: [a.departmentId] });
    const auth = { token: login.body.data.login.accessToken, tenant: a.slug };
    const res = await api.graphql('{ me { email insertedAt } departments(pageSize: 5) { data { id queueTimeout isActive } meta { currentPage pageSize totalCount totalPages } } }', undefined, auth);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me.insertedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(res.body.data.departments.meta).toEqual({ currentPage: 1, pageSize: 5, totalCount: 1, totalPages: 1 });
  });

  it('a mutation made over GraphQL is seen over REST', async () => {
    const created = await api.graphql('mutation { createTag(tag: { name: "from-graphql", color: "#abcdef" }) { id name } }', undefined, a.attendant);
    const id = created.body.data.createTag.id;
    const rest = await api.get(`/api/v1/tags/${id}`, a.attendant);
    expect(rest.body.data).toMatchObject({ id, name: 'from-graphql', color: '#abcdef' });
  });
});

describe('errors carry the CONTRACT codes', () => {
  it('UNAUTHENTICATED without a token', async () => {
    expect(codeOf(await api.graphql('{ me { id } }'))).toBe('UNAUTHENTICATED');
  });

  it('FORBIDDEN for a role too low, and for features set by a manager', async () => {
    expect(codeOf(await api.graphql('{ users { data { id } } }', undefined, a.attendant))).toBe('FORBIDDEN');
    expect(codeOf(await api.graphql('mutation { updateCompany(company: { features: { recording: true } }) { name } }', undefined, a.manager))).toBe('FORBIDDEN');
    const owner = await api.graphql('mutation { updateCompany(company: { features: { recording: true } }) { features { recording aiSummaries } } }', undefined, a.owner);
    expect(owner.body.data.updateCompany.features).toEqual({ recording: true, aiSummaries: false });
  });

  it('FORBIDDEN to grant a role above your own', async () => {
    const res = await api.graphql('mutation { createUser(user: { name: "X", email: "boss@x.test", password: "long-enough", role: owner }) { id } }', undefined, a.manager);
    expect(codeOf(res)).toBe('FORBIDDEN');
    const ok = await api.graphql('mutation { createUser(user: { name: "X", email: "peer@x.test", password: "long-enough", role: manager }) { role } }', undefined, a.manager);
    expect(ok.body.data.createUser.role).toBe('manager');
  });

  it("NOT_FOUND for another tenant's id and for a malformed one", async () => {
    expect(codeOf(await api.graphql(`{ department(id: "${b.departmentId}") { id } }`, undefined, a.owner))).toBe('NOT_FOUND');
    expect(codeOf(await api.graphql(`{ user(id: "${b.owner.id}") { id } }`, undefined, a.owner))).toBe('NOT_FOUND');
    expect(codeOf(await api.graphql('{ tag(id: "not-a-uuid") { id } }', undefined, a.owner))).toBe('NOT_FOUND');
  });

  it('BAD_USER_INPUT with extensions.fields', async () => {
    const res = await api.graphql('mutation { createDepartment(department: { name: "", queueTimeout: 0 }) { id } }', undefined, a.owner);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0].extensions.fields).toEqual({ name: ["can't be blank"], queueTimeout: ['must be at least 1 second'] });
  });

  it('an unexpected failure inside a resolver says nothing internal, on GraphQL and REST alike', async () => {
    const tags = srv.server.deps.services.tags;
    const original = tags.list;
    let calls = 0;
    tags.list = async () => {
      calls++;
      throw new TypeError("Cannot read properties of undefined (reading 'rows') at /srv/voki/node_modules/pg/lib/client.js");
    };
    try {
      const res = await api.graphql('{ tags { data { id } } }', undefined, a.attendant);
      expect(res.status).toBe(200);
      expect(res.body.errors).toEqual([{ message: 'Internal server error', locations: expect.any(Array), path: ['tags'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      const rest = await api.get('/api/v1/tags', a.attendant);
      expect(rest.status).toBe(500);
      expect(rest.body).toEqual({ errors: { detail: 'Internal server error' } });
      for (const body of [JSON.stringify(res.body), JSON.stringify(rest.body)]) expect(body).not.toMatch(/Cannot read|node_modules|stacktrace|client\.js/);
      // Both requests reached the resolver and the service behind it.
      expect(calls).toBe(2);
    } finally {
      tags.list = original;
    }
  });
});

describe('limits so one query cannot exhaust the server', () => {
  it('accepts the standard introspection query that codegen tools send', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const res = await api.graphql(getIntrospectionQuery());
    expect(res.status).toBe(200);
    expect(res.body.data.__schema.queryType.name).toBe('Query');
  });

  it('rejects too many aliases', async () => {
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ');
    const res = await api.graphql(`{ ${aliases} }`, undefined, a.owner);
    expect(res.status).toBe(400);
    expect(res.body.errors![0].message).toMatch(/Aliases limit/);
  });

  it('rejects a query nested too deep', async () => {
    const deep = `{ __schema { types { fields { type ${'{ ofType '.repeat(30)}{ name }${' }'.repeat(30)} } } } }`;
    const res = await api.graphql(deep, undefined, a.owner);
    expect(res.status).toBe(400);
    expect(res.body.errors![0].message).toMatch(/depth/i);
  });

  it('rejects a query over the cost budget', async () => {
    const spreads = ' ...F'.repeat(200);
    const res = await api.graphql(`{ users(pageSize: 100) { data { ${spreads} } } } fragment F on User { id name email role }`, undefined, a.owner);
    expect(res.status).toBe(400);
    expect(res.body.errors![0].message).toMatch(/cost/i);
  });
});

describe('Apollo Federation 2 subgraph', () => {
  it('publishes its SDL with @key on User and Department', async () => {
    const res = await api.graphql('{ _service { sdl } }');
    const sdl: string = res.body.data._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    expect(sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Department\s+@key\(fields: "id"\)/);
  });

  it('_entities resolves references, within the caller’s tenant only', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id name } ... on Department { id name } } }`;
    const mine = await api.graphql(query, { r: [{ __typename: 'User', id: a.attendant.id }, { __typename: 'Department', id: a.departmentId }] }, a.owner);
    expect(mine.body.data._entities).toEqual([
      { id: a.attendant.id, name: expect.any(String) },
      { id: a.departmentId, name: 'Suporte Técnico' },
    ]);
    const theirs = await api.graphql(query, { r: [{ __typename: 'Department', id: b.departmentId }] }, a.owner);
    expect(codeOf(theirs)).toBe('NOT_FOUND');
  });
});

/**
 * A document Apollo has accepted once runs its compiled plan directly afterwards
 * (http/fast-graphql.ts). Whatever the outcome, the second answer must be the first one's bytes.
 */
describe('documents already accepted once', () => {
  const VARYING = new Set(['date', 'x-request-id', 'content-length']);
  const headersOf = (reply: Reply) => Object.fromEntries([...reply.headers].filter(([k]) => !VARYING.has(k)));

  /** The same request twice (the second on the known document), with the answers compared. */
  async function twice(query: string, variables?: Record<string, unknown>, auth?: Auth, operationName?: string) {
    const send = () => api.request('POST', '/graphql', { body: { query, variables, operationName }, auth });
    const first = await send();
    const second = await send();
    expect(second.status).toBe(first.status);
    expect(second.text).toBe(first.text);
    expect(headersOf(second)).toEqual(headersOf(first));
    return second;
  }

  it('a list answers the same, data and headers', async () => {
    const reply = await twice('query($n: Int) { departments(pageSize: $n) { data { id name insertedAt } meta { totalCount } } }', { n: 5 }, a.attendant);
    expect(reply.status).toBe(200);
    expect(reply.body.data.departments.data).toEqual([expect.objectContaining({ id: a.departmentId })]);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('a resolver error answers the same: another tenant\'s department is not found', async () => {
    const reply = await twice('query($id: ID!) { department(id: $id) { id } }', { id: b.departmentId }, a.attendant);
    expect(reply.body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(reply.body.data).toBeNull();
  });

  it('without a token the known document is refused the same way', async () => {
    const query = '{ departments(pageSize: 1) { meta { totalCount } } }';
    await api.graphql(query, undefined, a.attendant);
    const reply = await twice(query);
    expect(reply.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('a mutation with invalid input answers the same BAD_USER_INPUT error, and nothing is written', async () => {
    const query = 'mutation($t: CreateTagInput!) { createTag(tag: $t) { id } }';
    const reply = await twice(query, { t: { name: '', color: '#abcdef' } }, a.attendant);
    expect(reply.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { name: ["can't be blank"] } });
    const tags = await api.get('/api/v1/tags', a.attendant);
    expect(tags.body.data.filter((t: { name: string }) => t.name === '')).toEqual([]);
  });

  it('variables that do not fit a known document are still a 400 in Apollo\'s words', async () => {
    const query = 'query($n: Int) { departments(pageSize: $n) { meta { totalCount } } }';
    const good = await api.graphql(query, { n: 1 }, a.attendant);
    expect(good.status).toBe(200);
    const reply = await twice(query, { n: 'many' }, a.attendant);
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', fields: { n: ['must be an integer'] } });
  });

  it('the operation name picks the operation of a known document', async () => {
    const query = 'query Mine { me { id } } query Depts { departments(pageSize: 1) { meta { totalCount } } }';
    const mine = await twice(query, undefined, a.attendant, 'Mine');
    const depts = await twice(query, undefined, a.attendant, 'Depts');
    expect(mine.body.data).toEqual({ me: { id: a.attendant.id } });
    expect(depts.body.data).toEqual({ departments: { meta: { totalCount: 1 } } });
  });
});
