import '../src/production-env';
import 'reflect-metadata';
import type { Request, Response } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startServer } from '../src/app';

/**
 * The server as `npm start` runs it, plus what the benchmarks measure against:
 * - /bench/raw (WebSocket) and POST /bench/raw-broadcast: a plain `ws` broadcast of one frame
 *   to every raw socket, the floor for the Phoenix fan-out;
 * - POST /bench/publish: one event on the bus, as a service would publish it;
 * - GET /bench/published?topic=: when each event of a topic left the bus here (epoch ms), so
 *   delivery latency can be measured on the same clock.
 */
async function main() {
  const config = loadConfig();
  const log = createLogger('warn');
  const raw = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const rawSockets = new Set<WebSocket>();
  const published = new Map<string, Record<string, number>>();
  const server = await startServer(config, log, {
    extraUpgrades: {
      '/bench/raw': (req, socket, head) => raw.handleUpgrade(req, socket, head, (ws) => {
        rawSockets.add(ws);
        ws.on('close', () => rawSockets.delete(ws));
      }),
    },
    extraRoutes: (app, deps) => {
      app.post('/bench/raw-broadcast', (req: Request, res: Response) => {
        // The strongest floor: encoded once, the same bytes written to every socket. It runs where
        // the bus delivers a published event (a microtask after the handler has answered), so both
        // trigger responses reach the client at the same point relative to the frames.
        const frame = Buffer.from(JSON.stringify(req.body.frame));
        queueMicrotask(() => {
          for (const ws of rawSockets) ws.send(frame, { binary: false });
        });
        res.json({ sent: rawSockets.size });
      });
      app.get('/bench/memory', (_req: Request, res: Response) => {
        (globalThis as { gc?: () => void }).gc?.();
        res.json({ ...process.memoryUsage(), sockets: server.phoenix.size });
      });
      app.post('/bench/publish', (req: Request, res: Response) => {
        deps.services.events.publish({ topic: req.body.topic, event: req.body.event, payload: req.body.payload });
        res.json({ ok: true });
      });
      app.get('/bench/published', (req: Request, res: Response) => {
        const topic = String(req.query.topic);
        if (!published.has(topic)) {
          const times: Record<string, number> = {};
          published.set(topic, times);
          server.bus.subscribe(topic, (e) => {
            const id = e.payload.call_id;
            if (typeof id === 'string' && e.event === 'customer_joined') times[id] = performance.timeOrigin + performance.now();
          });
        }
        res.json(published.get(topic));
      });
    },
  });
  process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
