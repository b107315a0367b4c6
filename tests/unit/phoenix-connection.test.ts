import pino from 'pino';
import { PhoenixConnection } from '../../src/subscriptions/phoenix/connection';
import { TopicHub } from '../../src/subscriptions/phoenix/hub';
import { LocalEventBus } from '../../src/events/event-bus';
import type { Principal } from '../../src/auth/principal';

const principal: Principal = {
  kind: 'user', expiresAt: 0,
  actor: { tenantId: 't', tenantSlug: 't', userId: 'u1', role: 'attendant', name: 'Ana' },
};

/** The protocol core with typed fakes around it: what it writes, for what it is told. */
function setup(pushes: { run: () => Promise<never> | Promise<{ status: 'ok'; response: object }> }, holdJoins = false) {
  let authorize = () => undefined as void;
  const gate = holdJoins ? new Promise<void>((resolve) => (authorize = resolve)) : Promise.resolve();
  const sent: any[] = [];
  const closes: number[] = [];
  const closed: string[] = [];
  const bus = new LocalEventBus();
  const realtime = {
    open: async (_p: unknown, topic: string) => {
      await gate;
      return { topic, participantId: 'u1', initial: [], close: async (how: string) => void closed.push(how) };
    },
  };
  const conn = new PhoenixConnection(
    { send: (f) => sent.push(JSON.parse(String(f))), close: (code) => void closes.push(code) },
    principal, 2,
    { realtime: realtime as never, hub: new TopicHub(bus), pushes: pushes as never, log: pino({ level: 'silent' }), limits: { messagesPerSecond: 100 } },
  );
  return { conn, sent, closes, closed, bus, authorize: () => authorize() };
}

describe('PhoenixConnection', () => {
  it('a push that crashes the channel answers phx_error and drops the channel, like a crashed Phoenix channel', async () => {
    const { conn, sent, closed } = setup({ run: () => Promise.reject(new Error('boom')) });
    await conn.receive(JSON.stringify(['1', '1', 'call:x', 'phx_join', {}]));
    await conn.receive(JSON.stringify(['1', '2', 'call:x', 'mute', { type: 'audio', muted: true }]));
    expect(sent).toEqual([
      ['1', '1', 'call:x', 'phx_reply', { status: 'ok', response: {} }],
      ['1', '1', 'call:x', 'phx_error', {}],
    ]);
    expect(closed).toEqual(['left']);
    // The channel is gone: the next push is unmatched until the client rejoins.
    await conn.receive(JSON.stringify(['1', '3', 'call:x', 'mute', {}]));
    expect(sent[2]).toEqual([null, '3', 'call:x', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }]);
  });

  it('answers a push sent right behind its join once the join is done, as Phoenix does', async () => {
    const { conn, sent } = setup({ run: async () => ({ status: 'ok', response: {} }) });
    const join = conn.receive(JSON.stringify(['1', '1', 'call:x', 'phx_join', {}]));
    const pushed = conn.receive(JSON.stringify(['1', '2', 'call:x', 'mute', { type: 'audio', muted: true }]));
    await Promise.all([join, pushed]);
    expect(sent).toEqual([
      ['1', '1', 'call:x', 'phx_reply', { status: 'ok', response: {} }],
      ['1', '2', 'call:x', 'phx_reply', { status: 'ok', response: {} }],
    ]);
  });

  it('holds broadcasts that arrive while a join is being authorized until after the reply', async () => {
    const { conn, sent, bus, authorize } = setup({ run: async () => ({ status: 'ok', response: {} }) }, true);
    const joining = conn.receive(JSON.stringify(['1', '1', 'queue:d', 'phx_join', {}]));
    await new Promise((r) => setImmediate(r));
    bus.deliver([{ topic: 'queue:d', event: 'customer_joined', payload: { call_id: 'c' } }]);
    expect(sent).toEqual([]);
    authorize();
    await joining;
    expect(sent.map((f) => f[3])).toEqual(['phx_reply', 'customer_joined']);
  });

  it('drops every channel as dropped when the transport goes away', async () => {
    const { conn, closed } = setup({ run: async () => ({ status: 'ok', response: {} }) });
    await conn.receive(JSON.stringify(['1', '1', 'call:x', 'phx_join', {}]));
    await conn.receive(JSON.stringify(['2', '2', 'queue:d', 'phx_join', {}]));
    await conn.closedByTransport();
    expect(closed).toEqual(['dropped', 'dropped']);
  });
});
