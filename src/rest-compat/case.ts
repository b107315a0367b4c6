/** The REST door speaks snake_case; the schema speaks camelCase. These convert at the door only. */
const snakeCache = new Map<string, string>();
/** Memoized: response keys come from a small fixed set of schema field names. */
export const toSnake = (key: string) => {
  let snake = snakeCache.get(key);
  if (snake === undefined) {
    snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snakeCache.size < 10000) snakeCache.set(key, snake);
  }
  return snake;
};
export const toCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Deep key conversion of JSON-shaped data (GraphQL results are plain objects and arrays). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[toSnake(k)] = snakeKeys(v);
    return out;
  }
  return value;
}

/** "features.aiSummaries" → "features.ai_summaries". */
export const snakePath = (path: string) => path.split('.').map(toSnake).join('.');

export { isPlainObject };
