// The CLI against envelope text and envelope ids written by an attacker (issues 11 and 16):
// `extract` writes only inside its output folder whatever the envelope id or payload paths say,
// and no envelope string reaches the terminal with its control or bidi characters intact.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basePayload, folder, packBase, reseal, studyInfo, TIMESTAMP, type HostileSource } from '../fixtures/hostile/index.ts';
import { packEnvelope, toZip } from '../fixtures/envelopes/pack.ts';
import { defaultOutFolderName, ExtractRefused, planExtraction } from '../src/cli/extract.ts';

import { escapeControls, escapeControlsInJson } from '../src/jmix/display-text.ts';
import { runCli } from './helpers/cli.ts';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'jmix-cli-safety-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = runCli;

/** Every file under `dir`, as absolute paths. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, ent.name);
    if (ent.isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

const inside = (folderPath: string, p: string) => !relative(folderPath, p).startsWith('..');

/** A plain spec envelope (unsigned, so its verdict is warn and extract goes ahead) as a zip on disk. */
async function zipWithId(id: string, path: string): Promise<string> {
  const env = await packEnvelope({ dialect: 'spec', payloadFiles: basePayload(), study: studyInfo(), id, timestamp: TIMESTAMP });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, toZip(env, 'root'));
  return path;
}

/** Runs `extract` with the working directory set to `cwd` (the default output folder is made there). */
async function extractIn(cwd: string, ...argv: string[]) {
  const before = process.cwd();
  mkdirSync(cwd, { recursive: true });
  process.chdir(cwd);
  try {
    return await run('extract', ...argv);
  } finally {
    process.chdir(before);
  }
}

