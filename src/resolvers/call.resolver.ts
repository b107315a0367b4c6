import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import {
  CallAssignment, CallCompleted, CallFileInfo, CallDetails, CallListArgs, CallPage, CallStarted, ManagerNotes, Summary, Transcript,
} from '../schema/call.type';
import { Tag } from '../schema/tag.type';
import type { Context } from '../context';

@Resolver()
export class CallResolver {
  @Query(() => CallPage, { description: 'Calls you may see, filtered, searched, sorted and paginated' })
  async calls(@Args(() => CallListArgs) args: CallListArgs, @Ctx() ctx: Context) {
    return ctx.services.calls.list(await ctx.scope(), args);
  }

  @Query(() => CallDetails)
  async call(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.calls.get(await ctx.scope(), id);
  }

  @Mutation(() => CallAssignment, { description: 'queued → assigned; userId defaults to you' })
  async assignCall(@Arg('id', () => ID) id: string, @Arg('userId', () => ID, { nullable: true }) userId: string | null, @Ctx() ctx: Context) {
    return ctx.services.calls.assign(await ctx.scope(), id, userId);
  }

  @Mutation(() => CallStarted, { description: 'assigned → active' })
  async startCall(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.calls.start(await ctx.scope(), id);
  }

  @Mutation(() => CallCompleted, { description: 'active → completed' })
  async completeCall(@Arg('id', () => ID) id: string, @Arg('notes', () => String, { nullable: true }) notes: string | null, @Ctx() ctx: Context) {
    return ctx.services.calls.complete(await ctx.scope(), id, notes);
  }

  @Query(() => [Tag])
  async callTags(@Arg('callId', () => ID) callId: string, @Ctx() ctx: Context) {
    return ctx.services.calls.tags(await ctx.scope(), callId);
  }

  @Mutation(() => [Tag], { description: 'Returns the call’s tags' })
  async addCallTag(@Arg('callId', () => ID) callId: string, @Arg('tagId', () => ID) tagId: string, @Ctx() ctx: Context) {
    return ctx.services.calls.addTag(await ctx.scope(), callId, tagId);
  }

  @Mutation(() => [Tag], { description: 'Returns the call’s remaining tags' })
  async removeCallTag(@Arg('callId', () => ID) callId: string, @Arg('tagId', () => ID) tagId: string, @Ctx() ctx: Context) {
    return ctx.services.calls.removeTag(await ctx.scope(), callId, tagId);
  }

  @Mutation(() => ManagerNotes, { description: 'Append a stamped note to an ended call (supervisor)' })
  async addManagerNote(@Arg('id', () => ID) id: string, @Arg('notes', () => String) notes: string, @Ctx() ctx: Context) {
    return ctx.services.calls.addManagerNote(await ctx.scope(), id, notes);
  }

  @Query(() => [CallFileInfo], { description: 'Files uploaded to a call' })
  async callFiles(@Arg('callId', () => ID) callId: string, @Ctx() ctx: Context) {
    return ctx.services.files.list(await ctx.scope(), callId);
  }

  @Query(() => Transcript)
  async callTranscript(@Arg('callId', () => ID) callId: string, @Ctx() ctx: Context) {
    return ctx.services.calls.transcript(await ctx.scope(), callId);
  }

  @Query(() => Summary)
  async callSummary(@Arg('callId', () => ID) callId: string, @Ctx() ctx: Context) {
    return ctx.services.calls.summary(await ctx.scope(), callId);
  }
}
