import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Answers a WebSocket upgrade with a plain HTTP error, in the API's error shape, and hangs up. */
export function refuseUpgrade(socket: Duplex, status: number, detail: string) {
  const body = JSON.stringify({ errors: { detail } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Browsers send Origin; only listed origins may open a socket. Non-browser clients send none. */
export function originAllowed(origin: string | undefined, allowed: '*' | string[]) {
  if (allowed === '*' || !origin) return true;
  return allowed.includes(origin.replace(/\/+$/, ''));
}
