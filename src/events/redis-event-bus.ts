import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { LocalEventBus, type BusEvent, type BusListener, type EventBus } from './event-bus';

const CHANNEL = 'voki:events';

/**
 * Every instance publishes to one Redis channel and delivers what comes back to its own
 * listeners, its own events included, so all instances see one order. A batch of events
 * (say, the positions of a whole queue) travels as one Redis message.
 */
export class RedisEventBus implements EventBus {
  private readonly local: LocalEventBus;
  private readonly subscriber: Redis;

  constructor(private readonly publisher: Redis, private readonly log: Logger) {
    this.local = new LocalEventBus((err) => log.warn({ err }, 'event listener failed'));
    this.subscriber = publisher.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', (err) => log.warn({ err: err.message }, 'redis event subscriber error'));
    this.subscriber.on('message', (_channel: string, message: string) => this.receive(message));
  }

  /** Resolves once the subscription is live, so nothing published after start-up is missed. */
  async start(): Promise<void> {
    await this.subscriber.subscribe(CHANNEL);
  }

  publish(events: BusEvent | BusEvent[]): void {
    const list = Array.isArray(events) ? events : [events];
    if (!list.length) return;
    this.publisher.publish(CHANNEL, JSON.stringify(list)).catch((err: Error) => {
      this.log.warn({ err: err.message, events: list.length }, 'event publish failed; delivering locally only');
      this.local.deliver(list);
    });
  }

  subscribe(topic: string, listener: BusListener): () => void {
    return this.local.subscribe(topic, listener);
  }

  private receive(message: string) {
    let events: BusEvent[];
    try {
      events = JSON.parse(message);
    } catch {
      this.log.warn('unreadable message on the event channel');
      return;
    }
    if (Array.isArray(events)) this.local.deliver(events);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
  }
}
