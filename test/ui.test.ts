// The opener's pure helpers: link parsing, key files, the words shown for a verdict.
import { describe, expect, it } from 'vitest';
import type { Check, VerificationReport } from '../src/jmix/types.ts';
import { formatBytes, identifierLabel, percent, verdictSentence } from '../src/ui/format.ts';
import { keyFromFileBytes } from '../src/ui/key-file.ts';
import { addressWithoutKey, base64UrlToBase64, LinkError, nameFromUrl, parseEnvelopeLink } from '../src/ui/link.ts';

const BASE = 'http://127.0.0.1:4173/app/';

describe('parseEnvelopeLink', () => {
  it('reads src and a base64url key, converting the key to padded base64', () => {
    const raw = new Uint8Array(32).map((_, i) => 250 - i * 3);
    const b64 = Buffer.from(raw).toString('base64');
    const b64url = Buffer.from(raw).toString('base64url');
    expect(b64url).toMatch(/[-_]/); // the sample really exercises the alphabet change
    const link = parseEnvelopeLink(`#src=https://example.org/e.zip&key=${b64url}`, BASE);
    expect(link).toEqual({ src: 'https://example.org/e.zip', key: b64 });
  });

  it('accepts src alone, an encoded src, relative src and key-first order', () => {
    expect(parseEnvelopeLink('#src=https://h.example/x.zip', BASE)).toEqual({ src: 'https://h.example/x.zip', key: null });
    expect(parseEnvelopeLink(`#src=${encodeURIComponent('https://h.example/a b.zip?x=1&y=2')}`, BASE)?.src).toBe(
      'https://h.example/a%20b.zip?x=1&y=2',
    );
    expect(parseEnvelopeLink('#src=files/x.zip', BASE)?.src).toBe('http://127.0.0.1:4173/app/files/x.zip');
    expect(parseEnvelopeLink('#key=AAAA&src=https://h.example/x.zip', BASE)).toEqual({ src: 'https://h.example/x.zip', key: 'AAAA' });
  });

  it('takes a query string in src only when it is encoded: an unencoded "&" is refused (issue 16)', () => {
    expect(() => parseEnvelopeLink('#src=https://h.example/x.zip?sig=a&exp=1&key=QUJD', BASE)).toThrow(
      /"exp", which this viewer does not know/,
    );
    const link = parseEnvelopeLink(`#src=${encodeURIComponent('https://h.example/x.zip?sig=a&exp=1')}&key=QUJD`, BASE);
    expect(link).toEqual({ src: 'https://h.example/x.zip?sig=a&exp=1', key: 'QUJD' });
  });

  it('ignores fragments that name no envelope and refuses non-http sources', () => {
    expect(parseEnvelopeLink('', BASE)).toBeNull();
    expect(parseEnvelopeLink('#section-2', BASE)).toBeNull();
    expect(() => parseEnvelopeLink('#src=javascript:alert(1)', BASE)).toThrow(LinkError);
    expect(() => parseEnvelopeLink('#src=', BASE)).toThrow(/no address/);
  });
});

describe('addressWithoutKey', () => {
  it('removes only the key', () => {
    expect(addressWithoutKey('http://a/#src=http://b/x.zip&key=SECRET')).toBe('http://a/#src=http://b/x.zip');
    expect(addressWithoutKey('http://a/#key=SECRET&src=http://b/x.zip')).toBe('http://a/#src=http://b/x.zip');
    expect(addressWithoutKey('http://a/#src=http://b/x.zip')).toBe('http://a/#src=http://b/x.zip');
    expect(addressWithoutKey('http://a/?q=1')).toBe('http://a/?q=1');
  });
});

describe('small conversions', () => {
  it('base64UrlToBase64 pads and maps the alphabet', () => {
    expect(base64UrlToBase64('-_8')).toBe('+/8=');
    expect(base64UrlToBase64('QQ')).toBe('QQ==');
    expect(base64UrlToBase64('QUJD')).toBe('QUJD');
  });
  it('nameFromUrl decodes the last path segment', () => {
    expect(nameFromUrl('https://h/dir/my%20scan.zip?x=1')).toBe('my scan.zip');
    expect(nameFromUrl('https://h/')).toBe('envelope');
  });
  it('formatBytes and percent', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 0)).toBeNull();
  });
});

describe('keyFromFileBytes', () => {
  it('passes 32 raw bytes through, trims base64 text, and reads a private key from JSON', () => {
    const raw = new Uint8Array(32).fill(7);
    expect(keyFromFileBytes(raw)).toBe(raw);
    expect(keyFromFileBytes(new TextEncoder().encode('  QUJD\n'))).toBe('QUJD');
    const json = JSON.stringify({ recipient_public_key_b64: 'PUB', recipient_private_key_b64: 'PRIV', wrong_private_key_b64: 'NO' });
    expect(keyFromFileBytes(new TextEncoder().encode(json))).toBe('PRIV');
  });
});

describe('identifierLabel', () => {
  it('labels an Australian IHI by system URI, by "ihi" in the system, or by its 800360 number', () => {
    expect(identifierLabel({ system: 'http://ns.electronichealth.net.au/id/hi/ihi/1.0', value: '1', label: null })).toBe('Australian IHI');
    expect(identifierLabel({ system: 'urn:x:IHI', value: '1', label: null })).toBe('Australian IHI');
    expect(identifierLabel({ system: null, value: '8003 6081 6669 0503', label: null })).toBe('Australian IHI');
    expect(identifierLabel({ system: 'urn:mrn', value: '8003608166690503x', label: null })).toBe('urn:mrn');
    expect(identifierLabel({ system: 'urn:mrn', value: '123', label: 'MRN' })).toBe('MRN');
  });
});

function report(verdict: VerificationReport['verdict'], checks: Pick<Check, 'id' | 'status'>[], headline = ''): VerificationReport {
  return {
    verdict,
    headline,
    dialect: 'spec',
    dialectEvidence: [],
    encrypted: false,
    envelopeId: 'e',
    checks: checks.map((c) => ({ ...c, title: `${c.id} title`, detail: '' })),
    coverage: { payloadRecipe: null, uncoveredFiles: [], manifest: 'not-covered', audit: 'absent' },
    problems: [],
    generatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('verdictSentence', () => {
  it("uses the core's headline when it gives one", () => {
    expect(
      verdictSentence(report('warn', [{ id: 'manifest-jws', status: 'unverifiable' }], 'Complete, but the sender could not be verified')),
    ).toBe('Complete, but the sender could not be verified');
  });
  // Without a headline (an older report), the opener words the verdict itself.
  it('says genuine only for a pass', () => {
    expect(verdictSentence(report('pass', [{ id: 'payload-hash', status: 'pass' }]))).toBe('Genuine and complete');
  });
  it('separates a wrong key from damage', () => {
    expect(verdictSentence(report('fail', [{ id: 'decrypt', status: 'fail' }]))).toMatch(/^Could not be decrypted/);
    expect(verdictSentence(report('fail', [{ id: 'payload-hash', status: 'fail' }]))).toBe('Damaged or altered: do not rely on it');
  });
  it('names an unverified sender, a missing key, or the first warning', () => {
    expect(verdictSentence(report('warn', [{ id: 'manifest-jws', status: 'unverifiable' }]))).toBe('Could not verify the sender');
    expect(verdictSentence(report('warn', [{ id: 'decrypt', status: 'unverifiable' }]))).toMatch(
      /^Encrypted: enter the recipient private key/,
    );
    expect(verdictSentence(report('warn', [{ id: 'dicom', status: 'warn' }]))).toBe('Opened with a warning: dicom title');
  });
});
