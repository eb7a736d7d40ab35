import { describe, expect, it } from 'vitest';
import { envelopeUrl, manifestUrl } from '../src/ui/jmix-api.ts';
import { LinkError, parseLinkFragment } from '../src/ui/link-fragment.ts';

const PAGE = 'https://viewer.example/a/b/';

/** The `#api=` link the one fragment parser reads, or null (test/link-fragment.test.ts covers the rest). */
function parseApiLink(hash: string, pageUrl: string) {
  const link = parseLinkFragment(hash, pageUrl);
  return link?.kind === 'api' ? link.link : null;
}

describe('parseApiLink', () => {
  it('reads #api={base}&id={id} and builds harmony routes', () => {
    const link = parseApiLink('#api=https://pacs.example/jmix/&id=abc-123', PAGE);
    expect(link).toEqual({ base: 'https://pacs.example/jmix', id: 'abc-123' });
    expect(manifestUrl(link!)).toBe('https://pacs.example/jmix/api/jmix/abc-123/manifest');
    expect(envelopeUrl(link!)).toBe('https://pacs.example/jmix/api/jmix/abc-123');
  });

  it('accepts id first, URL-encoded values, and a base relative to the page (same-origin proxy)', () => {
    expect(parseApiLink('#id=x%2Fy&api=jmix', PAGE)).toEqual({ base: 'https://viewer.example/a/b/jmix', id: 'x/y' });
    expect(envelopeUrl({ base: 'https://h', id: 'x/y' })).toBe('https://h/api/jmix/x%2Fy');
    expect(parseApiLink('#api=%2Fjmix&id=1', PAGE)).toEqual({ base: 'https://viewer.example/jmix', id: '1' });
  });

  it('ignores other fragments and explains broken API links', () => {
    expect(parseApiLink('#src=demo/plain.zip', PAGE)).toBeNull();
    expect(parseApiLink('', PAGE)).toBeNull();
    expect(() => parseApiLink('#api=https://h', PAGE)).toThrow(/no "&id="/);
    expect(() => parseApiLink('#api=https://h&id=', PAGE)).toThrow(LinkError);
    expect(() => parseApiLink('#api=ftp://h&id=1', PAGE)).toThrow(/only http: and https:/);
  });
});
