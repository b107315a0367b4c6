import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink } from '../helpers/calls';
import { eventually } from '../helpers/sockets';
import { mediaWorld } from '../helpers/media-calls';
import { TEST_TONE, TEST_VIDEO } from '../helpers/real-media';
import { startFakeOpenAi } from '../helpers/fake-openai';
import { startReceiver } from '../helpers/receiver';
import { Webhook } from 'standardwebhooks';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

let srv: TestServer;
let api: Api;
let t: TestTenant;
let link: string;
let openai: Awaited<ReturnType<typeof startFakeOpenAi>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let secret: string;
let s3: any;
const world = mediaWorld(() => srv.url);
const MEDIA_SECONDS = 4;

beforeAll(async () => {
  // The OpenAI-compatible fake tells speakers apart by the file it is sent (one per speaker).
  openai = await startFakeOpenAi((r) => (r.filename.includes('agent')
    ? [{ start: 0.2, text: 'Bom dia, como posso ajudar?' }, { start: 2.5, text: 'Pronto, resolvido.' }]
    : [{ start: 1.1, text: 'Preciso de suporte técnico.' }]));
  // Files in an S3-compatible store (s3rver, from npm): captures go up when they end, the job
  // fetches them, and the route streams the recording back from the bucket.
  s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: mkdtempSync(join(tmpdir(), 'voki-rec-s3-')), silent: true, configureBuckets: [{ name: 'rec' }] });
  const { port } = await s3.run();
  srv = await startTestServer({
    S3_BUCKET: 'rec', S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER',
    TRANSCRIPTION_PROVIDER: 'openai', TRANSCRIPTION_BASE_URL: openai.baseUrl, TRANSCRIPTION_MODEL: 'whisper-test', TRANSCRIPTION_API_KEY: 'sk-test',
    SUMMARY_PROVIDER: 'openai', SUMMARY_BASE_URL: openai.baseUrl, SUMMARY_MODEL: 'gpt-test', SUMMARY_API_KEY: 'sk-test',
    OUTBOX_INTERVAL_MS: '100', WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  api = new Api(srv.url);
  t = await createTenant(api, 'rec');
  link = await createLink(api, t.supervisor, t.departmentId);
  receiver = await startReceiver();
  const hook = await api.post('/api/v1/webhooks', { webhook: { url: receiver.url, events: ['recording.ready', 'transcript.ready', 'summary.ready'] } }, t.manager);
  secret = hook.body.data.secret;
  const plan = await api.put('/api/v1/company', { company: { features: { recording: true, transcription: true, ai_summaries: true } } }, t.owner);
  expect(plan.status).toBe(200);
});
afterEach(() => world.afterEach());
afterAll(async () => {
  await world.afterAll();
  await srv?.stop();
  await openai?.close();
  await receiver?.close();
  await s3?.close();
});

/** An active call where the customer and the agent send real VP8 and Opus for MEDIA_SECONDS. */
async function recordedCall() {
  const call = await world.activeCall(api, t, link, 'Gravada');
  const customer = world.peer(call.customer, ['audio', 'video']);
  const agent = world.peer(call.agent, ['audio', 'video']);
  expect((await customer.start()).status).toBe('ok');
  expect((await agent.start()).status).toBe('ok');
  await eventually(() => customer.connected && agent.connected, 10000, 'both connected');
  await customer.startRealMedia({ audio: TEST_TONE, video: TEST_VIDEO }, MEDIA_SECONDS);
  await agent.startRealMedia({ audio: TEST_TONE, video: TEST_VIDEO }, MEDIA_SECONDS);
  await new Promise((resolve) => setTimeout(resolve, MEDIA_SECONDS * 1000 + 500));
  return call.callId;
}

const probe = (path: string) => JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', path]).toString());

