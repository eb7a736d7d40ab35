import { test } from '@playwright/test';
import { syntheticStudy } from '../scripts/lib/dicom-synth.ts';
import { packEnvelope, toZip } from '../scripts/lib/pack.ts';
test('probe', async ({ page }) => {
  const study = syntheticStudy({ ctSlices: 4, ctSize: 64, mrSlices: 3, mrSize: 64, usFrames: 2 });
  const zip = toZip(await packEnvelope({ dialect: 'spec', payloadFiles: study.files, signWith: crypto.getRandomValues(new Uint8Array(32)) }), 'root');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('/');
  const dt = await page.evaluateHandle((data) => { const b = atob(data); const u = new Uint8Array(b.length); for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); const d = new DataTransfer(); d.items.add(new File([u], 'x.zip')); return d; }, Buffer.from(zip).toString('base64'));
  await page.dispatchEvent('.app', 'drop', { dataTransfer: dt });
  await page.getByTestId('viewer-status').and(page.locator('[data-status=rendered]')).waitFor();
  console.log(await page.evaluate(() => {
    const q = (s: string) => { const e = document.querySelector(s); return e ? Math.round(e.getBoundingClientRect().height) + '/' + Math.round(e.getBoundingClientRect().bottom) : 'none'; }; const out = [q('.app'), q('main'), q('.env-body'), q('.viewer-slot'), q('.env-details'), q('.jv-root'), q('.jv-body'), q('.jv-stage'), `scrollH ${document.scrollingElement!.scrollHeight} inner ${innerHeight}`];
    for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect(); if (r.bottom > innerHeight + 1 && r.height > 0) out.push(`${el.tagName}.${el.className} ${Math.round(r.top)}-${Math.round(r.bottom)} ${getComputedStyle(el).position}`); }
    return out.slice(0, 25).join('\n');
  }));
});
