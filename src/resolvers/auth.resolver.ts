import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { AuthPayload, SignupPayload } from '../schema/auth.type';
import { LoginInput, RefreshInput, SignupInput } from '../schema/auth.input';
import { RateLimited } from './rate-limited';
import type { Context } from '../context';

@Resolver()
export class AuthResolver {
  @Mutation(() => SignupPayload, { description: 'Create a tenant and its owner; public' })
  @RateLimited('public')
  signup(@Arg('input', () => SignupInput) input: SignupInput, @Ctx() ctx: Context) {
    return ctx.services.auth.signup(ctx.em, input, ctx.ip);
  }

  @Mutation(() => AuthPayload, { description: 'Exchange email, password and tenant for tokens; public' })
  @RateLimited('auth')
  login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: Context) {
    return ctx.services.auth.login(ctx.em, input, ctx.ip);
  }

  @Mutation(() => AuthPayload, { description: 'Rotate a refresh token; a reused one revokes its family' })
  @RateLimited('auth')
  refresh(@Arg('input', () => RefreshInput) input: RefreshInput, @Ctx() ctx: Context) {
    return ctx.services.auth.refresh(ctx.em, input.refreshToken, ctx.ip);
  }

  @Mutation(() => Boolean, { nullable: true, description: 'Revoke the refresh token family' })
  @RateLimited('auth')
  async logout(@Arg('input', () => RefreshInput) input: RefreshInput, @Ctx() ctx: Context) {
    await ctx.services.auth.logout(ctx.em, input.refreshToken);
    return true;
  }
}
