// "Try a demo envelope": the demos built into the site (demo/index.json, written by scripts/demo.ts),
// each a real link (shareable: `#src=demo/<name>.zip&key=...`) that opens in place when chosen.
import { useEffect, useState, type MouseEvent } from 'react';
import { LinkError, parseEnvelopeLink } from './link.ts';
import { useOpener } from './store.ts';

export interface DemoEntry {
  name: string;
  title: string;
  sentence: string;
  link: string;
}

function isDemoEntry(v: unknown): v is DemoEntry {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.name === 'string' &&
    typeof o.title === 'string' &&
    typeof o.sentence === 'string' &&
    typeof o.link === 'string' &&
    o.link.startsWith('#src=')
  );
}

/** The demo index, relative to the page (so it works under any sub-path); [] when the build has none. */
async function loadDemos(signal: AbortSignal): Promise<DemoEntry[]> {
  const response = await fetch(new URL('demo/index.json', document.baseURI), { signal });
  if (!response.ok) return [];
  const json: unknown = await response.json();
  return Array.isArray(json) ? json.filter(isDemoEntry) : [];
}

export function DemoList() {
  const [demos, setDemos] = useState<DemoEntry[]>([]);

  useEffect(() => {
    const ac = new AbortController();
    loadDemos(ac.signal).then(setDemos, () => {
      // No demos (a build without them, or offline before the first visit): the section stays hidden.
    });
    return () => ac.abort();
  }, []);

  if (!demos.length) return null;

  const open = (e: MouseEvent<HTMLAnchorElement>, demo: DemoEntry) => {
    // Opened in place: the address bar keeps no key, and choosing the same demo twice works.
    e.preventDefault();
    try {
      const link = parseEnvelopeLink(demo.link, location.href);
      if (link) void useOpener.getState().openLink(link);
    } catch (err) {
      useOpener.getState().failed(err instanceof LinkError ? err.message : String(err));
    }
  };

  return (
    <section className="demos" aria-labelledby="demos-heading">
      <h2 id="demos-heading">Try a demo envelope</h2>
      <ul className="demos__list">
        {demos.map((d) => (
          <li key={d.name}>
            <a className="demo" href={d.link} onClick={(e) => open(e, d)}>
              <span className="demo__title">{d.title}</span>
              <span className="demo__sentence">{d.sentence}</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
