import type { EntityManager } from '@mikro-orm/postgresql';
import { invalid, notFound } from '../errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** A malformed id names nothing, so it is answered exactly like an unknown one. */
export function requireUuid(id: unknown, what: string): string {
  if (!isUuid(id)) throw notFound(what);
  return id.toLowerCase();
}

/** Throws a 422 for the first problems found, keyed by input field. */
export function check(problems: Record<string, string | false | null | undefined>): void {
  const fields: Record<string, string[]> = {};
  for (const [field, problem] of Object.entries(problems)) if (problem) fields[field] = [problem];
  if (Object.keys(fields).length) throw invalid(fields);
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** A user's search text as a literal inside ILIKE: %, _ and \\ match only themselves. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Postgres unique-violation, so a lost race on a unique column still answers 422, not 500. */
export const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === '23505';

/** Flushes; a unique violation (a concurrent twin won the race) becomes "has already been taken". */
export async function flushUnique(em: EntityManager, field: string): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    if (isUniqueViolation(error)) throw invalid({ [field]: ['has already been taken'] });
    throw error;
  }
}
