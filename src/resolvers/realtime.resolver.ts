import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { IceCandidateInput, QueuePosition, RealtimeEvent, SignalInput, Supervision } from '../schema/realtime.type';
import { topics } from '../events/topics';
import type { BusEvent } from '../events/event-bus';
import type { Context } from '../context';

type Data = SubscribeResolverData<unknown, Record<string, string>, Context>;

/** Opens a topic for this subscriber; a subscription outside a socket gets a connection of its own. */
const stream = (topic: (args: Record<string, string>, ctx: Context) => Promise<string> | string, only?: (e: BusEvent) => boolean) =>
  async ({ args, context }: Data) => {
    const principal = await context.principal();
    const connection = context.connection ?? { id: randomUUID(), closed: () => false };
    return context.services.realtime.stream(principal, await topic(args, context), connection, args, only);
  };

const sameEvent = (e: BusEvent) => e;

/**
 * The seed 003 channels as GraphQL subscriptions; the Phoenix endpoint opens the same topics
 * through the same service, and its pushes run the mutations below.
 */
@Resolver()
export class RealtimeResolver {
  @Subscription(() => RealtimeEvent, {
    description: 'queue:{department_id}: queue_update (first, as a snapshot), customer_joined, customer_left, call_assigned',
    subscribe: stream((a) => topics.queue(a.departmentId)),
  })
  queueEvents(@Root() event: BusEvent, @Arg('departmentId', () => ID) _departmentId: string) {
    return sameEvent(event);
  }

  @Subscription(() => RealtimeEvent, {
    description: 'presence:{department_id}: presence_state, then presence_diff; you are tracked while subscribed',
    subscribe: stream((a) => topics.presence(a.departmentId)),
  })
  presenceEvents(
    @Root() event: BusEvent,
    @Arg('departmentId', () => ID) _departmentId: string,
    @Arg('status', () => String, { nullable: true, description: 'online (default), busy or away' }) _status: string | null,
  ) {
    return sameEvent(event);
  }

  @Subscription(() => RealtimeEvent, {
    description: 'call:{call_id}: queue_position, call_assigned, call_started, participant_*, peer_*, mute, signal, ice_candidate, call_ended',
    subscribe: stream((a) => topics.call(a.callId)),
  })
  callEvents(@Root() event: BusEvent, @Arg('callId', () => ID) _callId: string) {
    return sameEvent(event);
  }

  @Subscription(() => RealtimeEvent, {
    description: 'notification:{your user id}: new_notification, appointment_reminder',
    subscribe: stream(async (_a, ctx) => {
      const p = await ctx.principal();
      return topics.notification(p.kind === 'user' ? p.actor.userId : '-');
    }),
  })
  notifications(@Root() event: BusEvent) {
    return sameEvent(event);
  }

  @Subscription(() => QueuePosition, {
    description: 'The queued customer’s position, whenever it changes (customer websocket token)',
    subscribe: stream((a) => topics.call(a.callId), (e) => e.event === 'queue_position'),
  })
  queuePosition(@Root() event: BusEvent, @Arg('callId', () => ID) _callId: string) {
    return { position: event.payload.position, estimatedWaitTime: event.payload.estimated_wait_time };
  }

  @Mutation(() => Boolean, { description: 'SDP offer/answer to the SFU (call:{call_id} signal)' })
  async sendSignal(@Arg('callId', () => ID) callId: string, @Arg('signal', () => SignalInput) signal: SignalInput, @Ctx() ctx: Context) {
    return ctx.services.callControls.signal(await ctx.principal(), callId, signal as never);
  }

  @Mutation(() => Boolean, { description: 'ICE candidate to the SFU (call:{call_id} ice_candidate)' })
  async sendIceCandidate(@Arg('callId', () => ID) callId: string, @Arg('candidate', () => IceCandidateInput) candidate: IceCandidateInput, @Ctx() ctx: Context) {
    return ctx.services.callControls.iceCandidate(await ctx.principal(), callId, candidate);
  }

  @Mutation(() => Boolean, { description: 'Mute or unmute your audio or video; the others receive mute' })
  async setMute(
    @Arg('callId', () => ID) callId: string, @Arg('type', () => String) type: string, @Arg('muted', () => Boolean) muted: boolean,
    @Ctx() ctx: Context,
  ) {
    return ctx.services.callControls.mute(await ctx.principal(), callId, type, muted, ctx.connection?.id);
  }

  @Mutation(() => String, { description: 'Your presence status in a department: online, busy or away' })
  async updatePresenceStatus(@Arg('departmentId', () => ID) departmentId: string, @Arg('status', () => String) status: string, @Ctx() ctx: Context) {
    return ctx.services.callControls.updateStatus(await ctx.principal(), departmentId, status);
  }

  @Mutation(() => Supervision, { description: 'Listen to an active call without being heard (supervisor)' })
  async monitorCall(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.callControls.supervise(await ctx.scope(), id, 'monitor');
  }

  @Mutation(() => Supervision, { description: 'Speak to the agent only (supervisor)' })
  async whisperCall(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.callControls.supervise(await ctx.scope(), id, 'whisper');
  }

  @Mutation(() => Supervision, { description: 'Join the conversation, heard by both (supervisor)' })
  async bargeCall(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.callControls.supervise(await ctx.scope(), id, 'barge');
  }

  @Mutation(() => Boolean, { description: 'Stop supervising a call: your media leaves it (supervisor)' })
  async stopSupervision(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.callControls.stopSupervising(await ctx.scope(), id);
  }
}
