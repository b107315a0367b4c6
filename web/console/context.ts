export type T = (key: string, vars?: Record<string, string | number>) => string;
