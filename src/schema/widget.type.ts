import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { IsEmail, IsNotEmpty, IsOptional, MaxLength } from 'class-validator';
import { AcceptsNull } from './input-guard';
import { BLANK, INVALID_EMAIL, IsRating, atMost } from './messages';

@ObjectType({ description: 'What a customer sees before joining: the link is valid, and the queue' })
export class LinkValidation {
  @Field() valid: boolean;
  @Field() departmentName: string;
  @Field() companyName: string;
  @Field(() => String, { nullable: true }) companyLogoUrl: string | null;
  @Field() primaryColor: string;
  @Field(() => Int) queueSize: number;
  @Field(() => Int, { description: 'seconds' }) estimatedWaitTime: number;
  @Field(() => Int) onlineAgents: number;
  @Field({ description: "within the department's business hours (always, without a schedule)" }) isOpen: boolean;
  @Field(() => Date, { nullable: true, description: 'when it opens next; null while open or when the schedule never opens' }) nextOpenAt: Date | null;
}

@InputType()
export class JoinInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(200, atMost(200)) name: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsEmail({}, INVALID_EMAIL) @MaxLength(254, atMost(254)) @AcceptsNull() email?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(40, atMost(40)) @AcceptsNull() phone?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000, atMost(2000)) @AcceptsNull() reason?: string | null;
}

@ObjectType()
export class JoinResult {
  @Field(() => ID) callId: string;
  @Field() status: string;
  @Field(() => Int) position: number;
  @Field(() => Int) estimatedWaitTime: number;
  @Field({ description: 'Phoenix socket token valid only for this call' }) websocketToken: string;
  @Field() websocketUrl: string;
}

@ObjectType()
export class CallStatusResult {
  @Field(() => ID) callId: string;
  @Field() status: string;
  @Field(() => Int, { nullable: true, description: 'while queued' }) position: number | null;
  @Field(() => Int, { nullable: true, description: 'seconds, while queued' }) estimatedWaitTime: number | null;
}

@ObjectType()
export class CancelResult {
  @Field(() => ID) callId: string;
  @Field() status: string;
}

@InputType()
export class RateInput {
  @Field(() => Int) @IsRating() rating: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000, atMost(2000)) @AcceptsNull() comment?: string | null;
}

@ObjectType()
export class Message {
  @Field() message: string;
}

@ObjectType()
export class TurnCredentials {
  @Field(() => [String]) urls: string[];
  @Field() username: string;
  @Field() credential: string;
  @Field(() => Int, { description: 'seconds' }) ttl: number;
}
