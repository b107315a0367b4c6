import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, ArrayNotEmpty, IsIn, IsNotEmpty, IsOptional, MaxLength } from 'class-validator';
import { AcceptsNull } from './input-guard';
import { BLANK, atMost } from './messages';
import { PageMeta } from './common.type';
import { EVENT_TYPES } from '../services/outbox';

const EVENTS = { each: true, message: `each must be one of: ${['*', ...EVENT_TYPES].join(', ')}` };

@ObjectType({ description: 'An endpoint that receives signed events (Standard Webhooks 1.0, CONTRACT §10)' })
export class Webhook {
  @Field(() => ID) id: string;
  @Field() url: string;
  @Field(() => [String], { description: 'event types, or ["*"] for all' }) events: string[];
  @Field(() => String, { nullable: true }) description: string | null;
  @Field() active: boolean;
  @Field() insertedAt: Date;
}

@ObjectType()
export class CreatedWebhook extends Webhook {
  @Field({ description: 'whsec_…: shown once, here' }) secret: string;
}

@ObjectType()
export class WebhookPage {
  @Field(() => [Webhook]) data: Webhook[];
  @Field(() => PageMeta) meta: PageMeta;
}

@ObjectType()
export class WebhookSecret {
  @Field({ description: 'the new secret; the previous one keeps signing for 24 hours' }) secret: string;
}

@ObjectType()
export class WebhookDelivery {
  @Field(() => ID) id: string;
  @Field() eventType: string;
  @Field({ description: 'pending, delivered or failed' }) status: string;
  @Field(() => Int) attempts: number;
  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt' }) responseStatus: number | null;
  @Field(() => Date, { nullable: true }) lastAttemptAt: Date | null;
  @Field(() => Date, { nullable: true }) nextAttemptAt: Date | null;
  @Field() insertedAt: Date;
}

@ObjectType()
export class WebhookDeliveryPage {
  @Field(() => [WebhookDelivery]) data: WebhookDelivery[];
  @Field(() => PageMeta) meta: PageMeta;
}

@InputType()
export class CreateWebhookInput {
  @Field() @IsNotEmpty(BLANK) @MaxLength(2000, atMost(2000)) url: string;
  @Field(() => [String]) @ArrayNotEmpty({ message: "can't be empty" }) @ArrayMaxSize(20) @IsIn(['*', ...EVENT_TYPES], EVENTS) events: string[];
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000, atMost(2000)) @AcceptsNull() description?: string | null;
  @Field({ nullable: true, description: 'default true' }) active?: boolean;
}

@InputType()
export class UpdateWebhookInput {
  @Field({ nullable: true }) @IsOptional() @IsNotEmpty(BLANK) @MaxLength(2000, atMost(2000)) url?: string;
  @Field(() => [String], { nullable: true })
  @IsOptional() @ArrayNotEmpty({ message: "can't be empty" }) @ArrayMaxSize(20) @IsIn(['*', ...EVENT_TYPES], EVENTS)
  events?: string[];
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000, atMost(2000)) @AcceptsNull() description?: string | null;
  @Field({ nullable: true }) active?: boolean;
}
