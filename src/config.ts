import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { isIP } from 'node:net';
import { availableParallelism, networkInterfaces } from 'node:os';

/** Everything the server reads from its environment, resolved once at start. */
export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  jwtSecret: Uint8Array;
  turnSecret: string;
  /** Password of the embedded PostgreSQL's `postgres` user, generated into DATA_DIR/secrets.json. */
  embeddedDbPassword: string;
  /** Secrets that were generated rather than configured, so start-up can warn about them. */
  generatedSecrets: string[];
  dbPoolSize: number;
  bodyLimitBytes: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  logLevel: string;
  shutdownGraceMs: number;
  /** Browser origins allowed to call the API; '*' for any (tokens travel in headers, not cookies). */
  corsOrigins: '*' | string[];
  /** ws(s)://…/socket/websocket derived from PUBLIC_URL, handed to customers on join. */
  websocketUrl: string;
  turnUrls: string[];
  customerTokenTtlSeconds: number;
  assignTimeoutSeconds: number;
  abandonTimeoutSeconds: number;
  timerIntervalMs: number;
  uploadLimitBytes: number;
  rateLimitAuth: number;
  rateLimitPublic: number;
  trustProxy: boolean;
  /** Seconds a participant of an active call may stay disconnected before it ends (seed 002). */
  reconnectGraceSeconds: number;
  /** Seconds before an appointment its reminder goes out. */
  reminderLeadSeconds: number;
  /** A socket silent this long (no heartbeat or message) is closed. */
  wsHeartbeatTimeoutMs: number;
  wsMaxFrameBytes: number;
  /** Messages per second a socket may send (bursts of twice that); beyond it is closed. */
  wsMessagesPerSecond: number;
  /** Browser origins allowed to open sockets (default: CORS_ORIGINS). */
  wsAllowedOrigins: '*' | string[];
  /** How long a crashed instance's presences outlive it (with Redis). */
  presenceLeaseMs: number;
  /** With it, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  metricsToken?: string;
  webhooks: {
    /** Let webhook URLs reach loopback, private and link-local addresses (development only). */
    allowPrivate: boolean;
    timeoutMs: number;
    /** Seconds to wait before each retry; a delivery fails for good after the last one. */
    retrySchedule: number[];
  };
  jobs: {
    /** How often the outbox is read for new events, per instance. */
    outboxIntervalMs: number;
    /** pg-boss supervision: how often stuck (expired) jobs are put back. */
    maintenanceSeconds: number;
  };
  /** Where files live: DATA_DIR by default, an S3-compatible bucket with S3_BUCKET. */
  s3?: { bucket: string; endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
  /** Who makes transcripts and summaries (CONTRACT §12). */
  providers: {
    transcription: { name: 'openai' | 'local' | 'none'; baseUrl: string; apiKey?: string; model: string };
    summary: { name: 'openai' | 'local' | 'none'; baseUrl: string; apiKey?: string; model: string };
  };
  /** mediasoup workers of this instance: `MEDIA=off` runs without media. */
  media: { enabled: boolean; workers: number; listenIp: string; announcedAddress: string; port: number };
}

/**
 * The address browsers are told to send media to: MEDIA_ANNOUNCED_ADDRESS, else PUBLIC_URL's host
 * when it is an IP address (127.0.0.1 for localhost), else this machine's first external IPv4.
 */
function announcedAddress(env: Env, publicUrl: string): string {
  if (env.MEDIA_ANNOUNCED_ADDRESS) return env.MEDIA_ANNOUNCED_ADDRESS;
  const listen = env.MEDIA_LISTEN_IP;
  if (listen && listen !== '0.0.0.0' && listen !== '::') return listen;
  const host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return '127.0.0.1';
  if (isIP(host)) return host;
  const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  return external?.address ?? '127.0.0.1';
}

function originList(raw: string | undefined): '*' | string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (raw.trim() === '*') return '*';
  return raw.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean);
}

type Env = Record<string, string | undefined>;

function intFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** "25mb", "512kb", "1048576" → bytes. */
export function parseSize(raw: string): number {
  const match = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
  if (!match) throw new Error(`cannot read size "${raw}"`);
  const unit = (match[2] ?? 'b').toLowerCase();
  const factor = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[unit as 'b'];
  return Number(match[1]) * factor;
}

/**
 * Secrets not given in the environment are generated once and kept in DATA_DIR, so tokens
 * survive a restart without anyone having to configure anything.
 */
function loadOrCreateSecrets(dataDir: string, env: Env): { jwt: string; turn: string; postgres: string; generated: string[] } {
  const file = join(dataDir, 'secrets.json');
  let stored: Record<string, string> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8'));
  const generated: string[] = [];
  const pick = (name: string, key: string) => {
    if (env[name]) return env[name] as string;
    if (!stored[key]) stored[key] = randomBytes(48).toString('base64url');
    generated.push(name);
    return stored[key];
  };
  const jwt = pick('JWT_SECRET', 'jwt');
  const turn = pick('TURN_SECRET', 'turn');
  // The embedded database's password is never configured: nothing outside this DATA_DIR uses it.
  const fresh = !stored.postgres;
  if (fresh) stored.postgres = randomBytes(24).toString('base64url');
  if (generated.length || fresh) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return { jwt, turn, postgres: stored.postgres, generated };
}

function providerName(raw: string | undefined, fallback: 'openai' | 'local' | 'none', name: string): 'openai' | 'local' | 'none' {
  if (!raw) return fallback;
  if (raw === 'openai' || raw === 'local' || raw === 'none') return raw;
  throw new Error(`${name} must be openai, local or none`);
}

/** "5,60,300" → [5, 60, 300]; anything unreadable is ignored (the default applies). */
function secondsList(raw: string | undefined): number[] | undefined {
  if (!raw) return undefined;
  const list = raw.split(',').map((x) => Number(x.trim()));
  return list.length && list.every((n) => Number.isInteger(n) && n > 0) ? list : undefined;
}

