import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { AnalyticsDashboard, DashboardArgs } from '../schema/analytics.type';
import type { Context } from '../context';

@Resolver()
export class AnalyticsResolver {
  @Query(() => AnalyticsDashboard, { description: 'The desk’s figures for a period (manager)' })
  async analyticsDashboard(@Args(() => DashboardArgs) args: DashboardArgs, @Ctx() ctx: Context) {
    return ctx.services.analytics.dashboard(await ctx.scope(), args);
  }
}
