import { Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { AccessLink, AccessLinkPage } from '../schema/link.type';
import { CreateLinkInput } from '../schema/link.input';
import { PageArgs } from '../schema/common.type';
import type { Context } from '../context';

@ArgsType()
class LinkListArgs extends PageArgs {
  @Field(() => ID, { nullable: true }) departmentId?: string;
  @Field({ nullable: true }) active?: boolean;
}

@Resolver(() => AccessLink)
export class LinkResolver {
  @Query(() => AccessLinkPage)
  async links(@Args(() => LinkListArgs) args: LinkListArgs, @Ctx() ctx: Context) {
    return ctx.services.links.list(await ctx.scope(), args);
  }

  @Query(() => AccessLink)
  async link(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.links.get(await ctx.scope(), id);
  }

  @Mutation(() => AccessLink, { description: 'Returns the token and the URL to publish' })
  async createLink(@Arg('link', () => CreateLinkInput) link: CreateLinkInput, @Ctx() ctx: Context) {
    return ctx.services.links.create(await ctx.scope(), link);
  }

  @Mutation(() => AccessLink)
  async revokeLink(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.links.revoke(await ctx.scope(), id);
  }
}
