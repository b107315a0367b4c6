import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant } from '../helpers/tenants';
import { Tag, User } from '../../src/entities';
import { TENANT_FILTER } from '../../src/entities/tenant-scoped';

let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer();
  const api = new Api(srv.url);
  await createTenant(api, 'fa');
  await createTenant(api, 'fb');
});
afterAll(() => srv?.stop());

describe('the tenant filter', () => {
  it('is on by default: a query on an unscoped EntityManager fails instead of reading every tenant', async () => {
    const em = srv.server.db.orm.em.fork();
    await expect(em.find(User, {})).rejects.toThrow(/tenant/);
  });

  it('scopes reads, primary-key lookups included, to the given tenant', async () => {
    const all = await srv.server.db.orm.em.fork().find(User, {}, { filters: { [TENANT_FILTER]: false } });
    const tenants = [...new Set(all.map((u) => u.tenantId))];
    expect(tenants).toHaveLength(2);
    const em = srv.server.db.orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { tenantId: tenants[0] });
    const mine = await em.find(User, {});
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((u) => u.tenantId === tenants[0])).toBe(true);
    const foreign = all.find((u) => u.tenantId === tenants[1])!;
    expect(await em.findOne(User, { id: foreign.id })).toBeNull();
    expect(await em.count(Tag, {})).toBe(0);
  });
});
