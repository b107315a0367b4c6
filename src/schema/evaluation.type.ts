import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { IsNotEmpty, IsOptional } from 'class-validator';
import { PageArgs, PageMeta } from './common.type';
import { RateInput } from './widget.type';
import { BLANK, IsRating } from './messages';

@ObjectType()
export class Evaluation {
  @Field(() => ID) id: string;
  @Field(() => ID) callId: string;
  @Field(() => Int) rating: number;
  @Field(() => String, { nullable: true }) comment: string | null;
  @Field() customerName: string;
  @Field(() => String, { nullable: true }) userName: string | null;
  @Field() departmentName: string;
  @Field() insertedAt: Date;
}

@ObjectType()
export class EvaluationPage {
  @Field(() => [Evaluation]) data: Evaluation[];
  @Field(() => PageMeta) meta: PageMeta;
}

@ObjectType()
export class EvaluationCreated {
  @Field(() => ID) id: string;
  @Field(() => ID) callId: string;
  @Field(() => Int) rating: number;
  @Field(() => String, { nullable: true }) comment: string | null;
  @Field() insertedAt: Date;
}

@ObjectType()
export class EvaluationStats {
  @Field(() => Int) totalEvaluations: number;
  @Field(() => Float) averageRating: number;
  @Field(() => GraphQLJSONObject, { description: 'count per rating, keys "1" to "5"' }) distribution: Record<string, number>;
  @Field(() => Int) withComments: number;
  @Field(() => Float, { description: 'percentage of ratings of 4 or 5' }) satisfactionRate: number;
}

@InputType()
export class CreateEvaluationInput extends RateInput {
  @Field(() => ID) @IsNotEmpty(BLANK) callId: string;
}

@ArgsType()
export class EvaluationListArgs extends PageArgs {
  @Field(() => Int, { nullable: true }) @IsOptional() @IsRating() rating?: number;
  @Field(() => Date, { nullable: true }) dateFrom?: Date;
  @Field(() => Date, { nullable: true }) dateTo?: Date;
}

@ArgsType()
export class EvaluationStatsArgs {
  @Field(() => Date, { nullable: true, description: 'default: 30 days before date_to' }) dateFrom?: Date;
  @Field(() => Date, { nullable: true, description: 'default: now' }) dateTo?: Date;
  @Field(() => ID, { nullable: true }) departmentId?: string;
  @Field(() => ID, { nullable: true }) userId?: string;
}
