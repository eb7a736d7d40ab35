// Time one open of a bench fixture to the verdict and to the first image, N times (a quick check
// between full `npm run bench` runs; not a substitute for it):
// npx tsx scripts/bench/quick-open.ts <fixture-label> [runs]. Needs bench/.app (npm run bench builds it).
import { benchFixture, launchBenchApp, pageWithFixture } from './fixture-page.ts';

const [label = 'enc-rs-1GiB', runs = '3'] = process.argv.slice(2);
const fx = await benchFixture(label);
const app = await launchBenchApp();
for (let i = 0; i < Number(runs); i++) {
  const page = await pageWithFixture(app.browser, app.url, fx);
  const t0 = Date.now();
  if (fx.privateKeyB64) await page.getByRole('button', { name: 'Decrypt' }).click();
  await page.waitForFunction(
    () =>
      /Complete|Genuine|Intact|Warning|Verified|failed|Tampered|could not/i.test(document.querySelector('.verdict')?.textContent ?? '') &&
      !document.querySelector('.progress-panel'),
    null,
    { polling: 50, timeout: 120_000 },
  );
  const verified = (Date.now() - t0) / 1000;
  await page.waitForFunction(() => document.querySelector('[data-testid="viewer-status"]')?.textContent === 'rendered', null, {
    polling: 50,
    timeout: 120_000,
  });
  const image = (Date.now() - t0) / 1000;
  console.log(`${label} run ${i + 1}: verified ${verified.toFixed(2)} s, first image ${image.toFixed(2)} s`);
  await page.context().close();
}
await app.close();