describe('extract stays inside its output folder', () => {
  // Ids an attacker would choose. Each case has a folder of its own; the absolute id points inside
  // it, so a regression writes there (and is caught) rather than somewhere in the real /tmp.
  const hostileIds = (root: string): [string, string][] => [
    ['dot-dot', '../../evil'],
    ['backslashes', '..\\..\\evil'],
    ['drive-letter', 'C:\\Windows\\evil'],
    ['absolute', join(root, 'abs')],
  ];

  it.each([0, 1, 2, 3])('without --out, a hostile envelope id (case %i) still writes under the current folder', async (i) => {
    const root = join(tmp, `default-${i}`);
    const [label, id] = hostileIds(root)[i]!;
    const zip = await zipWithId(id, join(root, 'in', `${label}.zip`));
    const cwd = join(root, 'work', 'a', 'b');
    const r = await extractIn(cwd, zip);
    expect(r.code, r.stderr).toBe(0);
    const written = filesUnder(root).filter((p) => p !== zip);
    expect(written.length).toBeGreaterThan(5);
    for (const p of written) expect(inside(cwd, p), `${p} is outside ${cwd}`).toBe(true);
    // One plain folder named after the id, in the current folder.
    expect(readdirSync(cwd)).toEqual([defaultOutFolderName(id)]);
    expect(r.stdout).toContain(`Extracted ${written.length} file(s) to ${join(cwd, defaultOutFolderName(id))}`);
  });

  it('with --out, an id of ../../evil changes nothing about where files go', async () => {
    const root = join(tmp, 'with-out');
    const zip = await zipWithId('../../evil', join(root, 'in', 'evil.zip'));
    const out = join(root, 'x', 'out');
    const r = await extractIn(join(root, 'x', 'cwd'), zip, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const written = filesUnder(root).filter((p) => p !== zip);
    expect(written.length).toBeGreaterThan(5);
    for (const p of written) expect(inside(out, p), p).toBe(true);
  });

  it('refuses, and writes nothing, when a link in the output folder leads elsewhere', async () => {
    const zip = await zipWithId('6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b', join(tmp, 'link', 'in.zip'));
    const out = join(tmp, 'link', 'out');
    const elsewhere = join(tmp, 'link', 'elsewhere');
    mkdirSync(out, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    symlinkSync(elsewhere, join(out, 'dicom'), 'dir');
    const r = await run('extract', zip, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /Stopped before writing "dicom\/.*": .*dicom is a symbolic link, and links are never followed out of the output folder/,
    );
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(lstatSync(join(out, 'dicom')).isSymbolicLink()).toBe(true);
  });

  it('plans every path inside the folder or refuses the whole extraction', () => {
    const dest = join(tmp, 'plan');
    expect(planExtraction(dest, ['dicom/ct/IM1.dcm', './files/r.pdf', 'a\\b.dcm']).map((t) => relative(dest, t.target))).toEqual([
      join('dicom', 'ct', 'IM1.dcm'),
      join('files', 'r.pdf'),
      join('a', 'b.dcm'),
    ]);
    for (const bad of ['../evil.sh', 'a/../../evil.sh', '/etc/passwd', 'C:/Windows/evil', '..\\..\\evil', 'ok/\u001b[2J.dcm', '']) {
      expect(() => planExtraction(dest, ['dicom/fine.dcm', bad]), bad).toThrow(ExtractRefused);
      expect(() => planExtraction(dest, [bad])).toThrow(/^Nothing extracted: the payload file ".*" .*(inside|outside) /);
    }
    expect(existsSync(dest)).toBe(false);
  });

  it('names the default folder from the id with nothing but letters, digits, _ and -', () => {
    expect(defaultOutFolderName('../../evil')).toBe('evil-payload');
    expect(defaultOutFolderName('/tmp/abs')).toBe('tmp_abs-payload');
    expect(defaultOutFolderName('C:\\Windows\\evil')).toBe('C_Windows_evil-payload');
    expect(defaultOutFolderName('..')).toBe('envelope-payload');
    expect(defaultOutFolderName(null)).toBe('envelope-payload');
    expect(defaultOutFolderName('6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b')).toBe('6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b-payload');
    expect(defaultOutFolderName('a'.repeat(500)).length).toBeLessThanOrEqual(108);
    expect(defaultOutFolderName('x\u202e/y')).not.toMatch(/[\u202e/]/);
  });
});

/** Writes a corpus folder source to disk and returns the envelope folder. */
async function materialise(src: HostileSource, name: string): Promise<string> {
  if (src.kind !== 'files') throw new Error('folder sources only');
  const base = join(tmp, 'envelopes', name);
  for (const f of src.files) {
    const target = join(base, ...f.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.bytes);
  }
  return join(base, src.files[0]!.path.split('/')[0]!);
}

describe('envelope text in the terminal', () => {
  const FORGED_LINE = 'PASS: Genuine and complete';

  it('a newline in the sender name cannot print its own "PASS: Genuine and complete" line', async () => {
    const spec = await packBase('spec');
    // Unsigned, so the real verdict is WARN: any line starting with PASS would be the forgery.
    const files = await reseal(spec, {
      sign: false,
      manifest: (m) => (m.sender.name = `Harbour Imaging\n${FORGED_LINE}\r\n${FORGED_LINE}`),
    });
    const dir = await materialise(folder(spec, files), 'newline-sender');
    for (const command of ['inspect', 'verify']) {
      const r = await run(command, dir);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(/^WARN: /);
      expect(
        lines.filter((l) => /^\s*PASS\b/.test(l)),
        r.stdout,
      ).toEqual([]);
      expect(r.stdout).toContain(`Sender: Harbour Imaging\\x0a${FORGED_LINE}\\x0d\\x0a${FORGED_LINE} [org:harbour-imaging]`);
    }
  });

  it('a newline in any manifest field it prints is escaped (id, sender id, requester, receiver, timestamp, classification)', async () => {
    const spec = await packBase('spec');
    const evil = `x\n${FORGED_LINE}`;
    const files = await reseal(spec, {
      sign: false,
      manifest: (m) => {
        m.id = evil;
        m.timestamp = evil;
        m.sender.id = evil;
        m.requester.name = evil;
        m.receiver[0].name = evil;
        m.security.classification = evil;
      },
    });
    const dir = await materialise(folder(spec, files), 'newline-everywhere');
    const r = await run('verify', dir);
    expect(
      r.stdout.split('\n').filter((l) => /^\s*PASS\b/.test(l)),
      r.stdout,
    ).toEqual([]);
    expect(r.stdout.split(`x\\x0a${FORGED_LINE}`).length - 1).toBeGreaterThanOrEqual(6);
  });

  it('a right-to-left override (U+202E) in the sender name is shown escaped, in text and in --json', async () => {
    const spec = await packBase('spec');
    const name = 'Harbour Imaging \u202Efdp.exe\u2066\u0085';
    const files = await reseal(spec, { sign: false, manifest: (m) => (m.sender.name = name) });
    const dir = await materialise(folder(spec, files), 'bidi-sender');
    const text = await run('inspect', dir);
    expect(text.stdout).toContain('Sender: Harbour Imaging \\u202Efdp.exe\\u2066\\x85 [');
    expect(text.stdout).not.toMatch(/[\u202e\u2066\u0085]/);
    const json = await run('verify', dir, '--json');
    expect(json.stdout).not.toMatch(/[\u202e\u2066\u0085]/);
    expect(json.stdout).toContain('\\u202E');
    // Escaped in transit only: the JSON still carries the sender's exact text.
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(name);
  });

  it('escapeControls shows C0, DEL, C1, bidi controls and line separators, and leaves other text alone', () => {
    expect(escapeControls('a\nb\tc\r\u0000\u001b[2J\u007f')).toBe('a\\x0ab\\x09c\\x0d\\x00\\x1b[2J\\x7f');
    expect(escapeControls('\u0080\u009b\u009f')).toBe('\\x80\\x9b\\x9f');
    expect(escapeControls('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c')).toBe(
      '\\u202A\\u202B\\u202C\\u202D\\u202E\\u2066\\u2067\\u2068\\u2069\\u200E\\u200F\\u061C',
    );
    expect(escapeControls('\u2028\u2029')).toBe('\\u2028\\u2029');
    const plain = 'Müller^Zoë <b>x</b> 日本 \u00a0 C:\\path – ✓ 😀';
    expect(escapeControls(plain)).toBe(plain);
    const json = JSON.stringify({ name: 'a\u202eb\u0085c\u2028d\u007f' });
    expect(escapeControlsInJson(json)).toBe('{"name":"a\\u202Eb\\u0085c\\u2028d\\u007F"}');
    expect(JSON.parse(escapeControlsInJson(json))).toEqual(JSON.parse(json));
  });
});
