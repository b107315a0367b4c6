import { isFor, type BusEvent, type EventBus } from '../../events/event-bus';
import { encode, type Vsn } from './frames';

/** One joined channel of one socket, as the hub delivers to it. */
export interface HubMember {
  connectionId: string;
  participantId: string;
  vsn: Vsn;
  deliver(frame: Buffer): void;
}

interface TopicEntry {
  members: Set<HubMember>;
  unsubscribe: () => void;
}

/**
 * Fan-out of bus events to this instance's Phoenix channels, one bus subscription per topic.
 * As Phoenix's fastlane does, a broadcast is encoded once per serializer version (to UTF-8 bytes,
 * so the socket library does not convert it again per socket) and the same buffer goes to every socket; only events addressed to one participant (or excluding
 * one connection) are filtered per member.
 */
export class TopicHub {
  private readonly entries = new Map<string, TopicEntry>();

  constructor(private readonly bus: EventBus) {}

  add(topic: string, member: HubMember) {
    let entry = this.entries.get(topic);
    if (!entry) {
      const members = new Set<HubMember>();
      entry = { members, unsubscribe: this.bus.subscribe(topic, (e) => this.broadcast(members, e)) };
      this.entries.set(topic, entry);
    }
    entry.members.add(member);
  }

  remove(topic: string, member: HubMember) {
    const entry = this.entries.get(topic);
    if (!entry) return;
    entry.members.delete(member);
    if (!entry.members.size) {
      entry.unsubscribe();
      this.entries.delete(topic);
    }
  }

  private broadcast(members: Set<HubMember>, e: BusEvent) {
    const addressed = e.to !== undefined || e.exclude !== undefined;
    const message = { joinRef: null, ref: null, topic: e.topic, event: e.event, payload: e.payload };
    const frames: Partial<Record<Vsn, Buffer>> = {};
    for (const m of members) {
      if (addressed && !isFor(e, m.participantId, m.connectionId)) continue;
      m.deliver((frames[m.vsn] ??= Buffer.from(encode(message, m.vsn))));
    }
  }
}
