// Memory: the summed RSS of Chromium's renderer processes, read from /proc (the page's ArrayBuffers
// live outside the JS heap, so performance.memory would miss them).
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';

export async function rendererPids(browser: Browser): Promise<number[]> {
  try {
    const cdp = await browser.newBrowserCDPSession();
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    await cdp.detach();
    return info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  } catch {
    return [];
  }
}

async function rssBytes(pid: number): Promise<number> {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the summed renderer RSS until stopped; returns the peak and the value at start. */
export function sampleRss(pids: number[]): { stop: () => Promise<{ peak: number; start: number }> } {
  let peak = 0;
  let start = -1;
  let running = true;
  const loop = (async () => {
    while (running) {
      let sum = 0;
      for (const pid of pids) sum += await rssBytes(pid);
      if (start < 0) start = sum;
      peak = Math.max(peak, sum);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peak, start };
    },
  };
}