describe('recording, transcript and summary of a call (CONTRACT §12)', () => {
  it('ends with a playable WebM, a speaker-labelled transcript and a summary, each announced', async () => {
    const callId = await recordedCall();
    // The provider's first answer is a 500: the job keeps the error and tries again.
    openai.failNext(1);
    expect((await api.post(`/api/v1/calls/${callId}/complete`, {}, t.attendant)).status).toBe(200);
    const early = await api.get(`/api/v1/calls/${callId}/transcript`, t.attendant);
    expect(early.status).toBe(404);
    expect(early.body.errors.detail).toBe('Transcript not ready yet');

    const call = await eventually(async () => {
      const res = await api.get(`/api/v1/calls/${callId}`, t.supervisor);
      return res.body.data.has_recording ? res.body.data : undefined;
    }, 60000, 'the recording');
    expect(call.recording_url).toBe(`/api/v1/calls/${callId}/recording`);

    const file = await fetch(`${srv.url}${call.recording_url}`, { headers: { authorization: `Bearer ${t.supervisor.token}`, 'x-tenant': t.slug } });
    expect(file.status).toBe(200);
    expect(file.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await file.arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'voki-rec-'));
    writeFileSync(join(dir, 'call.webm'), bytes);
    const info = probe(join(dir, 'call.webm'));
    expect(info.format.format_name).toContain('webm');
    expect(info.streams.map((s: any) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:opus', 'video:vp8']);
    const video = info.streams.find((s: any) => s.codec_type === 'video');
    expect(video.width).toBe(1280); // agent and customer side by side
    const duration = Number(info.format.duration);
    expect(duration).toBeGreaterThan(MEDIA_SECONDS - 1.5);
    expect(duration).toBeLessThan(MEDIA_SECONDS + 3);

    const ranged = await fetch(`${srv.url}${call.recording_url}`, { headers: { authorization: `Bearer ${t.supervisor.token}`, 'x-tenant': t.slug, range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(bytes.subarray(0, 100));

    const transcript = await eventually(async () => {
      const res = await api.get(`/api/v1/calls/${callId}/transcript`, t.attendant);
      return res.status === 200 ? res.body.data : undefined;
    }, 30000, 'the transcript');
    expect(transcript).toMatchObject({
      call_id: callId, language: 'pt-BR', generated_at: expect.any(String),
      transcript: 'Agent: Bom dia, como posso ajudar?\nCustomer: Preciso de suporte técnico.\nAgent: Pronto, resolvido.',
    });
    // What the provider was sent: each speaker's own audio (WebM), the model, the ISO-639-1 language.
    expect(openai.failed).toBe(1);
    expect(openai.transcriptions).toHaveLength(2);
    for (const r of openai.transcriptions) {
      expect(r).toMatchObject({ model: 'whisper-test', language: 'pt', responseFormat: 'verbose_json' });
      expect(r.fileBytes).toBeGreaterThan(1000);
      expect(r.fileHead).toEqual(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])); // EBML: a WebM file
    }
    expect(openai.transcriptions.map((r) => r.filename.split('-')[1]).sort()).toEqual(['agent', 'customer']);

    const summary = await eventually(async () => {
      const res = await api.get(`/api/v1/calls/${callId}/summary`, t.attendant);
      return res.status === 200 ? res.body.data : undefined;
    }, 30000, 'the summary');
    expect(summary).toMatchObject({ call_id: callId, summary: 'The customer asked for help; the agent solved it.', provider: 'openai', model: 'gpt-test' });
    expect(openai.chats).toHaveLength(1);
    expect(openai.chats[0].model).toBe('gpt-test');
    expect(openai.chats[0].authorization).toBe('Bearer sk-test');
    expect(openai.chats[0].messages[0].content).toContain('pt-BR');
    expect(openai.chats[0].messages[1].content).toBe(transcript.transcript);

    // Each artefact was announced to the subscribed webhook, with the call as data.
    await eventually(() => receiver.received.length === 3, 10000, 'three *.ready events');
    const events = receiver.received.map((r) => new Webhook(secret).verify(r.body, r.headers) as any);
    expect(events.map((e) => e.type).sort()).toEqual(['recording.ready', 'summary.ready', 'transcript.ready']);
    for (const e of events) expect(e.data).toMatchObject({ id: callId, status: 'completed' });
    expect(events.find((e) => e.type === 'recording.ready').data.has_recording).toBe(true);

    // The pieces and the results are in the bucket, not left on this instance's disk.
    expect(readdirSync(join(srv.dataDir, 'recordings'), { recursive: true }).filter((f) => String(f).endsWith('.webm'))).toEqual([]);

    const audit = await api.get(`/api/v1/audit-log?action=recording.downloaded&target_id=${callId}`, t.manager);
    expect(audit.body.data.length).toBe(2);
  });
});
