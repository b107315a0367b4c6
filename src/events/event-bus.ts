/**
 * One real-time message: what happened (`event`, `payload`, exactly as seed 003 shows it) on
 * which `topic` (`queue:{department_id}`, `call:{call_id}`, …). Topics name ids that are unique
 * across tenants; who may listen to a topic is decided once, when a subscriber opens it.
 */
export interface BusEvent {
  topic: string;
  event: string;
  payload: Record<string, unknown>;
  /** Only this participant's connections receive it (signalling meant for one peer). */
  to?: string;
  /** Every connection but this one receives it (a participant does not hear its own join). */
  exclude?: string;
}

export type BusListener = (event: BusEvent) => void;

/** Whether an event is for this subscriber: not addressed to someone else, not excluding it. */
export const isFor = (e: BusEvent, participantId: string, connectionId: string) =>
  (e.to === undefined || e.to === participantId) && e.exclude !== connectionId;

/**
 * The only road real-time news travels. Services publish after their write has committed;
 * doors subscribe per topic. Delivery is at-most-once and in publish order per publisher.
 */
export interface EventBus {
  publish(events: BusEvent | BusEvent[]): void;
  /** Returns the unsubscribe function. */
  subscribe(topic: string, listener: BusListener): () => void;
  close(): Promise<void>;
}

/** Topic → listeners, in this process. Also the local half of the Redis bus. */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<BusListener>>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  publish(events: BusEvent | BusEvent[]): void {
    const list = Array.isArray(events) ? events : [events];
    // Listeners run after the publisher's own code has returned, never inside it.
    queueMicrotask(() => this.deliver(list));
  }

  /** Hands events to this process's listeners now; a failing listener does not stop the others. */
  deliver(events: BusEvent[]): void {
    for (const event of events) {
      const set = this.listeners.get(event.topic);
      if (!set) continue;
      for (const listener of set) {
        try {
          listener(event);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
  }

  subscribe(topic: string, listener: BusListener): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size && this.listeners.get(topic) === set) this.listeners.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
