import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The real PostgreSQL the tests use; CI points DATABASE_URL at the machine's server. */
export const ADMIN_URL = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';

function urlFor(database: string) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(sql: string) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A brand-new database per test file, so files run in parallel without seeing each other. */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `voki_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  return {
    name,
    url: urlFor(name),
    drop: () => adminQuery(`drop database if exists ${name} with (force)`).then(() => undefined),
  };
}
