import http from 'node:http';
import { webcrypto } from 'node:crypto';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';

/**
 * The lean peer the cost benchmark measures Voki against: node:http + pg + jose, written by hand
 * for two routes, doing the same checks as Voki (verify the token, check X-Tenant, read the
 * caller's role and status) and answering the same bytes. It is the cost of the work itself.
 */
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
// Imported once, as Voki does.
const key = webcrypto.subtle.importKey('raw', Buffer.from(process.env.JWT_SECRET!), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);
const ROLES = ['attendant', 'supervisor', 'manager', 'owner'];

function send(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function caller(req: http.IncomingMessage) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const { payload } = await jwtVerify(match[1], await key, { algorithms: ['HS256'], issuer: 'voki', audience: 'voki:access', requiredClaims: ['sub', 'exp', 'jti', 'tid'] });
  if (payload.typ !== 'access' || req.headers['x-tenant'] !== payload.ten) return undefined;
  const { rows } = await pool.query('select role, status from users where id = $1 and tenant_id = $2', [payload.sub, payload.tid]);
  if (!rows[0] || rows[0].status !== 'active') return undefined;
  return { tenantId: payload.tid as string, role: rows[0].role as string };
}

const meta = (pageSize: number, total: number) => ({ current_page: 1, page_size: pageSize, total_pages: Math.ceil(total / pageSize), total_count: total });

async function departments(tenantId: string, pageSize: number) {
  const { rows } = await pool.query(
    `select id, name, description, queue_timeout, is_active, routing, max_calls_per_agent, business_hours, inserted_at,
            count(*) over () as total
       from departments where tenant_id = $1 order by inserted_at asc, id asc limit $2`,
    [tenantId, pageSize],
  );
  const data = rows.map((r) => ({
    id: r.id, name: r.name, description: r.description, queue_timeout: r.queue_timeout, is_active: r.is_active,
    routing: r.routing, max_calls_per_agent: r.max_calls_per_agent, business_hours: r.business_hours, inserted_at: iso(r.inserted_at),
  }));
  return { data, meta: meta(pageSize, rows.length ? Number(rows[0].total) : 0) };
}

async function calls(tenantId: string, pageSize: number) {
  const { rows } = await pool.query(
    `select c.id, c.status, c.department_id, d.name as department_name, c.user_id, u.name as user_name,
            cu.name as customer_name, cu.email as customer_email, cu.phone as customer_phone,
            c.duration, c.wait_time, c.rating, c.notes, c.recording_path, c.started_at, c.completed_at, c.inserted_at,
            count(*) over () as total
       from calls c join departments d on d.id = c.department_id join customers cu on cu.id = c.customer_id
       left join users u on u.id = c.user_id
      where c.tenant_id = $1 order by c.inserted_at desc, c.id asc limit $2`,
    [tenantId, pageSize],
  );
  const data = rows.map((r) => ({
    id: r.id, status: r.status, department_id: r.department_id, department_name: r.department_name,
    user_id: r.user_id, user_name: r.user_name, customer_name: r.customer_name, customer_email: r.customer_email,
    customer_phone: r.customer_phone, duration: r.duration, wait_time: r.wait_time, rating: r.rating, notes: r.notes,
    has_recording: !!r.recording_path, started_at: iso(r.started_at), completed_at: iso(r.completed_at), inserted_at: iso(r.inserted_at),
  }));
  return { data, meta: meta(pageSize, rows.length ? Number(rows[0].total) : 0) };
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://peer');
    const list = url.pathname === '/api/v1/departments' ? departments : url.pathname === '/api/v1/calls' ? calls : undefined;
    if (!list) return send(res, 404, { errors: { detail: 'Not Found' } });
    const who = await caller(req).catch(() => undefined);
    if (!who || !ROLES.includes(who.role)) return send(res, 401, { errors: { detail: 'Unauthorized' } });
    const pageSize = Math.min(Math.max(Number(url.searchParams.get('page_size') ?? 20) || 20, 1), 100);
    send(res, 200, await list(who.tenantId, pageSize));
  } catch {
    send(res, 500, { errors: { detail: 'Internal server error' } });
  }
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, pid: process.pid })}\n`);
});
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
