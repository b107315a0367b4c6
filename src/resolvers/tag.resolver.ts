import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Tag, TagPage } from '../schema/tag.type';
import { CreateTagInput, UpdateTagInput } from '../schema/tag.input';
import { PageArgs } from '../schema/common.type';
import type { Context } from '../context';

@Resolver(() => Tag)
export class TagResolver {
  @Query(() => TagPage)
  async tags(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return ctx.services.tags.list(await ctx.scope(), args);
  }

  @Query(() => Tag)
  async tag(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.tags.get(await ctx.scope(), id);
  }

  @Mutation(() => Tag)
  async createTag(@Arg('tag', () => CreateTagInput) tag: CreateTagInput, @Ctx() ctx: Context) {
    return ctx.services.tags.create(await ctx.scope(), tag);
  }

  @Mutation(() => Tag)
  async updateTag(@Arg('id', () => ID) id: string, @Arg('tag', () => UpdateTagInput) tag: UpdateTagInput, @Ctx() ctx: Context) {
    return ctx.services.tags.update(await ctx.scope(), id, tag);
  }

  @Mutation(() => Tag)
  async deleteTag(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.tags.remove(await ctx.scope(), id);
  }
}
