// The one reader of link fragments (src/ui/link-fragment.ts): strict parameters, deliberate
// percent-decoding, and a key that never survives in the address or inside another parameter.
import { describe, expect, it } from 'vitest';
import { addressWithoutKey, LinkError, linkTargetOrigin, parseLinkFragment } from '../src/ui/link-fragment.ts';
import { linkOrigin } from '../src/ui/csp.ts';

const PAGE = 'https://viewer.example/app/';
const KEY = 'S3cr3tKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** The LinkError a fragment is refused with (fails the test when it is not refused). */
function refusal(fragment: string): string {
  try {
    parseLinkFragment(fragment, PAGE);
  } catch (e) {
    expect(e).toBeInstanceOf(LinkError);
    return (e as Error).message;
  }
  throw new Error(`${fragment} was not refused`);
}

describe('parseLinkFragment: links that work', () => {
  it('reads #src= with a base64url key (either order), converting the key to padded base64', () => {
    expect(parseLinkFragment('#src=https://h.example/e.zip&key=-_8', PAGE)).toEqual({
      kind: 'src',
      link: { src: 'https://h.example/e.zip', key: '+/8=' },
    });
    expect(parseLinkFragment('#key=QUJD&src=https://h.example/e.zip', PAGE)).toEqual({
      kind: 'src',
      link: { src: 'https://h.example/e.zip', key: 'QUJD' },
    });
    expect(parseLinkFragment('#src=demo/signed.zip', PAGE)).toEqual({
      kind: 'src',
      link: { src: 'https://viewer.example/app/demo/signed.zip', key: null },
    });
  });

  it("keeps '+' as '+' (base64), unlike URLSearchParams, and decodes %XX once", () => {
    expect(parseLinkFragment('#src=x.zip&key=ab+c/d==', PAGE)).toMatchObject({ link: { key: 'ab+c/d==' } });
    expect(parseLinkFragment(`#src=${encodeURIComponent('https://h.example/a b.zip?x=1&y=2')}`, PAGE)).toMatchObject({
      link: { src: 'https://h.example/a%20b.zip?x=1&y=2' },
    });
    expect(parseLinkFragment('#src=https://h.example/%2541.zip', PAGE)).toMatchObject({ link: { src: 'https://h.example/%41.zip' } });
  });

  it('reads #api=&id= (either order), relative to the page, and tolerates an empty piece', () => {
    expect(parseLinkFragment('#api=https://pacs.example/jmix/&id=abc-123', PAGE)).toEqual({
      kind: 'api',
      link: { base: 'https://pacs.example/jmix', id: 'abc-123' },
    });
    expect(parseLinkFragment('#id=x%2Fy&api=%2Fjmix&', PAGE)).toEqual({
      kind: 'api',
      link: { base: 'https://viewer.example/jmix', id: 'x/y' },
    });
  });

  it('is no link at all for fragments that name none', () => {
    expect(parseLinkFragment('', PAGE)).toBeNull();
    expect(parseLinkFragment('#', PAGE)).toBeNull();
    expect(parseLinkFragment('#section-2', PAGE)).toBeNull();
    expect(parseLinkFragment('#tab=files', PAGE)).toBeNull();
  });
});

