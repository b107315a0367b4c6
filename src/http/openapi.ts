import { Router, static as serveStatic } from 'express';
import absolutePath = require('swagger-ui-dist/absolute-path.js');
import type { GraphQLSchema } from 'graphql';
import { buildOpenApi } from '../rest-compat/openapi';

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Voki API</title>
<link rel="stylesheet" href="/api/v1/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/api/v1/docs/assets/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#docs' });</script>
</body></html>`;

/** The OpenAPI document at /api/v1/openapi.json and a page rendering it at /api/v1/docs. */
export function openApiRoutes(schema: GraphQLSchema) {
  const document = buildOpenApi(schema);
  const router = Router();
  router.get('/api/v1/openapi.json', (_req, res) => res.json(document));
  router.get('/api/v1/docs', (_req, res) => res.type('html').send(DOCS_PAGE));
  router.use('/api/v1/docs/assets', serveStatic(absolutePath(), { index: false }));
  return router;
}
