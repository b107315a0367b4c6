import { Socket, type Channel } from 'phoenix';

/**
 * The Socket endpoint for the official client, which appends `/websocket` itself: the documented
 * `…/socket/websocket` (join's `websocket_url`) with that suffix taken off, or this origin's.
 */
export function endpoint(websocketUrl?: string | null): string {
  if (websocketUrl) return websocketUrl.replace(/\/websocket\/?$/, '');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/socket`;
}

export function openSocket(url: string, token: () => string): Socket {
  const socket = new Socket(url, {
    params: () => ({ token: token() }),
    reconnectAfterMs: (tries: number) => [500, 1000, 2000, 5000][tries - 1] ?? 5000,
    rejoinAfterMs: (tries: number) => [500, 1000, 2000][tries - 1] ?? 5000,
  });
  socket.connect();
  return socket;
}

/**
 * Joins once; `onJoined` runs on the first join and on every rejoin after a reconnect (the
 * client replays the join by itself), with whether it was a rejoin.
 */
export function joinChannel(channel: Channel, onJoined: (rejoin: boolean, response: any) => void, onRefused: (reason: string) => void) {
  let joins = 0;
  channel.join()
    .receive('ok', (response: any) => onJoined(joins++ > 0, response))
    .receive('error', (e: any) => onRefused(e?.reason ?? 'error'));
}
