import { Filter, Index, Property, type Opt } from '@mikro-orm/core';

export const TENANT_FILTER = 'tenant';

/**
 * Every tenant-owned table carries tenant_id and this filter. It is on by default and needs its
 * parameter, so a query on an unscoped EntityManager throws instead of reading across tenants.
 */
export const TenantFilter = Filter({
  name: TENANT_FILTER,
  cond: (args: { tenantId: string }) => ({ tenantId: args.tenantId }),
  default: true,
});

/** Columns every tenant-owned table shares; each entity also wears @TenantFilter. */
export abstract class TenantScoped {
  @Index()
  @Property({ type: 'uuid', fieldName: 'tenant_id' })
  tenantId!: string;

  @Property({ type: 'datetime', fieldName: 'inserted_at', onCreate: () => new Date() })
  insertedAt: Date & Opt = new Date();

  @Property({ type: 'datetime', fieldName: 'updated_at', onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
