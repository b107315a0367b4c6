import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import { CustomerDetails, CustomerListArgs, CustomerPage } from '../schema/customer.type';
import type { Context } from '../context';

@Resolver()
export class CustomerResolver {
  @Query(() => CustomerPage, { description: 'Customers of the calls you may see, searched, sorted (default: last call, newest first) and paginated' })
  async customers(@Args(() => CustomerListArgs) args: CustomerListArgs, @Ctx() ctx: Context) {
    return ctx.services.customers.list(await ctx.scope(), args);
  }

  @Query(() => CustomerDetails, { description: 'A customer with their calls you may see (newest first, at most 50)' })
  async customer(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.customers.get(await ctx.scope(), id);
  }
}
