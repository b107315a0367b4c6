import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import {
  CreateEvaluationInput, Evaluation, EvaluationCreated, EvaluationListArgs, EvaluationPage, EvaluationStats, EvaluationStatsArgs,
} from '../schema/evaluation.type';
import type { Context } from '../context';

@Resolver()
export class EvaluationResolver {
  @Query(() => EvaluationPage)
  async evaluations(@Args(() => EvaluationListArgs) args: EvaluationListArgs, @Ctx() ctx: Context) {
    return ctx.services.evaluations.list(await ctx.scope(), args);
  }

  @Query(() => Evaluation)
  async evaluation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.evaluations.get(await ctx.scope(), id);
  }

  @Query(() => EvaluationStats)
  async evaluationStats(@Args(() => EvaluationStatsArgs) args: EvaluationStatsArgs, @Ctx() ctx: Context) {
    return ctx.services.evaluations.stats(await ctx.scope(), args);
  }

  @Mutation(() => EvaluationCreated, { description: 'Record a rating on a customer’s behalf' })
  async createEvaluation(@Arg('evaluation', () => CreateEvaluationInput) evaluation: CreateEvaluationInput, @Ctx() ctx: Context) {
    return ctx.services.evaluations.create(await ctx.scope(), evaluation);
  }
}
