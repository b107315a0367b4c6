import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors';

/** `auth`: /api/auth/* and their GraphQL twins; `public`: signup and the customer widget. */
export type Bucket = 'auth' | 'public';

/**
 * Per-IP request budgets per minute. With Redis the counters are shared, so several instances
 * behind a load balancer enforce one limit; without it they live in this process.
 * A limit of 0 turns its bucket off.
 */
export class RateLimits {
  private readonly limiters: Partial<Record<Bucket, RateLimiterAbstract>> = {};

  constructor(limits: Record<Bucket, number>, redis?: Redis) {
    for (const bucket of Object.keys(limits) as Bucket[]) {
      if (!limits[bucket]) continue;
      const options = { keyPrefix: `voki:rl:${bucket}`, points: limits[bucket], duration: 60 };
      this.limiters[bucket] = redis ? new RateLimiterRedis({ ...options, storeClient: redis, useRedisPackage: false }) : new RateLimiterMemory(options);
    }
  }

  async consume(bucket: Bucket, ip: string): Promise<void> {
    const limiter = this.limiters[bucket];
    if (!limiter) return;
    try {
      await limiter.consume(ip || 'unknown');
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new AppError('RATE_LIMITED', 'Too many requests', undefined, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
      // The store is down: fail open rather than lock every customer out.
      return;
    }
  }
}
