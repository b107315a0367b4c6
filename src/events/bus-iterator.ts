import type { BusEvent, EventBus } from './event-bus';

export interface BusIterator extends AsyncIterableIterator<BusEvent> {
  /** Puts events ahead of everything queued (a subscriber's initial state). */
  prepend(events: BusEvent[]): void;
  /** What to run once the consumer stops (replaces any earlier callback). */
  onReturn(run: () => void): void;
}

/**
 * A bus subscription as an AsyncIterator (what GraphQL subscriptions consume). Events queue up
 * while the consumer is busy, up to `maxQueued`; past that the oldest are dropped, so one slow
 * subscriber cannot grow the server's memory without bound.
 */
export function busIterator(
  bus: EventBus,
  topic: string,
  options: { accept?: (e: BusEvent) => boolean; onReturn?: () => void; maxQueued?: number } = {},
): BusIterator {
  const queue: BusEvent[] = [];
  const maxQueued = options.maxQueued ?? 1000;
  let waiting: ((r: IteratorResult<BusEvent>) => void) | undefined;
  let done = false;
  const unsubscribe = bus.subscribe(topic, (event) => {
    if (done || (options.accept && !options.accept(event))) return;
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    queue.push(event);
    if (queue.length > maxQueued) queue.shift();
  });
  const finish = (): IteratorResult<BusEvent> => {
    if (!done) {
      done = true;
      unsubscribe();
      options.onReturn?.();
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
    }
    return { value: undefined, done: true };
  };
  return {
    prepend(events: BusEvent[]) {
      const accepted = events.filter((e) => !options.accept || options.accept(e));
      if (waiting && accepted.length) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: accepted.shift()!, done: false });
      }
      queue.unshift(...accepted);
    },
    onReturn(run: () => void) {
      options.onReturn = run;
    },
    next() {
      if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: () => Promise.resolve(finish()),
    throw: (err?: unknown) => {
      finish();
      return Promise.reject(err);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
