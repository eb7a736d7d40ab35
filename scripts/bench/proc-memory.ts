// Memory of the whole browser, read from /proc: every process descended from this Node process
// (Chromium's browser, renderers, GPU, utility and zygote processes). The browser process matters:
// Blob storage (decrypted payload files, picked Files) lives there, not in the renderer.
import { readdir, readFile } from 'node:fs/promises';

export type ProcessKind = 'browser' | 'renderer' | 'gpu' | 'utility' | 'zygote' | 'other';

export interface MemorySample {
  total: number;
  byKind: Record<ProcessKind, number>;
}

const KINDS: ProcessKind[] = ['browser', 'renderer', 'gpu', 'utility', 'zygote', 'other'];

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Chromium processes under `root` (default: this Node process), with their kind from --type=. */
export async function chromiumProcesses(root = process.pid): Promise<Map<number, ProcessKind>> {
  const parent = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readText(`/proc/${name}/stat`);
    // Field 4 (ppid) follows the parenthesised command name, which may itself hold spaces.
    const m = stat ? /\) \S+ (\d+)/.exec(stat) : null;
    if (m) parent.set(Number(name), Number(m[1]));
  }
  const under = (pid: number): boolean => {
    for (let p = parent.get(pid), hops = 0; p !== undefined && hops < 64; p = parent.get(p), hops++) if (p === root) return true;
    return false;
  };
  const out = new Map<number, ProcessKind>();
  for (const pid of parent.keys()) {
    if (!under(pid)) continue;
    // Chromium rewrites its children's argv (setproctitle): arguments may be space- rather than NUL-separated.
    const cmd = (await readText(`/proc/${pid}/cmdline`))?.split(/[\0 ]/) ?? [];
    if (!/chrom/i.test(cmd[0] ?? '')) continue;
    const type = cmd.find((a) => a.startsWith('--type='))?.slice(7);
    out.set(pid, type === undefined ? 'browser' : type === 'renderer' ? 'renderer' : type === 'gpu-process' ? 'gpu' : type === 'utility' ? 'utility' : type === 'zygote' ? 'zygote' : 'other');
  }
  return out;
}

async function rss(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec((await readText(`/proc/${pid}/status`)) ?? '');
  return m ? Number(m[1]) * 1024 : 0;
}

export async function sampleOnce(procs: Map<number, ProcessKind>): Promise<MemorySample> {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<ProcessKind, number>;
  const values = await Promise.all([...procs].map(async ([pid, kind]) => [kind, await rss(pid)] as const));
  for (const [kind, v] of values) byKind[kind] += v;
  return { total: values.reduce((n, [, v]) => n + v, 0), byKind };
}

/**
 * Samples every `intervalMs` until stopped: the peak of the sum over all Chromium processes, and
 * the peak of each kind on its own (the per-kind peaks need not coincide). The process list is
 * refreshed every ~0.5 s, so a new renderer or utility process is counted from then on.
 */
export async function startSampler(intervalMs = 50): Promise<{ stop: () => Promise<{ baseline: MemorySample; peak: MemorySample; peakByKind: Record<ProcessKind, number>; samples: number }> }> {
  let running = true;
  let procs = await chromiumProcesses();
  let listedAt = Date.now();
  const baseline = await sampleOnce(procs);
  let peak: MemorySample = baseline;
  const peakByKind = { ...baseline.byKind };
  let samples = 0;
  const loop = (async () => {
    while (running) {
      if (Date.now() - listedAt > 500) {
        procs = await chromiumProcesses();
        listedAt = Date.now();
      }
      const s = await sampleOnce(procs);
      samples++;
      if (s.total > peak.total) peak = s;
      for (const k of KINDS) peakByKind[k] = Math.max(peakByKind[k], s.byKind[k]);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { baseline, peak, peakByKind, samples };
    },
  };
}

