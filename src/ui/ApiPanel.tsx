// A `#api=` link: ask the JMIX server about the envelope, show who sent it and how big it is, and
// download only when the user says so. Loaded lazily: the start screen does not pay for it.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { CancelledError } from '../jmix/api.ts';
import { normaliseManifest } from '../jmix/index.ts';
import type { Problem } from '../jmix/types.ts';
import { formatBytes } from './format.ts';
import { envelopeUrl, fetchApiManifest, type ApiLink } from './jmix-api.ts';
import { ProgressPanel } from './ProgressPanel.tsx';
import { Shown } from '../common/safe-text.tsx';
import { useOpener } from './store.ts';
import './start.css';

interface Details {
  sender: string;
  envelopeId: string;
  created: string;
  size: number | null;
}

type Lookup = { state: 'loading' } | { state: 'ok'; details: Details } | { state: 'error'; message: string };

function describe(json: Record<string, unknown>, size: number | null, link: ApiLink): Details {
  const sink: Problem[] = [];
  const m = normaliseManifest(json, sink);
  const s = m.sender;
  const sender = s ? [s.name, s.id && s.id !== s.name ? `(${s.id})` : null].filter(Boolean).join(' ') : '';
  return {
    sender: sender || 'Not named in the manifest',
    envelopeId: m.id ?? `${link.id} (the manifest names none)`,
    created: m.timestamp ?? 'Not given',
    size,
  };
}

export default function ApiPanel({ link }: { link: ApiLink }) {
  const error = useOpener((s) => s.error);
  // Downloading happens inside this panel, so the typed token survives a failed attempt.
  const busy = useOpener((s) => s.busy);
  const [lookup, setLookup] = useState<Lookup>({ state: 'loading' });
  // The token lives in this component's state only: never in the URL, the store or storage.
  const [token, setToken] = useState('');
  const tokenId = useId();
  const running = useRef<AbortController | null>(null);

  const look = useCallback(
    async (withToken: string) => {
      running.current?.abort();
      const ac = new AbortController();
      running.current = ac;
      setLookup({ state: 'loading' });
      try {
        const { json, size } = await fetchApiManifest(link, withToken, ac.signal);
        if (!ac.signal.aborted) setLookup({ state: 'ok', details: describe(json, size, link) });
      } catch (e) {
        if (e instanceof CancelledError || ac.signal.aborted) return;
        setLookup({ state: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    },
    [link],
  );

  useEffect(() => {
    void look('');
    return () => running.current?.abort();
  }, [look]);

  const checkAgain = () => {
    useOpener.setState({ error: null });
    void look(token);
  };

  return (
    <main className="start api-panel">
      <h1>JMIX Viewer</h1>
      <section aria-labelledby="api-heading">
        <h2 id="api-heading">Envelope on a JMIX server</h2>
        <dl className="api-facts">
          <dt>Server</dt>
          <dd>
            <Shown text={link.base} />
          </dd>
          <dt>Requested id</dt>
          <dd>
            <Shown text={link.id} />
          </dd>
        </dl>
        {lookup.state === 'loading' && <p aria-live="polite">Asking the server about the envelope…</p>}
        {lookup.state === 'ok' && (
          <dl className="api-facts" aria-label="Envelope details">
            <dt>Sender</dt>
            <dd>
              <Shown text={lookup.details.sender} />
            </dd>
            <dt>Envelope id</dt>
            <dd>
              <Shown text={lookup.details.envelopeId} />
            </dd>
            <dt>Created</dt>
            <dd>
              <Shown text={lookup.details.created} />
            </dd>
            <dt>Size</dt>
            <dd>{lookup.details.size !== null ? formatBytes(lookup.details.size) : 'Not given by the server'}</dd>
          </dl>
        )}
        {lookup.state === 'error' && (
          <div className="error-box" role="alert" aria-label="Server answer">
            <p>
              <Shown text={lookup.message} />
            </p>
          </div>
        )}
        {error && (
          <div className="error-box" role="alert" aria-label="Download problem">
            <h3>The envelope could not be downloaded or opened</h3>
            <p>
              <Shown text={error} />
            </p>
          </div>
        )}
        <div className="api-token">
          <label htmlFor={tokenId}>Access token (optional)</label>
          <input
            id={tokenId}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
          <p className="muted">
            Sent only to {new URL(link.base).origin} as a bearer token when you ask; never put in the address or stored.
          </p>
        </div>
        {busy ? (
          <ProgressPanel inline />
        ) : (
          <div className="actions">
            <button type="button" className="primary" onClick={() => void useOpener.getState().downloadFromApi(token)}>
              Download envelope
            </button>
            <button type="button" onClick={checkAgain}>
              Check again
            </button>
            <button type="button" onClick={() => useOpener.getState().closeEnvelope()}>
              Back to start
            </button>
          </div>
        )}
        <p className="muted">The envelope is downloaded from {envelopeUrl(link)} and opened in this tab; nothing is uploaded.</p>
      </section>
    </main>
  );
}
