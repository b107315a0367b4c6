import { UseMiddleware, type MiddlewareFn } from 'type-graphql';
import type { Bucket } from '../services/rate-limits';
import type { Context } from '../context';

/** Spends one request of the caller's IP budget before the resolver runs, whichever door it came through. */
export const RateLimited = (bucket: Bucket) => {
  const spend: MiddlewareFn<Context> = async ({ context }, next) => {
    await context.rateLimit(bucket);
    return next();
  };
  return UseMiddleware(spend);
};
