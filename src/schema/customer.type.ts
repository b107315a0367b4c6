import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { PageArgs, PageMeta } from './common.type';
import { Call } from './call.type';
import { atMost } from './messages';

@ObjectType()
export class Customer {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) email: string | null;
  @Field(() => String, { nullable: true }) phone: string | null;
  @Field(() => Int, { description: 'the calls you may see' }) callsCount: number;
  @Field(() => Date, { nullable: true, description: 'the newest call you may see' }) lastCallAt: Date | null;
  @Field() insertedAt: Date;
}

@ObjectType()
export class CustomerDetails extends Customer {
  @Field(() => [Call], { description: 'their calls you may see, newest first, at most 50' }) calls: Call[];
}

@ObjectType()
export class CustomerPage {
  @Field(() => [Customer]) data: Customer[];
  @Field(() => PageMeta) meta: PageMeta;
}

@ArgsType()
export class CustomerListArgs extends PageArgs {
  @Field({ nullable: true, description: 'name or email contains' }) @IsOptional() @MaxLength(200, atMost(200)) search?: string;
}