export function loadConfig(env: Env = process.env): Config {
  const port = intFrom(env, 'PORT', 4000);
  const dataDir = resolve(env.DATA_DIR || './.voki');
  mkdirSync(dataDir, { recursive: true });
  const secrets = loadOrCreateSecrets(dataDir, env);
  if (Buffer.byteLength(secrets.jwt) < 32) throw new Error('JWT_SECRET must be at least 32 bytes');
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  return {
    port,
    host: env.HOST || '0.0.0.0',
    publicUrl,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    redisUrl: env.REDIS_URL || undefined,
    jwtSecret: new TextEncoder().encode(secrets.jwt),
    turnSecret: secrets.turn,
    embeddedDbPassword: secrets.postgres,
    generatedSecrets: secrets.generated,
    dbPoolSize: intFrom(env, 'DB_POOL_SIZE', 10) || 1,
    bodyLimitBytes: parseSize(env.BODY_LIMIT || '1mb'),
    accessTokenTtlSeconds: intFrom(env, 'ACCESS_TOKEN_TTL', 15 * 60),
    refreshTokenTtlSeconds: intFrom(env, 'REFRESH_TOKEN_TTL', 30 * 24 * 3600),
    logLevel: env.LOG_LEVEL || 'info',
    shutdownGraceMs: intFrom(env, 'SHUTDOWN_GRACE_MS', 10000),
    websocketUrl: `${publicUrl.replace(/^http/, 'ws')}/socket/websocket`,
    turnUrls: (env.TURN_URLS || `turn:${new URL(publicUrl).hostname}:3478?transport=udp,turn:${new URL(publicUrl).hostname}:3478?transport=tcp`)
      .split(',').map((u) => u.trim()).filter(Boolean),
    customerTokenTtlSeconds: intFrom(env, 'CUSTOMER_TOKEN_TTL', 24 * 3600),
    assignTimeoutSeconds: intFrom(env, 'ASSIGN_TIMEOUT', 60),
    abandonTimeoutSeconds: intFrom(env, 'ABANDON_TIMEOUT', 60),
    timerIntervalMs: intFrom(env, 'TIMER_INTERVAL_MS', 1000) || 1000,
    uploadLimitBytes: parseSize(env.UPLOAD_LIMIT || '25mb'),
    rateLimitAuth: intFrom(env, 'RATE_LIMIT_AUTH', 5),
    rateLimitPublic: intFrom(env, 'RATE_LIMIT_PUBLIC', 30),
    trustProxy: /^(1|true|yes)$/i.test(env.TRUST_PROXY ?? ''),
    corsOrigins: originList(env.CORS_ORIGINS) ?? '*',
    reconnectGraceSeconds: intFrom(env, 'RECONNECT_GRACE', 60),
    reminderLeadSeconds: intFrom(env, 'REMINDER_LEAD', 15 * 60),
    wsHeartbeatTimeoutMs: intFrom(env, 'WS_HEARTBEAT_TIMEOUT_MS', 60000) || 60000,
    wsMaxFrameBytes: parseSize(env.WS_MAX_FRAME || '64kb'),
    wsMessagesPerSecond: intFrom(env, 'WS_RATE', 50) || 50,
    wsAllowedOrigins: originList(env.WS_ALLOWED_ORIGINS) ?? originList(env.CORS_ORIGINS) ?? '*',
    presenceLeaseMs: intFrom(env, 'PRESENCE_LEASE_MS', 15000) || 15000,
    metricsToken: env.METRICS_TOKEN || undefined,
    webhooks: {
      allowPrivate: /^(1|true|yes)$/i.test(env.WEBHOOK_ALLOW_PRIVATE ?? ''),
      timeoutMs: intFrom(env, 'WEBHOOK_TIMEOUT_MS', 10000) || 10000,
      retrySchedule: secondsList(env.WEBHOOK_RETRY_SCHEDULE) ?? [5, 60, 300, 1800, 7200, 28800],
    },
    s3: env.S3_BUCKET ? {
      bucket: env.S3_BUCKET,
      endpoint: env.S3_ENDPOINT || undefined,
      region: env.S3_REGION || 'us-east-1',
      accessKeyId: env.S3_ACCESS_KEY_ID || env.AWS_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY || env.AWS_SECRET_ACCESS_KEY || undefined,
      // Self-hosted stores (MinIO, Ceph) address buckets by path; AWS by host name.
      forcePathStyle: env.S3_FORCE_PATH_STYLE ? /^(1|true|yes)$/i.test(env.S3_FORCE_PATH_STYLE) : !!env.S3_ENDPOINT,
    } : undefined,
    providers: {
      transcription: {
        name: providerName(env.TRANSCRIPTION_PROVIDER, existsSync('/usr/bin/pocketsphinx_continuous') ? 'local' : 'none', 'TRANSCRIPTION_PROVIDER'),
        baseUrl: env.TRANSCRIPTION_BASE_URL || 'https://api.openai.com/v1',
        apiKey: env.TRANSCRIPTION_API_KEY || undefined,
        model: env.TRANSCRIPTION_MODEL || 'whisper-1',
      },
      summary: {
        name: providerName(env.SUMMARY_PROVIDER, 'local', 'SUMMARY_PROVIDER'),
        baseUrl: env.SUMMARY_BASE_URL || 'https://api.openai.com/v1',
        apiKey: env.SUMMARY_API_KEY || undefined,
        model: env.SUMMARY_MODEL || 'gpt-4o-mini',
      },
    },
    jobs: {
      outboxIntervalMs: intFrom(env, 'OUTBOX_INTERVAL_MS', 250) || 250,
      maintenanceSeconds: intFrom(env, 'JOB_MAINTENANCE_SECONDS', 30) || 30,
    },
    media: {
      enabled: !/^(0|off|false|no)$/i.test(env.MEDIA ?? ''),
      workers: intFrom(env, 'MEDIA_WORKERS', availableParallelism()) || 1,
      listenIp: env.MEDIA_LISTEN_IP || '0.0.0.0',
      announcedAddress: announcedAddress(env, publicUrl),
      port: intFrom(env, 'MEDIA_PORT', 40000),
    },
  };
}
