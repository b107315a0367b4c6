import pino from 'pino';

/**
 * One JSON line per event. Anything that could carry a credential is censored by path, so a
 * careless `log.info({ body })` still cannot leak a password or token.
 */
const REDACT = [
  'password', '*.password', '*.*.password',
  'token', '*.token', '*.*.token',
  'access_token', '*.access_token', 'refresh_token', '*.refresh_token', '*.*.refresh_token',
  'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken',
  'secret', '*.secret', 'authorization', '*.authorization', '*.headers.authorization',
  '*.headers.cookie', 'req.headers.authorization',
];

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'voki' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}
