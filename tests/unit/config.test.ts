import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseSize } from '../../src/config';

describe('config', () => {
  it('reads sizes', () => {
    expect(parseSize('25mb')).toBe(25 * 1024 * 1024);
    expect(parseSize('512KB')).toBe(512 * 1024);
    expect(() => parseSize('lots')).toThrow();
  });

  it('defaults as the CONTRACT says and generates secrets once, kept in DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voki-config-'));
    const first = loadConfig({ DATA_DIR: dir });
    expect(first).toMatchObject({ port: 4000, host: '0.0.0.0', publicUrl: 'http://localhost:4000', databaseUrl: undefined, redisUrl: undefined });
    expect(first.generatedSecrets).toEqual(['JWT_SECRET', 'TURN_SECRET']);
    const second = loadConfig({ DATA_DIR: dir, PORT: '5000' });
    expect(Buffer.from(second.jwtSecret).equals(Buffer.from(first.jwtSecret))).toBe(true);
    expect(second.publicUrl).toBe('http://localhost:5000');
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toHaveProperty('jwt');
  });

  it('refuses a short JWT_SECRET and a bad PORT', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voki-config-'));
    expect(() => loadConfig({ DATA_DIR: dir, JWT_SECRET: 'short' })).toThrow(/32 bytes/);
    expect(() => loadConfig({ DATA_DIR: dir, PORT: 'eighty' })).toThrow(/PORT/);
  });
});
