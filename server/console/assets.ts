// The design system's files, served from the installed nhsuk-frontend package (no CDN), and the
// console's own small script and stylesheet. Only listed files are served: no path is built from
// the request beyond a known folder and a file name pattern.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const NHSUK_DIST = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist', 'nhsuk');
const OWN = join(dirname(fileURLToPath(import.meta.url)), 'assets');

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
};

const FIXED: Record<string, string> = {
  'nhsuk-frontend.min.css': join(NHSUK_DIST, 'nhsuk-frontend.min.css'),
  'nhsuk-frontend.min.js': join(NHSUK_DIST, 'nhsuk-frontend.min.js'),
  'console.css': join(OWN, 'console.css'),
  'console.js': join(OWN, 'console.js'),
  'console-init.js': join(OWN, 'console-init.js'),
};

const IMAGE = /^images\/([a-z0-9-]+\.(svg|png|ico))$/;

function fileFor(name: string): string | null {
  if (FIXED[name]) return FIXED[name]!;
  const m = IMAGE.exec(name);
  return m ? join(NHSUK_DIST, 'assets', 'images', m[1]!) : null;
}

const cache = new Map<string, Buffer>();

/** The response for '/console/assets/<name>', or null when there is no such asset. */
export async function assetResponse(name: string): Promise<Response | null> {
  const file = fileFor(name);
  if (!file) return null;
  let body = cache.get(file);
  if (!body) {
    try {
      body = await readFile(file);
    } catch {
      return null;
    }
    // The design system's Frutiger font is licensed and served only from the NHS CDN; no CDN here,
    // so its @font-face rules go and the type falls back to Arial, as the design system's stack says.
    if (name === 'nhsuk-frontend.min.css') body = Buffer.from(body.toString('utf8').replace(/@font-face\{[^}]*\}/g, ''));
    cache.set(file, body);
  }
  const ext = file.slice(file.lastIndexOf('.') + 1);
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    },
  });
}
