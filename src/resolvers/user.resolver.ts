import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { User, UserPage } from '../schema/user.type';
import { CreateUserInput, UpdateMeInput, UpdateUserInput, UserListArgs } from '../schema/user.input';
import type { Context } from '../context';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { description: 'The authenticated user' })
  async me(@Ctx() ctx: Context) {
    return ctx.services.users.me(await ctx.scope());
  }

  @Query(() => UserPage, { description: 'Users of the tenant (manager)' })
  async users(@Args(() => UserListArgs) args: UserListArgs, @Ctx() ctx: Context) {
    return ctx.services.users.list(await ctx.scope(), args);
  }

  @Query(() => User, { description: 'One user (manager, or yourself)' })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.users.get(await ctx.scope(), id);
  }

  @Mutation(() => User)
  async updateMe(@Arg('user', () => UpdateMeInput) user: UpdateMeInput, @Ctx() ctx: Context) {
    return ctx.services.users.updateMe(await ctx.scope(), user);
  }

  @Mutation(() => User, { description: 'manager; nobody grants a role above their own' })
  async createUser(@Arg('user', () => CreateUserInput) user: CreateUserInput, @Ctx() ctx: Context) {
    return ctx.services.users.create(await ctx.scope(), user);
  }

  @Mutation(() => User)
  async updateUser(@Arg('id', () => ID) id: string, @Arg('user', () => UpdateUserInput) user: UpdateUserInput, @Ctx() ctx: Context) {
    return ctx.services.users.update(await ctx.scope(), id, user);
  }

  @Mutation(() => User, { description: 'Deactivates the user and revokes their sessions' })
  async deactivateUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.users.deactivate(await ctx.scope(), id);
  }
}
