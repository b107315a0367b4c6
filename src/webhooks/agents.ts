import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export interface Target { address: string; family: number }

/** Connects to `target` whatever DNS says now (the address was checked; a new answer is not). */
export function pinnedLookup(target: Target): LookupFunction {
  return (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: Target[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
}

/**
 * Keep-alive connections to webhook receivers. An agent serves one origin at one checked
 * address: when the receiver's name resolves elsewhere, the next delivery gets a new agent (and
 * went through the address check again), never an old connection. The least recently used
 * agents are closed beyond `max`; idle connections close after `idleMs` (sooner when the
 * receiver closes them).
 */
export class PinnedAgents {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly max = 256, private readonly idleMs = 30_000) {}

  for(url: URL, target: Target): http.Agent {
    const key = `${url.protocol}//${url.host}@${target.address}`;
    const known = this.agents.get(key);
    if (known) {
      this.agents.delete(key);
      this.agents.set(key, known);
      return known;
    }
    const options = { keepAlive: true, timeout: this.idleMs, lookup: pinnedLookup(target) };
    const agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    this.agents.set(key, agent);
    if (this.agents.size > this.max) {
      const [oldest, old] = this.agents.entries().next().value as [string, http.Agent];
      this.agents.delete(oldest);
      old.destroy();
    }
    return agent;
  }

  get size() {
    return this.agents.size;
  }

  close() {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
