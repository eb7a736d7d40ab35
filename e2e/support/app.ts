// Shared steps for specs that drive the app: open a file through the "Open envelope" picker, read the
// verdict, and the per-test guard that nothing leaves 127.0.0.1 and nothing errors.
import { expect, type Page, type TestType } from '@playwright/test';

export const verdict = (page: Page) => page.getByRole('status', { name: 'Can it be trusted?' });

export async function openWithPicker(page: Page, path: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Open envelope' }).click();
  await (await chooser).setFiles(path);
}

/** What a guarded test can read and allow: the requests the page made, and error lines it expects. */
export interface Guard {
  readonly requests: readonly { url: string; method: string }[];
  /** Page/console errors matching these are expected in this test (e.g. the browser's own CORS report). */
  expectErrors(...patterns: RegExp[]): void;
}

/** Registers hooks: every request stays on 127.0.0.1, and no page error or console error happens. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function guardNetworkAndErrors(test: TestType<any, any>): Guard {
  let requests: { url: string; method: string }[] = [];
  let errors: string[] = [];
  let expected: RegExp[] = [];
  test.beforeEach(async ({ page }: { page: Page }) => {
    requests = [];
    errors = [];
    expected = [];
    page.on('request', (r) => requests.push({ url: r.url(), method: r.method() }));
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // dcmjs (inside Cornerstone) reports the dictionary's ambiguous VRs (xs, ox) of implicit-VR
      // files as errors while reading them correctly: library noise, not a page error.
      if (m.type() === 'error' && !/^Invalid vr type (xs|ox|px)\b/.test(m.text())) errors.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      const type = r.headers()['content-type'] ?? '';
      if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
      else if (['script', 'worker'].includes(r.request().resourceType()) && type.includes('text/html'))
        errors.push(`script served as HTML (missing file): ${r.url()}`);
    });
  });
  test.afterEach(async () => {
    const off = requests.filter(({ url }) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).hostname !== '127.0.0.1');
    expect(off, 'requests that left 127.0.0.1').toEqual([]);
    expect(
      errors.filter((e) => !expected.some((re) => re.test(e))),
      'page errors',
    ).toEqual([]);
  });
  return {
    get requests() {
      return requests;
    },
    expectErrors(...patterns) {
      expected.push(...patterns);
    },
  };
}

/** Drop a file on the page the way a browser does: dragover, then drop with a DataTransfer. */
export async function dropFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ name, data }) => {
      const bin = atob(data);
      const u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([u8], name));
      return dt;
    },
    { name, data: Buffer.from(bytes).toString('base64') },
  );
  await page.dispatchEvent('.app', 'dragover', { dataTransfer });
  await page.dispatchEvent('.app', 'drop', { dataTransfer });
}
