// The CLI over the same core: real processes for the entry point, in-process calls for the matrix.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toTarGz, toZip } from '../fixtures/envelopes/pack.ts';
import { writeFolder } from '../fixtures/envelopes/pack-node.ts';

import { bytesToBase64 } from '../src/jmix/crypto/bytes.ts';
import { DIALECTS, pack, recipient, smallStudy, wrongRecipient } from './helpers/fixtures.ts';
import { rmSync } from 'node:fs';
import { runCli } from './helpers/cli.ts';

const BIN = resolve(__dirname, '../bin/jmix-viewer.mjs');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jmix-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

describe('the jmix-viewer binary', () => {
  it('prints usage with --help and exits 0', () => {
    const out = execFileSync('node', [BIN, '--help'], { encoding: 'utf8' });
    expect(out).toMatch(/Usage: jmix-viewer <command> <envelope>/);
    expect(out).toMatch(/inspect/);
    expect(out).toMatch(/--key-file/);
  });

  it('verifies a zip end to end as a real process', async () => {
    const env = await pack('jmix-rs', { encryptTo: recipient.publicKey });
    const zip = join(dir, 'proc.zip');
    writeFileSync(zip, toZip(env, 'root'));
    const r = spawnSync('node', [BIN, 'verify', zip, '--key', bytesToBase64(recipient.privateKey), '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.dialect).toBe('jmix-rs');
    expect(json.envelopeId).toBe(env.id);
  });

  it('exits 2 for a missing file, with the path in the message', () => {
    const r = spawnSync('node', [BIN, 'verify', join(dir, 'nope.zip')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nope\.zip: no such file or folder/);
  });
});

describe('verify --json for every dialect and layout', () => {
  it.each(DIALECTS)('%s: report, patient and studies', async (dialect) => {
    const env = await pack(dialect, { encryptTo: recipient.publicKey });
    const key = bytesToBase64(recipient.privateKey);
    const folder = await writeFolder(env, mkdtempSync(join(dir, 'f-')));
    const zipRoot = join(dir, `${env.id}-root.zip`);
    const zipWrapped = join(dir, `${env.id}-wrapped.zip`);
    const tgz = join(dir, `${env.id}.tar.gz`);
    writeFileSync(zipRoot, toZip(env, 'root'));
    writeFileSync(zipWrapped, toZip(env, 'wrapped'));
    writeFileSync(tgz, toTarGz(env));
    for (const target of [folder, zipRoot, zipWrapped, tgz]) {
      const { code, stdout } = await run('verify', target, '--key', key, '--json');
      expect(code).toBe(0);
      const json = JSON.parse(stdout);
      expect(json.verdict).toMatch(/pass|warn/);
      expect(json.envelopeId).toBe(env.id);
      expect(json.dialect).toBe(dialect === 'spec' ? 'jmix-php' : dialect);
      expect(json.checks.map((c: { id: string }) => c.id)).toEqual(
        expect.arrayContaining([
          'structure',
          'schema',
          'decrypt',
          'payload-hash',
          'files-json',
          'manifest-jws',
          'assertion:sender',
          'audit',
          'dicom',
        ]),
      );
      expect(json.patient.id).toBe('SYN-0001');
      const series = json.studies[0].series;
      expect(series.map((s: { modality: string }) => s.modality).sort()).toEqual(['CT', 'MR', 'US']);
      expect(series.reduce((n: number, s: { instances: number }) => n + s.instances, 0)).toBe(
        smallStudy().study.series.reduce((n, s) => n + s.count, 0),
      );
      expect(series[0].seriesUid).toMatch(/^[\d.]+$/);
    }
  });
});

describe('exit codes and messages', () => {
  it('1 for a wrong key, saying both possibilities', async () => {
    const env = await pack('jmix-js', { encryptTo: recipient.publicKey });
    const zip = join(dir, 'wrong.zip');
    writeFileSync(zip, toZip(env, 'wrapped'));
    const { code, stdout } = await run('verify', zip, '--key', bytesToBase64(wrongRecipient.privateKey));
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL: Could not be decrypted/);
    expect(stdout).toMatch(/altered|damaged/);
  });

  it('1 for a tampered payload, naming the check', async () => {
    const env = await pack('jmix-php', { tamper: 'payload-byte' });
    const zip = join(dir, 'tampered.zip');
    writeFileSync(zip, toZip(env, 'wrapped'));
    const { code, stdout } = await run('verify', zip);
    expect(code).toBe(1);
    expect(stdout).toMatch(/\[FAIL\] payload-hash/);
  });

  it('2 for something that is not an envelope', async () => {
    const f = join(dir, 'report.pdf');
    writeFileSync(f, '%PDF-1.4 not an envelope');
    const { code, stderr } = await run('inspect', f);
    expect(code).toBe(2);
    expect(stderr).toMatch(/report\.pdf/);
    expect(stderr).toMatch(/PDF/);
  });

  it('2 for a malformed key, with what is wrong with it', async () => {
    const env = await pack('jmix-js', { encryptTo: recipient.publicKey });
    const zip = join(dir, 'badkey.zip');
    writeFileSync(zip, toZip(env, 'wrapped'));
    const { code, stderr } = await run('verify', zip, '--key', 'abc!def');
    expect(code).toBe(2);
    expect(stderr).toMatch(/base64|character/i);
  });

  it('reads a raw 32-byte key file', async () => {
    const env = await pack('jmix-rs', { encryptTo: recipient.publicKey });
    const zip = join(dir, 'keyfile.zip');
    const keyFile = join(dir, 'recipient.key');
    writeFileSync(zip, toZip(env, 'root'));
    writeFileSync(keyFile, recipient.privateKey);
    const { code, stdout } = await run('verify', zip, '--key-file', keyFile);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\[PASS\] decrypt/);
  });

  it('2 for an unknown option', async () => {
    const { code, stderr } = await run('verify', 'x', '--frobnicate');
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown option --frobnicate/);
  });
});

describe('extract', () => {
  it('writes the decrypted payload files', async () => {
    const env = await pack('jmix-php', { encryptTo: recipient.publicKey });
    const zip = join(dir, 'extract.zip');
    writeFileSync(zip, toZip(env, 'wrapped'));
    const out = join(dir, 'out-ok');
    const { code, stdout } = await run('extract', zip, '--key', bytesToBase64(recipient.privateKey), '--out', out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Extracted \d+ file\(s\)/);
    expect(readdirSync(join(out, 'dicom')).length).toBeGreaterThan(0);
    const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
    expect(meta.id).toBe(env.id);
    expect(
      readFileSync(join(out, 'files', 'report.pdf'))
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('refuses to write a payload that failed verification, unless forced', async () => {
    const env = await pack('spec', { tamper: 'payload-byte' });
    const zip = join(dir, 'extract-bad.zip');
    writeFileSync(zip, toZip(env, 'wrapped'));
    const out = join(dir, 'out-bad');
    const refused = await run('extract', zip, '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/failed verification.*--force/);
    expect(existsSync(out)).toBe(false);
    const forced = await run('extract', zip, '--out', out, '--force');
    expect(forced.code).toBe(1);
    expect(existsSync(join(out, 'metadata.json'))).toBe(true);
  });

  it('writes nothing without the key', async () => {
    const env = await pack('jmix-js', { encryptTo: recipient.publicKey });
    const zip = join(dir, 'extract-nokey.zip');
    writeFileSync(zip, toZip(env, 'wrapped'));
    const out = join(dir, 'out-nokey');
    const { code, stderr } = await run('extract', zip, '--out', out);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--key/);
    expect(existsSync(out)).toBe(false);
  });
});
