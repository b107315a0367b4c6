import 'reflect-metadata';
import type { Request, Response } from 'express';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startServer } from '../src/app';
import { authenticate } from '../src/auth/authenticate';
import { snakeKeys } from '../src/rest-compat/case';
import { sendError } from '../src/rest-compat/respond';
import { toAppError } from '../src/errors';

/**
 * The server as `npm start` runs it, plus one hand-written route calling the same service as
 * GET /api/v1/tags: the floor that the sofa route is measured against.
 */
async function main() {
  const config = loadConfig();
  const log = createLogger('warn');
  const server = await startServer(config, log, {
    extraRoutes: (app, deps) => {
      app.get('/bench/tags', async (req: Request, res: Response) => {
        try {
          const em = deps.orm.em.fork();
          const scope = await authenticate(deps.tokens, em as never, { authorization: req.get('authorization'), tenant: req.get('x-tenant') });
          const pageSize = req.query.page_size ? Number(req.query.page_size) : undefined;
          res.json(snakeKeys(await deps.services.tags.list(scope, { pageSize })));
        } catch (error) {
          sendError(res, toAppError(error));
        }
      });
    },
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
