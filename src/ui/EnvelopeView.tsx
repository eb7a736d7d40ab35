import { useEffect, useRef } from 'react';
import { KeyPrompt } from './KeyPrompt.tsx';
import { PayloadFiles } from './PayloadFiles.tsx';
import { ProgressPanel } from './ProgressPanel.tsx';
import { useOpener } from './store.ts';
import { Summary } from './Summary.tsx';
import { TrustPanel } from './TrustPanel.tsx';
import { ViewerSlot } from './ViewerSlot.tsx';

export function EnvelopeView() {
  const result = useOpener((s) => s.result);
  const busy = useOpener((s) => s.busy);
  const error = useOpener((s) => s.error);
  const closeEnvelope = useOpener((s) => s.closeEnvelope);
  const heading = useRef<HTMLHeadingElement>(null);
  // Keyboard and screen-reader users land on the envelope, not at the top of a page that changed under them.
  useEffect(() => heading.current?.focus(), []);
  if (!result) return null;
  const { envelope, report } = result;
  const needsKey = envelope.encrypted && !envelope.payloadAvailable;
  return (
    <main className="envelope">
      <header className="envelope__header">
        <h1 ref={heading} tabIndex={-1}>
          Envelope <span className="mono">{envelope.id ?? envelope.carrier.name}</span>
        </h1>
        <button type="button" onClick={closeEnvelope}>
          Close envelope
        </button>
      </header>
      {error && (
        <p role="alert" className="key-error">
          {error}
        </p>
      )}
      {busy && <ProgressPanel inline />}
      <TrustPanel report={report} />
      {needsKey && <KeyPrompt />}
      <Summary result={result} />
      {envelope.payloadAvailable && <PayloadFiles result={result} />}
      <ViewerSlot result={result} />
    </main>
  );
}
