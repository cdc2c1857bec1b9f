import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from '@koa/router';
import type { AppDeps, AppState } from './http/context';
import { buildOpenApi } from './http/openapi';
import { surfaceRouters } from './surfaces';

const assetsDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>domain-reseller API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;

/** `/openapi.json` and `/docs` (Swagger UI served by the app itself: works offline, no CDN). */
export function createDocsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  let doc: Record<string, unknown> | undefined;

  router.get('/openapi.json', (ctx) => {
    doc ??= buildOpenApi(surfaceRouters(deps));
    ctx.body = doc;
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'html';
    ctx.body = PAGE;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.body = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });";
  });
  router.get('/docs/assets/:file', async (ctx) => {
    const file = ctx.params['file'] ?? '';
    const type = ASSETS[file];
    if (!type) return;
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(path.join(assetsDir, file));
  });
  return router;
}
