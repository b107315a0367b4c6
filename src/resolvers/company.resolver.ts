import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Company, UpdateCompanyInput } from '../schema/company.type';
import type { Context } from '../context';

@Resolver(() => Company)
export class CompanyResolver {
  @Query(() => Company, { description: 'manager' })
  async company(@Ctx() ctx: Context) {
    return ctx.services.company.get(await ctx.scope());
  }

  @Mutation(() => Company, { description: 'manager; features: owner only' })
  async updateCompany(@Arg('company', () => UpdateCompanyInput) company: UpdateCompanyInput, @Ctx() ctx: Context) {
    return ctx.services.company.update(await ctx.scope(), company);
  }
}
