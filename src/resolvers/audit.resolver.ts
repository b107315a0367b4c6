import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { AuditLogArgs, AuditLogPage } from '../schema/audit.type';
import type { Context } from '../context';

@Resolver()
export class AuditResolver {
  @Query(() => AuditLogPage, { description: 'The audit log (manager): filter by action, actor, target and period; newest first' })
  async auditLog(@Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() ctx: Context) {
    return ctx.services.auditLog.list(await ctx.scope(), args);
  }
}
