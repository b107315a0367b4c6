import { randomBytes } from 'node:crypto';
import { AccessLink, Department } from '../entities';
import { invalid, notFound } from '../errors';
import { requireRole } from '../auth/roles';
import type { Scope } from '../auth/actor';
import { isUuid, requireUuid } from './guards';
import { findPage, type PageArgs } from './pagination';
import { linkView } from './views';
import { CreateLinkInput } from '../schema/link.input';
import { validated } from './validate';
import { audit } from './audit';

const SORTABLE = ['inserted_at', 'name', 'expires_at', 'uses'] as const;

/** Access links: supervisors create and revoke them; the token is the customer's way in. */
export class LinksService {
  constructor(private readonly publicUrl: string) {}

  async list(scope: Scope, args: PageArgs & { departmentId?: string; active?: boolean }) {
    requireRole(scope.actor, 'supervisor');
    const where: Record<string, unknown> = {};
    if (args.departmentId) where.departmentId = requireUuid(args.departmentId, 'Department');
    if (args.active !== undefined && args.active !== null) where.active = args.active;
    const { items, meta } = await findPage(scope.em, AccessLink, where, args, SORTABLE, { sortBy: 'inserted_at', sortOrder: 'desc' });
    return { data: items.map((l) => linkView(l, this.publicUrl)), meta };
  }

  async get(scope: Scope, id: string) {
    requireRole(scope.actor, 'supervisor');
    return linkView(await this.load(scope, id), this.publicUrl);
  }

  async create(scope: Scope, input: { departmentId: string; name?: string; expiresAt?: Date | null; maxUses?: number | null }) {
    await validated(CreateLinkInput, input);
    requireRole(scope.actor, 'supervisor');
    const department = isUuid(input.departmentId)
      ? await scope.em.findOne(Department, { id: input.departmentId.toLowerCase() })
      : null;
    if (!department) throw invalid({ departmentId: ['does not exist'] });
    const link = scope.em.create(AccessLink, {
      tenantId: scope.actor.tenantId,
      departmentId: department.id,
      name: input.name?.trim() || department.name,
      token: randomBytes(18).toString('base64url'),
      expiresAt: input.expiresAt ?? null,
      maxUses: input.maxUses ?? null,
    });
    audit(scope, { action: 'link.created', targetType: 'link', targetId: link.id, changes: { department_id: [null, department.id], name: [null, link.name] } });
    await scope.em.flush();
    return linkView(link, this.publicUrl);
  }

  /** Revoked links stay listed (inactive) so their history is kept. */
  async revoke(scope: Scope, id: string) {
    requireRole(scope.actor, 'supervisor');
    const link = await this.load(scope, id);
    audit(scope, { action: 'link.revoked', targetType: 'link', targetId: link.id, changes: link.active ? { active: [true, false] } : {} });
    link.active = false;
    await scope.em.flush();
    return linkView(link, this.publicUrl);
  }

  private async load(scope: Scope, id: string) {
    const link = await scope.em.findOne(AccessLink, { id: requireUuid(id, 'Access link') });
    if (!link) throw notFound('Access link');
    return link;
  }
}
