import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { AcceptsNull } from './input-guard';
import { GraphQLJSONObject } from 'graphql-scalars';

@ObjectType({ description: 'One real-time event; `event` and `payload` are exactly those of the Phoenix channel (seed 003)' })
export class RealtimeEvent {
  @Field({ description: 'the Phoenix topic, e.g. queue:{department_id}' }) topic: string;
  @Field({ description: 'e.g. customer_joined, presence_diff, queue_position' }) event: string;
  @Field(() => GraphQLJSONObject, { description: 'snake_case, as on the Phoenix channel' }) payload: Record<string, unknown>;
}

@ObjectType({ description: 'A queued customer’s place' })
export class QueuePosition {
  @Field(() => Int) position: number;
  @Field(() => Int, { description: 'seconds' }) estimatedWaitTime: number;
}

@InputType()
export class SignalInput {
  @Field({ description: 'offer or answer' }) type: string;
  @Field() sdp: string;
}

@InputType()
export class IceCandidateInput {
  @Field() candidate: string;
  @Field(() => String, { nullable: true }) @AcceptsNull() sdpMid?: string | null;
  @Field(() => Int, { nullable: true }) @AcceptsNull() sdpMLineIndex?: number | null;
}

@ObjectType({ description: 'A supervision mode started on an active call' })
export class Supervision {
  @Field(() => ID) callId: string;
  @Field({ description: 'monitor, whisper or barge' }) mode: string;
  @Field(() => ID) supervisorId: string;
}
