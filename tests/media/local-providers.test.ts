import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink } from '../helpers/calls';
import { eventually } from '../helpers/sockets';
import { mediaWorld } from '../helpers/media-calls';

let srv: TestServer;
let api: Api;
let t: TestTenant;
let link: string;
const world = mediaWorld(() => srv.url);
const dir = mkdtempSync(join(tmpdir(), 'voki-speech-'));

/** Speech from Debian's flite (the `rms` voice, which pocketsphinx recognises well). */
function speech(name: string, text: string) {
  const path = join(dir, `${name}.wav`);
  execFileSync('flite', ['-voice', 'rms', '-t', text, '-o', path]);
  return path;
}

beforeAll(async () => {
  srv = await startTestServer({ TRANSCRIPTION_PROVIDER: 'local', SUMMARY_PROVIDER: 'local', OUTBOX_INTERVAL_MS: '100' });
  api = new Api(srv.url);
  t = await createTenant(api, 'sphinx');
  link = await createLink(api, t.supervisor, t.departmentId);
  // Transcription and summaries without the recording feature: each speaker's track is captured all the same.
  const plan = await api.put('/api/v1/company', { company: { features: { recording: false, transcription: true, ai_summaries: true }, language: 'en-US' } }, t.owner);
  expect(plan.body.data).toMatchObject({ language: 'en-US', features: { recording: false, transcription: true, ai_summaries: true } });
});
afterEach(() => world.afterEach());
afterAll(async () => {
  await world.afterAll();
  await srv?.stop();
});

/** A completed call in which the agent, then the customer, said their line. */
async function spokenCall(agentWav: string, customerWav: string) {
  const call = await world.activeCall(api, t, link, 'Speaker');
  const customer = world.peer(call.customer, ['audio']);
  const agent = world.peer(call.agent, ['audio']);
  expect((await customer.start()).status).toBe('ok');
  expect((await agent.start()).status).toBe('ok');
  await eventually(() => customer.connected && agent.connected, 10000, 'both connected');
  // Leading silence helps the recogniser and leaves the captures time to start on a busy machine;
  // the customer answers after the agent.
  await agent.startRealMedia({ audio: ['-i', agentWav, '-af', 'adelay=3000:all=1,apad=pad_dur=6'] }, 10);
  await customer.startRealMedia({ audio: ['-i', customerWav, '-af', 'adelay=6500:all=1,apad=pad_dur=2'] }, 10);
  await new Promise((resolve) => setTimeout(resolve, 10500));
  expect((await api.post(`/api/v1/calls/${call.callId}/complete`, {}, t.attendant)).status).toBe(200);
  return call.callId;
}

describe('the local providers: pocketsphinx and an extractive summary', () => {
  it('transcribes each speaker offline and labels the lines in time order; the summary says it is extractive', async () => {
    const callId = await spokenCall(
      speech('agent', 'Good morning. How can I help you today?'),
      speech('customer', 'My internet connection is not working.'),
    );
    const transcript = await eventually(async () => {
      const res = await api.get(`/api/v1/calls/${callId}/transcript`, t.attendant);
      return res.status === 200 ? res.body.data : undefined;
    }, 60000, 'the transcript');
    const lines = transcript.transcript.split('\n');
    // The recogniser is not perfect on speech that went through Opus, the SFU and back (on a busy
    // machine it has heard "my help you today" and "but shame is not working"): the key words of
    // each line, on the right speaker, in the right order.
    expect(lines[0]).toMatch(/^Agent: .*\b(morning|help|today)\b/i);
    expect(lines.find((l: string) => l.startsWith('Customer:'))).toMatch(/\b(internet|connection|working)\b/i);
    expect(lines.findIndex((l: string) => l.startsWith('Customer:'))).toBeGreaterThan(0);
    expect(transcript.language).toBe('en-US');

    const summary = await eventually(async () => {
      const res = await api.get(`/api/v1/calls/${callId}/summary`, t.attendant);
      return res.status === 200 ? res.body.data : undefined;
    }, 30000, 'the summary');
    expect(summary).toMatchObject({ provider: 'local', model: 'extractive' });
    expect(summary.summary.length).toBeGreaterThan(0);
    for (const line of summary.summary.split('\n')) expect(lines).toContain(line);
    // No recording on this plan: the call has none, and its route says so.
    expect((await api.get(`/api/v1/calls/${callId}`, t.attendant)).body.data.has_recording).toBe(false);
    expect((await api.get(`/api/v1/calls/${callId}/recording`, t.attendant)).status).toBe(404);
  });

  it('a language the local engine does not speak gets no transcript and no summary, and the routes say they are not available', async () => {
    await api.put('/api/v1/company', { company: { language: 'pt-BR' } }, t.owner);
    const callId = await spokenCall(speech('agent-pt', 'Bom dia'), speech('customer-pt', 'Obrigado'));
    const res = await eventually(async () => {
      const r = await api.get(`/api/v1/calls/${callId}/transcript`, t.attendant);
      return r.body.errors?.detail === 'Transcript not available' ? r : undefined;
    }, 60000, 'transcript not available');
    expect(res.status).toBe(404);
    const summary = await eventually(async () => {
      const r = await api.get(`/api/v1/calls/${callId}/summary`, t.attendant);
      return r.body.errors?.detail === 'Summary not available' ? r : undefined;
    }, 10000, 'summary not available');
    expect(summary.status).toBe(404);
  });
});
