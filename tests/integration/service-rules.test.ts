import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { TENANT_FILTER } from '../../src/entities/tenant-scoped';
import { AppError } from '../../src/errors';
import type { Scope } from '../../src/auth/actor';

/**
 * Each input rule is written once, on its input class, and checked by the service: code that
 * calls a service directly, with no door in front (as background jobs will), gets the same 422s
 * as REST and GraphQL callers.
 */
let srv: TestServer;
let api: Api;
let t: TestTenant;

beforeAll(async () => {
  srv = await startTestServer();
  api = new Api(srv.url);
  t = await createTenant(api, 'rules');
});
afterAll(() => srv?.stop());

function ownerScope(): Scope {
  const claims = JSON.parse(Buffer.from(t.owner.token.split('.')[1], 'base64url').toString());
  const em = srv.server.db.orm.em.fork() as never as Scope['em'];
  em.setFilterParams(TENANT_FILTER, { tenantId: claims.tid });
  return { actor: { tenantId: claims.tid, tenantSlug: t.slug, userId: claims.sub, role: 'owner', name: 'Owner' }, em };
}

async function fieldsOf(run: () => Promise<unknown>) {
  const error = await run().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('BAD_USER_INPUT');
  return (error as AppError).fields;
}

describe('services called directly check the same rules as the doors', () => {
  const services = () => srv.server.deps.services;

  it('queue_timeout range, on create and update', async () => {
    expect(await fieldsOf(() => services().departments.create(ownerScope(), { name: 'Fast', queueTimeout: 0 }))).toEqual({ queueTimeout: ['must be at least 1 second'] });
    expect(await fieldsOf(() => services().departments.update(ownerScope(), t.departmentId, { queueTimeout: 90000 }))).toEqual({ queueTimeout: ['must be at most 86400 seconds'] });
    // The same words reach a REST caller.
    const rest = await api.post('/api/v1/departments', { name: 'Fast', queue_timeout: 0 }, t.owner);
    expect(rest.status).toBe(422);
    expect(rest.body.errors).toEqual({ queue_timeout: ['must be at least 1 second'] });
  });

  it('an access link: expiry in the future and max_uses of at least 1, both in one place', async () => {
    const past = new Date(Date.now() - 60000);
    expect(await fieldsOf(() => services().links.create(ownerScope(), { departmentId: t.departmentId, expiresAt: past, maxUses: 0 }))).toEqual({
      expiresAt: ['must be in the future'], maxUses: ['must be greater than or equal to 1'],
    });
  });

  it('a rating: 1 to 5, whole, when given and when filtered by', async () => {
    const link = await createLink(api, t.supervisor, t.departmentId);
    const { callId } = await joinQueue(api, link);
    expect(await fieldsOf(() => services().widget.evaluate(srv.server.db.orm.em.fork() as never, callId, { rating: 6 }))).toEqual({ rating: ['must be between 1 and 5'] });
    expect(await fieldsOf(() => services().evaluations.list(ownerScope(), { rating: 2.5 }))).toEqual({ rating: ['must be between 1 and 5'] });
  });

  it('lengths and formats of a user', async () => {
    expect(await fieldsOf(() => services().users.create(ownerScope(), { name: '', email: 'not-an-email', password: 'short' }))).toEqual({
      name: ["can't be blank"], email: ['must be a valid email address'], password: ['must be at least 8 characters'],
    });
  });
});
