/** The four channel families of seed 003; every id in a topic is a UUID unique across tenants. */
export type TopicKind = 'call' | 'queue' | 'presence' | 'notification';
const KINDS: readonly string[] = ['call', 'queue', 'presence', 'notification'];

export interface ParsedTopic {
  kind: TopicKind;
  id: string;
}

/** `queue:1f0c…` → {kind: 'queue', id}; anything else (unknown kind, no id) → undefined. */
export function parseTopic(topic: unknown): ParsedTopic | undefined {
  if (typeof topic !== 'string' || topic.length > 200) return undefined;
  const colon = topic.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = topic.slice(0, colon);
  const id = topic.slice(colon + 1);
  // Ids are lower-case UUIDs; a topic is a name, so `queue:ABC…` is not the same topic.
  if (!KINDS.includes(kind) || !id || id !== id.toLowerCase()) return undefined;
  return { kind: kind as TopicKind, id };
}

/** Topic names; ids arriving from clients (GraphQL arguments) are folded to lower case here. */
export const topics = {
  call: (callId: string) => `call:${callId.toLowerCase()}`,
  queue: (departmentId: string) => `queue:${departmentId.toLowerCase()}`,
  presence: (departmentId: string) => `presence:${departmentId.toLowerCase()}`,
  notification: (userId: string) => `notification:${userId.toLowerCase()}`,
};
