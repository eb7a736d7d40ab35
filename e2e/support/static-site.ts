// The built site as a static host serves it, for the static-site specs: dist/ under a sub-path
// (/a/b/) through scripts/serve-dist.ts, a local JMIX API in harmony's shape beside it, the
// envelopes both serve, and the steps the specs share. Needs `npm run build` first.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { expect, type Page, type TestType } from '@playwright/test';
import { syntheticStudy } from '../../fixtures/dicom/synth.ts';
import { packEnvelope, toZip } from '../../fixtures/envelopes/pack.ts';
import { startDistServer, type DistServer } from '../../scripts/serve-dist.ts';
import { guardNetworkAndErrors, type Guard } from './app.ts';

// JMIX_DIST lets a run use a private build (other builds may rewrite dist/ meanwhile).
const DIST = resolve(process.env.JMIX_DIST ?? resolve(import.meta.dirname, '..', '..', 'dist'));
export const BASE = '/a/b/';
export const TOKEN = 'correct-horse-battery-staple';
export const API_ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const START_SCREEN_JS_BUDGET = 250 * 1000;

export let site: DistServer;
let apiServer: Server;
export let apiOrigin = '';
export let envelopeZip: Uint8Array;
let manifestJson = '';
export let droppedZip: Uint8Array;

export const NOT_BAD = /^(?!.*(Damaged|Could not be decrypted|Encrypted:)).+$/;

function corsHeaders(): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'authorization',
    'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  };
}

/**
 * harmony's JMIX routes under a prefix. `/cors` sends CORS headers, `/nocors` none (as harmony),
 * `/secure` wants `Bearer TOKEN` (401 without, 403 wrong), `/html` answers the manifest with a web page.
 */
function answerApi(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  const m = /^\/(cors|nocors|secure|html)\/api\/jmix\/([^/]+)(\/manifest)?$/.exec(path);
  if (!m) return false;
  const [, mode, id, manifest] = m;
  const cors = mode === 'nocors' ? {} : corsHeaders();
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors).end();
    return true;
  }
  if (mode === 'secure') {
    const auth = req.headers.authorization;
    if (!auth) {
      res.writeHead(401, { ...cors, 'www-authenticate': 'Bearer', 'content-type': 'text/plain' }).end('unauthorized');
      return true;
    }
    if (auth !== `Bearer ${TOKEN}`) {
      res.writeHead(403, { ...cors, 'content-type': 'text/plain' }).end('forbidden');
      return true;
    }
  }
  if (decodeURIComponent(id!) !== API_ID) {
    res.writeHead(404, { ...cors, 'content-type': 'text/plain' }).end(manifest ? 'manifest.json not found' : 'JMIX package not found');
    return true;
  }
  if (manifest) {
    if (mode === 'html') {
      res.writeHead(200, { ...cors, 'content-type': 'text/html' }).end('<!doctype html><title>Sign in</title><p>Please sign in.</p>');
      return true;
    }
    const body = Buffer.from(manifestJson);
    res.writeHead(200, { ...cors, 'content-type': 'application/json', 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  res.writeHead(200, {
    ...cors,
    'content-type': 'application/zip',
    'content-disposition': `attachment; filename="${API_ID}.zip"`,
    'content-length': String(envelopeZip.length),
  });
  res.end(req.method === 'HEAD' ? undefined : Buffer.from(envelopeZip));
  return true;
}

/**
 * Registers the file's hooks: skip without dist/, start both servers once, and guard every test
 * (nothing leaves 127.0.0.1, no uncaught or console error). `swSuffix` is appended to sw.js as
 * served: a different service worker, i.e. a new build on the host.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function serveStaticSite(test: TestType<any, any>, opts: { swSuffix?: () => string } = {}): Guard {
  test.skip(!existsSync(resolve(DIST, 'index.html')), 'dist/ is missing: run `npm run build` first');

  test.beforeAll(async () => {
    const study = syntheticStudy({ ctSlices: 3, ctSize: 64, mrSlices: 2, mrSize: 64, usFrames: 2 });
    const packed = await packEnvelope({
      dialect: 'jmix-rs',
      id: API_ID,
      timestamp: '2026-11-21T08:15:00Z',
      payloadFiles: study.files,
      signWith: crypto.getRandomValues(new Uint8Array(32)),
    });
    envelopeZip = toZip(packed, 'root');
    const manifestFile = packed.files.find((f) => f.path === 'manifest.json');
    if (!manifestFile) throw new Error('The packed envelope has no manifest.json.');
    manifestJson = new TextDecoder().decode(manifestFile.bytes);
    const other = await packEnvelope({ dialect: 'jmix-rs', id: '55555555-5555-4555-8555-555555555555', payloadFiles: study.files });
    droppedZip = toZip(other, 'root');

    apiServer = createServer((req, res) => {
      if (!answerApi(req, res, new URL(req.url ?? '/', 'http://x').pathname)) res.writeHead(404).end('not found');
    });
    await new Promise<void>((ok) => apiServer.listen(0, '127.0.0.1', ok));
    const addr = apiServer.address();
    if (!addr || typeof addr === 'string') throw new Error('The API server has no port.');
    apiOrigin = `http://127.0.0.1:${addr.port}`;

    site = await startDistServer({
      root: DIST,
      base: BASE,
      // The test's JMIX server speaks http on another port; a real deployment needs only https:.
      connectExtra: ['http://127.0.0.1:*'],
      transform: (rel, text) => (rel === 'sw.js' ? text + (opts.swSuffix?.() ?? '') : text),
      // A same-origin proxy in front of the JMIX API, as DEPLOY.md recommends for harmony.
      before: (req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const proxied = path.startsWith(`${BASE}jmix/`) ? `/nocors/${path.slice(`${BASE}jmix/`.length)}` : null;
        return proxied ? answerApi(req, res, proxied) : false;
      },
    });
  });

  test.afterAll(async () => {
    await site?.close();
    await new Promise<void>((ok) => (apiServer ? apiServer.close(() => ok()) : ok()));
  });

  // Every test: nothing leaves 127.0.0.1, no uncaught error, no console error (a test may list the
  // console lines it expects, e.g. the browser's own CORS report).
  return guardNetworkAndErrors(test);
}

export const demoLink = (page: Page, title: string) => page.getByRole('link', { name: new RegExp(`^${title}\\b`) });

/** The viewer drew the first image (and so loaded Cornerstone and its workers from under the sub-path). */
export async function expectRendered(page: Page): Promise<void> {
  await expect(page.getByTestId('viewer-status')).toHaveText('rendered', { timeout: 60_000 });
}

export async function closeEnvelope(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Close envelope' }).click();
  await expect(page.getByRole('heading', { name: 'Try a demo envelope' })).toBeVisible();
}

/** Wait until the service worker has precached everything and controls this page. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? 'none'), { timeout: 60_000 })
    .toBe('activated');
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}
