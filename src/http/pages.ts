import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../logger';

interface Manifest {
  [page: string]: { js: string; css?: string };
}

/** dist/web beside the compiled server (dist/src/http), or under the repository when run from src/. */
function webDir(): string | undefined {
  return [join(__dirname, '..', '..', 'web'), join(__dirname, '..', '..', 'dist', 'web')]
    .find((dir) => existsSync(join(dir, 'manifest.json')));
}

const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * Nothing inline and nothing from elsewhere but the company's logo (any https image) and the
 * socket's origin. The call page may be framed by any site (the widget's overlay); the console
 * by none.
 */
export function contentSecurityPolicy(websocketUrl: string, framedBy: string): string {
  const sockets = [origin(websocketUrl)].filter(Boolean).join(' ');
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' https: data:",
    "media-src 'self' blob: mediastream:", `connect-src 'self' ${sockets}`.trim(), "font-src 'self'",
    "base-uri 'none'", "form-action 'self'", `frame-ancestors ${framedBy}`,
  ].join('; ');
}

const shell = (title: string, assets: { js: string; css?: string }) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${assets.css ? `<link rel="stylesheet" href="/assets/${assets.css}">\n` : ''}<script type="module" src="/assets/${assets.js}"></script>
</head>
<body>
<div id="app"></div>
<noscript>This page needs JavaScript. / Esta página precisa de JavaScript.</noscript>
</body>
</html>
`;

/**
 * The pages for people (CONTRACT §13), built by scripts/build-web.js: `/call/:token` (the
 * access link), `/console`, `/widget.js`, and their hashed assets. The pages themselves talk to
 * the documented doors only.
 */
export function pageRoutes(opts: { websocketUrl: string; log: Logger }): Router {
  const router = express.Router();
  const dir = webDir();
  if (!dir) {
    opts.log.warn('the pages for people are not built (npm run build): /call, /console and /widget.js answer 404');
    return router;
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const page = (name: string, title: string, framedBy: string) => {
    const html = shell(title, manifest[name]);
    const csp = contentSecurityPolicy(opts.websocketUrl, framedBy);
    return (_req: Request, res: Response) => {
      res.set({
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
        // The access token is in the call page's URL: no Referer carries it to a logo's host.
        'referrer-policy': 'no-referrer',
        'permissions-policy': 'camera=(self), microphone=(self), geolocation=()',
        'cache-control': 'no-cache',
      });
      res.send(html);
    };
  };
  router.get('/call/:token', page('call', 'Voki', '*'));
  router.get('/console', page('console', 'Voki console', "'none'"));
  router.get('/widget.js', express.static(dir, {
    index: false, redirect: false, maxAge: '5m',
    setHeaders: (res) => res.setHeader('cross-origin-resource-policy', 'cross-origin'),
  }));
  router.use('/assets', express.static(join(dir, 'assets'), { index: false, redirect: false, immutable: true, maxAge: '365d' }));
  return router;
}
