import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TranscriptionRequest { model: string; language: string; responseFormat: string; filename: string; fileBytes: number; fileHead: Buffer }
export interface ChatRequest { model: string; messages: Array<{ role: string; content: string }>; authorization?: string }

/** The multipart fields of a request body (enough of RFC 7578 for what OpenAI's clients send). */
function multipart(body: Buffer, contentType: string) {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new Error(`not multipart: ${contentType}`);
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields: Record<string, { filename?: string; data: Buffer }> = {};
  let at = body.indexOf(marker);
  while (at >= 0) {
    const next = body.indexOf(marker, at + marker.length);
    if (next < 0) break;
    const part = body.subarray(at + marker.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString();
    const name = /name="([^"]+)"/.exec(head)?.[1];
    if (name) fields[name] = { filename: /filename="([^"]+)"/.exec(head)?.[1], data: part.subarray(split + 4) };
    at = next;
  }
  return fields;
}

/**
 * A local server speaking OpenAI's wire format for `POST /v1/audio/transcriptions` (multipart,
 * `verbose_json`) and `POST /v1/chat/completions`, recording what it was sent so tests can assert
 * it. `transcribe` answers per file; `fail` makes the next N requests answer 500.
 */
export async function startFakeOpenAi(transcribe: (r: TranscriptionRequest) => Array<{ start: number; text: string }>, summary = 'The customer asked for help; the agent solved it.') {
  const transcriptions: TranscriptionRequest[] = [];
  const chats: ChatRequest[] = [];
  const state = { failNext: 0, failed: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (state.failNext > 0) {
        state.failNext--;
        state.failed++;
        return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"overloaded"}}');
      }
      if (req.method === 'POST' && req.url === '/v1/audio/transcriptions') {
        const f = multipart(body, req.headers['content-type'] ?? '');
        const r: TranscriptionRequest = {
          model: f.model?.data.toString() ?? '', language: f.language?.data.toString() ?? '', responseFormat: f.response_format?.data.toString() ?? '',
          filename: f.file?.filename ?? '', fileBytes: f.file?.data.length ?? 0, fileHead: f.file?.data.subarray(0, 4) ?? Buffer.alloc(0),
        };
        transcriptions.push(r);
        const segments = transcribe(r);
        return void res.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ task: 'transcribe', language: r.language, duration: 5, text: segments.map((s) => s.text).join(' '), segments }));
      }
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        const parsed = JSON.parse(body.toString());
        chats.push({ model: parsed.model, messages: parsed.messages, authorization: req.headers.authorization });
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          id: 'chatcmpl-test', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: parsed.model,
          choices: [{ index: 0, message: { role: 'assistant', content: summary }, finish_reason: 'stop' }],
        }));
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    transcriptions,
    chats,
    failNext(n: number) {
      state.failNext = n;
    },
    /** Requests answered 500 so far. */
    get failed() {
      return state.failed;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
