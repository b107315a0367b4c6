import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { CallStatusResult, CancelResult, JoinInput, JoinResult, LinkValidation, Message, RateInput, TurnCredentials } from '../schema/widget.type';
import { RateLimited } from './rate-limited';
import type { Context } from '../context';

/** The customer's public entry: no token, a per-IP budget instead. */
@Resolver()
export class WidgetResolver {
  @Query(() => LinkValidation, { description: 'Check an access link (public)' })
  @RateLimited('public')
  validateLink(@Arg('token') token: string, @Ctx() ctx: Context) {
    return ctx.services.widget.validate(ctx.em, token);
  }

  @Mutation(() => JoinResult, { description: 'Join the department queue through an access link (public)' })
  @RateLimited('public')
  joinQueue(@Arg('token') token: string, @Arg('customer', () => JoinInput) customer: JoinInput, @Ctx() ctx: Context) {
    return ctx.services.widget.join(ctx.em, token, customer);
  }

  @Query(() => CallStatusResult, { description: 'Poll a call (public); also keeps a queued call alive' })
  @RateLimited('public')
  callStatus(@Arg('callId', () => ID) callId: string, @Ctx() ctx: Context) {
    return ctx.services.widget.status(ctx.em, callId);
  }

  @Mutation(() => CancelResult, { description: 'Leave the queue (public)' })
  @RateLimited('public')
  cancelCall(@Arg('callId', () => ID) callId: string, @Ctx() ctx: Context) {
    return ctx.services.widget.cancel(ctx.em, callId);
  }

  @Mutation(() => Message, { description: 'Rate a completed call, once (public)' })
  @RateLimited('public')
  evaluateCall(@Arg('callId', () => ID) callId: string, @Arg('evaluation', () => RateInput) evaluation: RateInput, @Ctx() ctx: Context) {
    return ctx.services.widget.evaluate(ctx.em, callId, evaluation);
  }

  @Query(() => TurnCredentials, { description: 'TURN credentials for customers (public)' })
  @RateLimited('public')
  publicTurnCredentials(@Ctx() ctx: Context) {
    return ctx.services.turn.anonymous();
  }

  @Query(() => TurnCredentials, { description: 'TURN credentials for agents' })
  async turnCredentials(@Ctx() ctx: Context) {
    return ctx.services.turn.forUser(await ctx.scope());
  }
}
