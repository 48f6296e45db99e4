import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const spec = JSON.parse(readFileSync(path.join(root, 'public/openapi.json'), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * `/api/v1/products/{slug}/releases` → `app/api/v1/products/[slug]/releases/route.ts`, or the
 * Pages Router file `pages/api/artifacts/[id]/download.ts` where that is where the path lives.
 */
function routeFile(p: string): string {
  const segments = p.replace(/\{(\w+)\}/g, '[$1]');
  const pagesFile = path.join(root, 'pages', `${segments}.ts`);
  return existsSync(pagesFile) ? pagesFile : path.join(root, 'app', segments, 'route.ts');
}

/** The methods a route file answers: App Router exports, or the methods a Pages handler checks for. */
function answers(file: string, method: string): boolean {
  const source = readFileSync(file, 'utf8');
  if (file.includes(`${path.sep}pages${path.sep}`)) return source.includes(`'${method.toUpperCase()}'`);
  return new RegExp(`export (async )?function ${method.toUpperCase()}\\b`).test(source);
}

function routeFilesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('route.ts'))
    .map((f) => path.join(root, dir, f));
}

describe('the OpenAPI description (public/openapi.json)', () => {
  it('is OpenAPI 3.1, and every documented path and method exists as a route handler', () => {
    expect(spec.openapi).toMatch(/^3\.1\./);
    for (const [p, item] of Object.entries(spec.paths)) {
      const file = routeFile(p);
      expect(existsSync(file), `${p} → ${path.relative(root, file)}`).toBe(true);
      for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
        expect(answers(file, method), `${method.toUpperCase()} ${p}`).toBe(true);
      }
    }
  });

  it('documents every device, pipeline and download route there is', () => {
    const documented = new Set(Object.keys(spec.paths).map(routeFile));
    const routes = [
      ...['device', 'devices', 'products', 'agent'].flatMap((d) => routeFilesUnder(`app/api/v1/${d}`)),
      path.join(root, 'pages/api/artifacts/[id]/download.ts'),
    ];
    for (const file of routes) expect(documented.has(file), path.relative(root, file)).toBe(true);
    for (const p of ['/api/v1/devices/enrol', '/api/v1/device/check-in', '/api/v1/device/pulls', '/api/v1/device/reports']) {
      expect(spec.paths[p], p).toBeDefined();
    }
  });

  it('has no dangling $ref', () => {
    const refs = [...JSON.stringify(spec).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const name of new Set(refs)) expect(spec.components.schemas[name], name).toBeDefined();
  });
});
