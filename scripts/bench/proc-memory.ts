// Memory (and CPU time by thread) of the whole browser, read from /proc: every process descended from this Node process
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
    out.set(
      pid,
      type === undefined
        ? 'browser'
        : type === 'renderer'
          ? 'renderer'
          : type === 'gpu-process'
            ? 'gpu'
            : type === 'utility'
              ? 'utility'
              : type === 'zygote'
                ? 'zygote'
                : 'other',
    );
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

/** CPU ticks (user + system) of every thread of `pid`, with the thread's name. */
async function threadTicks(pid: number): Promise<{ tid: number; name: string; ticks: number }[]> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out = await Promise.all(
    tids.map(async (tid) => {
      const stat = await readText(`/proc/${pid}/task/${tid}/stat`);
      const m = stat ? /^\d+ \((.*)\) (.*)$/s.exec(stat) : null;
      if (!m) return null;
      const f = m[2]!.split(' '); // f[0] is field 3 (state): utime and stime are fields 14 and 15
      return { tid: Number(tid), name: m[1]!, ticks: Number(f[11]) + Number(f[12]) };
    }),
  );
  return out.filter((x): x is NonNullable<typeof x> => x !== null);
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * CPU seconds spent by each kind of thread while sampling ran, e.g. "renderer DedicatedWorker"
 * (the pipeline worker and the hash worker each count as one such thread), "renderer main",
 * "browser Chrome_IOThread". Threads are read every ~250 ms; one that ends between two reads loses
 * what it did since the last one.
 */
class ThreadCpu {
  private first = new Map<number, number>();
  private last = new Map<number, { key: string; ticks: number }>();
  private started = false;
  async sample(procs: Map<number, ProcessKind>): Promise<void> {
    for (const [pid, kind] of procs) {
      for (const t of await threadTicks(pid)) {
        const name = t.tid === pid ? 'main' : t.name.replace(/\d+$/, '');
        if (!this.first.has(t.tid)) this.first.set(t.tid, this.started ? 0 : t.ticks);
        this.last.set(t.tid, { key: `${kind} ${name}`, ticks: t.ticks });
      }
    }
    this.started = true;
  }
  /** Seconds by thread kind and name, largest first (threads under 0.05 s left out). */
  result(): Record<string, number> {
    const by = new Map<string, number>();
    for (const [tid, { key, ticks }] of this.last) by.set(key, (by.get(key) ?? 0) + ticks - (this.first.get(tid) ?? 0));
    return Object.fromEntries(
      [...by]
        .filter(([, t]) => t >= 5)
        .sort((a, b) => b[1] - a[1])
        .map(([k, t]) => [k, t / TICKS_PER_S]),
    );
  }
}

/**
 * Samples every `intervalMs` until stopped: the peak of the sum over all Chromium processes, and
 * the peak of each kind on its own (the per-kind peaks need not coincide). The process list is
 * refreshed every ~0.5 s, so a new renderer or utility process is counted from then on.
 */
export async function startSampler(intervalMs = 50): Promise<{
  stop: () => Promise<{
    baseline: MemorySample;
    peak: MemorySample;
    peakByKind: Record<ProcessKind, number>;
    samples: number;
    cpuS: Record<string, number>;
  }>;
}> {
  let running = true;
  let procs = await chromiumProcesses();
  let listedAt = Date.now();
  const cpu = new ThreadCpu();
  await cpu.sample(procs);
  let cpuAt = Date.now();
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
      if (Date.now() - cpuAt > 250) {
        await cpu.sample(procs);
        cpuAt = Date.now();
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
      await cpu.sample(procs);
      return { baseline, peak, peakByKind, samples, cpuS: cpu.result() };
    },
  };
}
