import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { Api } from '../helpers/http';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTenant, type TestTenant } from '../helpers/tenants';
import { createLink, joinQueue } from '../helpers/calls';
import { connectPhoenix } from '../helpers/sockets';

const TOKEN = 'metrics-token-for-the-test';
let srv: TestServer;
let api: Api;
let t: TestTenant;

beforeAll(async () => {
  srv = await startTestServer({ METRICS_TOKEN: TOKEN });
  api = new Api(srv.url);
  t = await createTenant(api, 'metrics');
});
afterAll(() => srv?.stop());

type Family = { name: string; type: string; metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string }> };

async function scrape(): Promise<Family[]> {
  const res = await fetch(`${srv.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await res.text()) as Family[];
}
const family = (all: Family[], name: string) => {
  const found = all.find((f) => f.name === name);
  if (!found) throw new Error(`no ${name} in the scrape`);
  return found;
};
const sample = (f: Family, labels: Record<string, string>) => f.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));

describe('GET /metrics (CONTRACT §14)', () => {
  it('needs the METRICS_TOKEN when one is set', async () => {
    expect((await fetch(`${srv.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${srv.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('counts requests by route pattern (never the raw path) and status, with a latency histogram', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await api.get(`/api/v1/calls/${missing}`, t.attendant)).status).toBe(404);
    expect((await api.graphql('{ tags { data { id } } }', undefined, t.attendant)).status).toBe(200);
    expect((await api.get('/no/such/page')).status).toBe(404);
    const all = await scrape();
    const requests = family(all, 'http_requests_total');
    expect(requests.type).toBe('COUNTER');
    expect(Number(sample(requests, { method: 'GET', route: '/api/v1/calls/:id', status: '404' })?.value)).toBeGreaterThanOrEqual(1);
    expect(Number(sample(requests, { method: 'POST', route: '/graphql', status: '200' })?.value)).toBeGreaterThanOrEqual(1);
    expect(Number(sample(requests, { method: 'GET', route: 'unmatched', status: '404' })?.value)).toBeGreaterThanOrEqual(1);
    expect(requests.metrics.filter((m) => m.labels?.route?.includes(missing))).toEqual([]);
    const latency = family(all, 'http_request_duration_seconds');
    expect(latency.type).toBe('HISTOGRAM');
    // (This parser keeps a histogram's buckets but not its labels.)
    expect(latency.metrics.length).toBeGreaterThanOrEqual(1);
    expect(Object.keys(latency.metrics[0].buckets ?? {})).toEqual(expect.arrayContaining(['0.001', '0.1', '5', '+Inf']));
  });

  it('reads the queues, live calls, open sockets and media workers when scraped', async () => {
    const joined = await joinQueue(api, await createLink(api, t.supervisor, t.departmentId), { name: 'Metric Customer' });
    const socket = await connectPhoenix(srv.url, joined.websocketToken);
    try {
      const all = await scrape();
      expect(Number(sample(family(all, 'voki_queue_size'), { department_id: t.departmentId })?.value)).toBe(1);
      expect(Number(sample(family(all, 'voki_queue_oldest_wait_seconds'), { department_id: t.departmentId })?.value)).toBeGreaterThanOrEqual(0);
      expect(Number(sample(family(all, 'voki_calls'), { status: 'queued' })?.value)).toBeGreaterThanOrEqual(1);
      expect(Number(sample(family(all, 'voki_sockets_open'), { door: 'phoenix' })?.value)).toBe(1);
      expect(Number(family(all, 'voki_media_workers').metrics[0].value)).toBe(1);
      expect(family(all, 'voki_process_cpu_seconds_total').type).toBe('COUNTER');
    } finally {
      socket.disconnect();
    }
  });
});
