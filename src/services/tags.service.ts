import { Tag } from '../entities';
import { notFound } from '../errors';
import { requireRole } from '../auth/roles';
import type { Scope } from '../auth/actor';
import { flushUnique, requireUuid } from './guards';
import { findPage, type PageArgs } from './pagination';
import { tagView } from './views';
import { CreateTagInput, UpdateTagInput } from '../schema/tag.input';
import { validated } from './validate';

const SORTABLE = ['inserted_at', 'name'] as const;

/** Tags a tenant labels calls with; every agent may manage them. */
export class TagsService {
  async list(scope: Scope, args: PageArgs) {
    requireRole(scope.actor, 'attendant');
    const { items, meta } = await findPage(scope.em, Tag, {}, args, SORTABLE, { sortBy: 'name', sortOrder: 'asc' });
    return { data: items.map(tagView), meta };
  }

  async get(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    return tagView(await this.load(scope, id));
  }

  async create(scope: Scope, input: { name: string; color?: string }) {
    await validated(CreateTagInput, input);
    requireRole(scope.actor, 'attendant');
    const tag = scope.em.create(Tag, {
      tenantId: scope.actor.tenantId, name: input.name.trim(), ...(input.color ? { color: input.color.toLowerCase() } : {}),
    });
    await flushUnique(scope.em, 'name');
    return tagView(tag);
  }

  async update(scope: Scope, id: string, input: { name?: string; color?: string }) {
    await validated(UpdateTagInput, input);
    requireRole(scope.actor, 'attendant');
    const tag = await this.load(scope, id);
    if (input.name !== undefined) tag.name = input.name.trim();
    if (input.color !== undefined) tag.color = input.color.toLowerCase();
    await flushUnique(scope.em, 'name');
    return tagView(tag);
  }

  async remove(scope: Scope, id: string) {
    requireRole(scope.actor, 'attendant');
    const tag = await this.load(scope, id);
    scope.em.remove(tag);
    await scope.em.flush();
    return tagView(tag);
  }

  private async load(scope: Scope, id: string) {
    const tag = await scope.em.findOne(Tag, { id: requireUuid(id, 'Tag') });
    if (!tag) throw notFound('Tag');
    return tag;
  }
}
