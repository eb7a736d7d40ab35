// Issue #6: every hostile or broken input ends in a specific EnvelopeError or the right verdict,
// through the core (openEnvelope) and through the CLI (exit 2 unusable / 1 integrity failure).
// Nothing else may be thrown, no damaged or forged envelope may pass, and Object.prototype stays clean.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileCases, toEnvelopeSource, valuesAt, type HostileCase, type HostileCategory } from '../fixtures/hostile/index.ts';
import { main } from '../src/cli/main.ts';
import { EnvelopeError, openEnvelope, type OpenResult } from '../src/jmix/index.ts';
import { normaliseEntryPath } from '../src/jmix/paths.ts';

const cases = await hostileCases();
const NOW = new Date('2025-06-01T00:00:00Z');
const protoKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const outcomes = new Map<string, string>();

type Opened = { ok: true; result: OpenResult } | { ok: false; error: unknown };

async function open(c: HostileCase): Promise<Opened> {
  try {
    return {
      ok: true,
      result: await openEnvelope(toEnvelopeSource(c.source), {
        ...(c.key !== undefined ? { key: c.key } : {}),
        trustedPublicKeys: c.trustedKeys ?? [],
        now: NOW,
      }),
    };
  } catch (error) {
    return { ok: false, error };
  }
}

function assertPrototypeClean(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeysBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
}

describe('hostile corpus', () => {
  it('has at least 150 cases, unique ids, every category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const cats: HostileCategory[] = ['archive', 'json', 'crypto', 'integrity', 'dicom', 'markup'];
    for (const cat of cats)
      expect(cases.filter((c) => c.category === cat).length, cat).toBeGreaterThanOrEqual(cat === 'markup' || cat === 'dicom' ? 10 : 20);
  });

  afterAll(() => {
    const cats = [...new Set(cases.map((c) => c.category))];
    const table = cats.map((cat) => {
      const of = cases.filter((c) => c.category === cat);
      const count = (o: string) => of.filter((c) => outcomes.get(c.id) === o).length;
      return {
        category: cat,
        cases: of.length,
        error: count('error'),
        fail: count('fail'),
        warn: count('warn'),
        pass: count('pass (control)'),
      };
    });
    console.log(
      `Hostile corpus: ${cases.length} cases\n${[['category', 'cases', 'error', 'fail', 'warn', 'pass (control)'].join('\t'), ...table.map((r) => [r.category.padEnd(9), r.cases, r.error, r.fail, r.warn, r.pass].join('\t'))].join('\n')}`,
    );
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const opened = await open(c);
    assertPrototypeClean();
    if (!opened.ok) {
      // Only EnvelopeError may escape, with a message a person can act on.
      if (!(opened.error instanceof EnvelopeError)) throw opened.error;
      const e = opened.error;
      outcomes.set(c.id, 'error');
      expect(c.expect.outcome, `unexpected EnvelopeError(${e.code}): ${e.message}`).toBe('error');
      if (c.expect.outcome !== 'error') return;
      expect(e.message, c.description).toMatch(c.expect.messageMatches);
      if (c.expect.code) expect(e.code).toBe(c.expect.code);
      expect(e.message.length).toBeGreaterThan(40);
      return;
    }
    const { report } = opened.result;
    const summary = report.checks.map((ch) => `${ch.id}=${ch.status}`).join(' ');
    outcomes.set(c.id, report.verdict === 'pass' ? 'pass (control)' : report.verdict);
    expect(c.expect.outcome, `opened with ${report.verdict}: ${summary}`).toBe('verdict');
    const exp = c.expect;
    if (exp.outcome !== 'verdict') return;
    if (!c.control) expect(report.verdict, `a damaged or forged envelope passed: ${summary}`).not.toBe('pass');
    expect(report.verdict, summary).toBe(exp.verdict);
    if (exp.failingCheck !== undefined) {
      const check = report.checks.find((ch) => ch.id === exp.failingCheck);
      expect(check, summary).toBeDefined();
      expect(check!.status, summary).toBe(exp.verdict === 'fail' ? 'fail' : check!.status === 'unverifiable' ? 'unverifiable' : 'warn');
      expect(check!.detail.length + check!.title.length).toBeGreaterThan(30);
    }
    for (const [id, status] of Object.entries(exp.checks ?? {})) {
      expect(report.checks.find((ch) => ch.id === id)?.status, `${id} in ${summary}`).toBe(status);
    }
    for (const t of c.plainText ?? []) {
      expect(valuesAt(opened.result, t.at), t.at).toContain(t.value);
    }
    // A failed decryption releases nothing.
    if (report.checks.find((ch) => ch.id === 'decrypt')?.status === 'fail') {
      expect(opened.result.envelope.payload).toHaveLength(0);
      expect(opened.result.dicom).toBeNull();
    }
  });
});

describe('hostile corpus through the CLI', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jmix-hostile-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Writes the case to disk as the user would have it: the dropped file, or the dropped folder. */
  async function materialise(c: HostileCase): Promise<string> {
    const base = join(dir, c.id.replace(/[^\w.-]+/g, '_'));
    if (c.source.kind === 'bytes') {
      await mkdir(base, { recursive: true });
      const target = join(base, c.source.name.replace(/[^\w.-]+/g, '_') || 'input');
      await writeFile(target, c.source.bytes);
      return target;
    }
    for (const f of c.source.files) {
      const safe = normaliseEntryPath(f.path);
      if (!('path' in safe)) throw new Error(`${c.id}: folder cases must hold writable paths (${f.path})`);
      const target = join(base, safe.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, f.bytes);
    }
    return base;
  }

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const target = await materialise(c);
    const log: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['verify', target, ...(c.key !== undefined ? ['--key', c.key] : []), ...(c.trustedKeys ?? []).flatMap((k) => ['--trust', k])],
      { log: (s) => log.push(s), error: (s) => err.push(s) },
    );
    assertPrototypeClean();
    const said = [...log, ...err].join('\n');
    expect(said.trim().length).toBeGreaterThan(40);
    if (c.expect.outcome === 'error') {
      expect(code, said).toBe(2);
      expect(err.join('\n')).toMatch(c.expect.messageMatches);
    } else if (c.expect.verdict === 'fail') {
      expect(code, said).toBe(1);
      expect(log.join('\n')).toMatch(/^FAIL: /);
      const failing = c.expect.failingCheck;
      if (failing) expect(log.join('\n')).toMatch(new RegExp(`\\[FAIL\\] ${failing.replace(/[:]/g, '\\$&')}: \\S`));
    } else {
      expect(code, said).toBe(0);
      expect(log.join('\n')).toMatch(new RegExp(`^${c.expect.verdict.toUpperCase()}: `));
    }
    // The terminal must never receive raw control characters from envelope content.
    if (c.id === 'markup/terminal-escapes') expect(said).not.toMatch(/\u001b/);
  });
});
