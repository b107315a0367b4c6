import type { Api } from './http';
import type { TestTenant } from './tenants';
import { joinQueue } from './calls';
import { join, socketPool } from './sockets';
import { closeLeftoverSockets, TestPeer } from './webrtc';

type Kind = 'audio' | 'video';

/** Whom a customer token names (the SFU names a participant's streams by it). */
export const tokenSubject = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub as string;

/**
 * What a media test opens against the server at `url()`: sockets and werift peers, closed by
 * `afterEach()`; `afterAll()` also closes the UDP sockets werift leaves behind.
 */
export function mediaWorld(url: () => string) {
  const pool = socketPool(url);
  const peers: TestPeer[] = [];
  return {
    pool,
    /** A peer on `channel` sending `send` (none: receive only). */
    peer(channel: any, send: Kind[], video: 'VP8' | 'H264' = 'VP8') {
      const p = new TestPeer(channel, send, video);
      peers.push(p);
      return p;
    },
    /** A call the tenant's attendant has taken and started, with both call channels joined. */
    async activeCall(api: Api, t: TestTenant, link: string, name = 'Media Customer') {
      const joined = await joinQueue(api, link, { name });
      expect((await api.post(`/api/v1/calls/${joined.callId}/assign`, {}, t.attendant)).status).toBe(200);
      expect((await api.post(`/api/v1/calls/${joined.callId}/start`, undefined, t.attendant)).status).toBe(200);
      const [customer, agent] = await Promise.all([joined.websocketToken, t.attendant.token].map(async (token) => {
        const channel = (await pool.open(token)).channel(`call:${joined.callId}`, {});
        expect((await join(channel)).status).toBe('ok');
        return channel;
      }));
      return { callId: joined.callId, customerId: tokenSubject(joined.websocketToken), customer, agent };
    },
    async afterEach() {
      for (const p of peers.splice(0)) await p.close();
      pool.closeAll();
    },
    async afterAll() {
      await this.afterEach();
      closeLeftoverSockets();
    },
  };
}