describe('parseLinkFragment: links that are refused, with a message', () => {
  it('refuses unknown and repeated parameters', () => {
    expect(refusal('#src=x.zip&foo=1')).toMatch(/"foo", which this viewer does not know.*%26/);
    // The old reader took an unencoded query as part of src; now it must be encoded.
    expect(refusal('#src=https://h.example/x.zip?sig=a&exp=1&key=QUJD')).toMatch(/"exp", which this viewer does not know/);
    expect(refusal(`#src=x.zip&key=${KEY}&key=${KEY}`)).toMatch(/gives "key" twice/);
    expect(refusal('#api=/a&api=/b&id=1')).toMatch(/gives "api" twice/);
  });

  it('refuses broken percent-encoding instead of guessing', () => {
    expect(refusal('#src=demo%ZZ.zip')).toMatch(/damaged: "src" has a broken %-escape/);
    expect(refusal(`#src=x.zip&key=${KEY}%E0%A4`)).toMatch(/damaged: "key" has a broken %-escape/);
    // Names are literal: an encoded one is not the name it encodes.
    expect(refusal('#%73rc=x.zip')).toMatch(/^The link has a parameter, which this viewer does not know/);
  });

  it('refuses unusable addresses and ids', () => {
    expect(refusal('#src=')).toMatch(/no address/);
    expect(refusal('#src=ftp://h.example/x.zip')).toMatch(/"ftp:", but only http: and https:/);
    expect(refusal('#src=javascript:alert(1)')).toMatch(/only http: and https:/);
    expect(refusal('#src=https://user:pw@h.example/x.zip')).toMatch(/user name or password/);
    expect(refusal('#api=https://h')).toMatch(/no "&id="/);
    expect(refusal('#api=https://h&id=')).toMatch(/no envelope id/);
    expect(refusal('#api=ftp://h&id=1')).toMatch(/only http: and https:/);
    expect(refusal('#api=/a&id=a%3Fb')).toMatch(/not an envelope id/);
    expect(refusal('#id=1')).toMatch(/no "#api=" server/);
    expect(refusal('#src=x.zip&api=/a&id=1')).toMatch(/both an envelope address/);
  });

  it('never lets a key ride inside another parameter, encoded or not, and never quotes it', () => {
    const forms = [
      `#api=/base&id=abc&key=${KEY}`, // an #api= link takes no key
      `#api=/base&id=abc%26key%3D${KEY}`, // the id swallowed an encoded &key=
      `#api=/base&id=abc%2526key%253D${KEY}`, // ... encoded twice
      `#src=${encodeURIComponent(`https://h.example/x.zip?key=${KEY}`)}`, // a key in the download address
      `#src=x.zip&KEY=${KEY}`, // a key under another spelling
      `#src=x.zip&k%65y=${KEY}`,
      `#key=${KEY}`, // a key and nothing to open
      `#src=x.zip&key=${KEY}!`, // not base64
    ];
    for (const f of forms) {
      const message = refusal(f);
      expect(message, f).toMatch(/The key was removed from the address bar and was not used\.$/);
      expect(message, f).not.toContain(KEY);
    }
  });
});

describe('addressWithoutKey', () => {
  it('drops every key-like piece and keeps the rest, even when the link is otherwise bad', () => {
    expect(addressWithoutKey(`http://a/#src=http://b/x.zip&key=${KEY}`)).toBe('http://a/#src=http://b/x.zip');
    expect(addressWithoutKey(`http://a/#key=${KEY}&src=http://b/x.zip`)).toBe('http://a/#src=http://b/x.zip');
    expect(addressWithoutKey(`http://a/#src=ftp://b/x&key=${KEY}`)).toBe('http://a/#src=ftp://b/x');
    expect(addressWithoutKey(`http://a/#src=&key=${KEY}`)).toBe('http://a/#src=');
    expect(addressWithoutKey(`http://a/#src=%ZZ&key=${KEY}%E0`)).toBe('http://a/#src=%ZZ');
    expect(addressWithoutKey(`http://a/#api=/b&id=abc%26key%3D${KEY}`)).toBe('http://a/#api=/b');
    expect(addressWithoutKey(`http://a/#src=x&KEY=${KEY}&Private_Key=${KEY}`)).toBe('http://a/#src=x');
    expect(addressWithoutKey(`http://a/p?q=1#key=${KEY}`)).toBe('http://a/p?q=1');
  });

  it('leaves an address without a key exactly as it was', () => {
    for (const href of ['http://a/#src=http://b/x.zip', 'http://a/?q=1', 'http://a/#section-2', 'http://a/#src=x&&y', 'http://a/#']) {
      expect(addressWithoutKey(href)).toBe(href);
    }
  });
});

describe('the CSP reads links with the same parser', () => {
  it('gives a link its origin, and a refused link none', () => {
    expect(linkTargetOrigin('#src=https://h.example/x.zip', PAGE)).toBe('https://h.example');
    expect(linkTargetOrigin('#id=1&api=https://pacs.example/jmix', PAGE)).toBe('https://pacs.example');
    expect(linkOrigin('#src=https://h.example/x.zip&key=QUJD', PAGE)).toBe('https://h.example');
    expect(linkOrigin('#src=demo/x.zip', PAGE)).toBeNull(); // this page's own origin: nothing to add
    // The app refuses these, so the policy allows nothing for them either.
    expect(linkOrigin('#src=https://h.example/x.zip&foo=1', PAGE)).toBeNull();
    expect(linkOrigin('#api=https://pacs.example&id=abc&key=QUJD', PAGE)).toBeNull();
  });
});
