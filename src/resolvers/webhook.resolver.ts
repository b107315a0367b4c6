import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import {
  CreateWebhookInput, CreatedWebhook, UpdateWebhookInput, Webhook, WebhookDelivery, WebhookDeliveryPage, WebhookPage, WebhookSecret,
} from '../schema/webhook.type';
import { PageArgs } from '../schema/common.type';
import type { Context } from '../context';

@Resolver()
export class WebhookResolver {
  @Query(() => WebhookPage, { description: 'Webhook endpoints (manager)' })
  async webhooks(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return ctx.services.webhooks.list(await ctx.scope(), args);
  }

  @Query(() => Webhook)
  async webhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.webhooks.get(await ctx.scope(), id);
  }

  @Mutation(() => CreatedWebhook, { description: 'The answer alone carries the secret' })
  async createWebhook(@Arg('webhook', () => CreateWebhookInput) webhook: CreateWebhookInput, @Ctx() ctx: Context) {
    return ctx.services.webhooks.create(await ctx.scope(), webhook);
  }

  @Mutation(() => Webhook)
  async updateWebhook(@Arg('id', () => ID) id: string, @Arg('webhook', () => UpdateWebhookInput) webhook: UpdateWebhookInput, @Ctx() ctx: Context) {
    return ctx.services.webhooks.update(await ctx.scope(), id, webhook);
  }

  @Mutation(() => Webhook)
  async deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.webhooks.remove(await ctx.scope(), id);
  }

  @Mutation(() => WebhookSecret, { description: 'A new secret; the old one keeps signing for 24 hours' })
  async rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.webhooks.rotateSecret(await ctx.scope(), id);
  }

  @Query(() => WebhookDeliveryPage, { description: 'Deliveries of a webhook, newest first' })
  async webhookDeliveries(@Arg('id', () => ID) id: string, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return ctx.services.webhooks.deliveries(await ctx.scope(), id, args);
  }

  @Mutation(() => WebhookDelivery, { description: 'Queue one more attempt of a delivery now' })
  async retryWebhookDelivery(@Arg('id', () => ID) id: string, @Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: Context) {
    return ctx.services.webhooks.retry(await ctx.scope(), id, deliveryId);
  }
}
