// Trust, twice: the verdict line that never leaves the top of the screen, and the full list of
// checks in the details. A failure is told by words, colour and icon together, never colour alone.
import type { OpenResult } from '../jmix/api.ts';
import type { Check, CheckStatus, Coverage, VerificationReport } from '../jmix/types.ts';
import { safeFileName, saveBlob } from './download.ts';
import { STATUS_ICON, STATUS_TEXT, verdictAdvice, verdictSentence } from './format.ts';
import { useState } from 'react';
import { Shown, escapeBidi } from '../common/safe-text.tsx';
import { useOpener } from './store.ts';
import { senderToTrust } from './trusted-senders.ts';

const VERDICT_ICON = { pass: '✓', warn: '!', fail: '✗' } as const;

/** Counts shown next to the verdict, worst first; statuses with no checks are left out. */
const COUNT_ORDER: { status: CheckStatus; word: string }[] = [
  { status: 'fail', word: 'failed' },
  { status: 'warn', word: 'warning' },
  { status: 'unverifiable', word: 'not checked' },
  { status: 'pass', word: 'passed' },
];

export function checkCounts(report: VerificationReport): { status: CheckStatus; count: number; word: string }[] {
  return COUNT_ORDER.map(({ status, word }) => ({ status, word, count: report.checks.filter((c) => c.status === status).length })).filter(
    (c) => c.count > 0,
  );
}

export function VerdictBar({
  report,
  result,
  onShowChecks,
}: {
  report: VerificationReport;
  result?: OpenResult;
  onShowChecks: () => void;
}) {
  const counts = checkCounts(report);
  return (
    <section className={`verdict-bar verdict-bar--${report.verdict}`} aria-labelledby="trust-heading">
      <h2 id="trust-heading" className="verdict-bar__label">
        Can it be trusted?
      </h2>
      <p role="status" aria-labelledby="trust-heading" className={`verdict verdict--${report.verdict}`}>
        <span aria-hidden="true" className="verdict__icon">
          {VERDICT_ICON[report.verdict]}
        </span>{' '}
        {verdictSentence(report)}
      </p>
      <p className="verdict-bar__advice">{verdictAdvice(report)}</p>
      {result && <TrustSenderButton result={result} />}
      {counts.length > 0 && (
        <button type="button" className="verdict-bar__counts" onClick={onShowChecks}>
          {counts.map((c) => (
            <span key={c.status} className={`count count--${c.status}`}>
              <span aria-hidden="true">{STATUS_ICON[c.status]}</span> {c.count} {c.word}
            </span>
          ))}
          <span className="visually-hidden">: show the trust checks</span>
        </button>
      )}
    </section>
  );
}

function CheckItem({ check }: { check: Check }) {
  return (
    // Failures open by default: they must be impossible to miss.
    <li className={`check check--${check.status}`}>
      <details open={check.status === 'fail'}>
        <summary>
          <span className={`badge badge--${check.status}`}>
            <span aria-hidden="true">{STATUS_ICON[check.status]}</span> {STATUS_TEXT[check.status]}
          </span>{' '}
          <span className="check__title">
            <Shown text={check.title} />
          </span>
        </summary>
        <p className="check__id muted">Check: {check.id}</p>
        <pre className="check__detail">
          <Shown text={check.detail} />
        </pre>
      </details>
    </li>
  );
}

export function TrustChecks({ report }: { report: VerificationReport }) {
  const download = () => {
    const json = JSON.stringify(report, null, 2);
    saveBlob(
      new Blob([json], { type: 'application/json' }),
      `${safeFileName(report.envelopeId ?? '', 'envelope')}-verification-report.json`,
    );
  };
  return (
    <section className="trust" aria-labelledby="checks-heading">
      <h2 id="checks-heading">Trust checks</h2>
      <p>{verdictAdvice(report)}</p>
      <p className="muted">
        Envelope format: <strong>{report.dialect}</strong>
        {report.dialectEvidence.length > 0 && <> (recognised by: {report.dialectEvidence.join('; ')})</>}
        {report.encrypted ? ' · encrypted' : ' · not encrypted'}
      </p>
      <ul className="checks">
        {report.checks.map((c, i) => (
          <CheckItem key={`${c.id}-${i}`} check={c} />
        ))}
      </ul>
      {report.problems.length > 0 && (
        <details className="findings">
          <summary>Other findings ({report.problems.length})</summary>
          <ul>
            {report.problems.map((p, i) => (
              <li key={i}>
                <strong>{p.severity}</strong>: <Shown text={p.message} />{' '}
                <span className="muted">
                  (<Shown text={p.file} />
                  {p.pointer ? (
                    <>
                      {' '}
                      <Shown text={p.pointer} />
                    </>
                  ) : (
                    ''
                  )}
                  )
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
      <CoverageList coverage={report.coverage} />
      <TrustedKeyForm />
      <TrustedSenders />
      <div className="actions">
        <button type="button" onClick={download}>
          Download report (JSON)
        </button>
      </div>
    </section>
  );
}

/**
 * A key carried in the envelope only proves the manifest is intact; a key the user got from the
 * sender another way proves who signed it. Pasting it re-checks the signature against it.
 */
function TrustedKeyForm() {
  const [value, setValue] = useState('');
  const trustKey = useOpener((s) => s.trustKey);
  const message = useOpener((s) => s.trustedKeyMessage);
  const trusted = useOpener((s) => s.trustedKeys);
  return (
    <form
      className="trusted-key"
      onSubmit={(e) => {
        e.preventDefault();
        void trustKey(value);
      }}
    >
      <label htmlFor="trusted-key-input">Sender's public key you trust (optional)</label>
      <p className="hint" id="trusted-key-hint">
        If the sender gave you their signing key (Ed25519, base64) by another route, paste it: the signature is then checked against it, not
        only against the key inside the envelope.
      </p>
      <input
        id="trusted-key-input"
        type="text"
        autoComplete="off"
        spellCheck={false}
        aria-describedby="trusted-key-hint"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" disabled={!value.trim()}>
        Check with this key
      </button>
      {message && (
        <p role="alert">
          <Shown text={message} />
        </p>
      )}
      {trusted.length > 0 && <p className="hint">{trusted.length} trusted key(s) in use for this session.</p>}
    </form>
  );
}

/**
 * "Trust this sender": remember the key that signed this manifest for the sender id it names, on
 * this device. Offered only when a key verified the signature and it is not remembered yet.
 */
function TrustSenderButton({ result }: { result: OpenResult }) {
  const trustSender = useOpener((s) => s.trustSender);
  const remembered = useOpener((s) => s.trustedSenders);
  const busy = useOpener((s) => s.busy);
  const [asking, setAsking] = useState(false);
  const candidate = senderToTrust(result, remembered);
  if (!candidate) return null;
  const who = candidate.senderName ?? candidate.senderId;
  // Two steps on purpose: the fingerprint is shown, to be compared, before anything is remembered.
  return (
    <div className="trust-sender">
      <button type="button" aria-expanded={asking} aria-controls="trust-sender-confirm" onClick={() => setAsking(!asking)}>
        Trust this sender…
      </button>
      {asking && (
        <div id="trust-sender-confirm" role="group" aria-labelledby="trust-sender-question" className="trust-sender__confirm">
          <p id="trust-sender-question">
            Remember key <code className="trust-sender__fp">{candidate.fingerprint}</code> for <Shown text={who} />{' '}
            <span className="muted">
              (<Shown text={candidate.senderId} />)
            </span>{' '}
            on this device? Compare it with the fingerprint <Shown text={who} /> gave you. Later envelopes naming{' '}
            <Shown text={candidate.senderId} /> but signed by any other key will be flagged.
          </p>
          <button type="button" className="primary" disabled={busy} onClick={() => void trustSender().then(() => setAsking(false))}>
            Remember this key for <Shown text={who} />
          </button>{' '}
          <button type="button" onClick={() => setAsking(false)}>
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}

const MANIFEST_COVERAGE: Record<Coverage['manifest'], string> = {
  signed: 'covered by the manifest signature',
  'signed-except-late-fields':
    'covered by the manifest signature, except the payload hash, encryption and jws fields (jmix-php signs them later)',
  'not-covered': 'not covered by any check (no signature verified it)',
};

/** What each part of the envelope is covered by; files no check covers are named. */
function CoverageList({ coverage }: { coverage: Coverage }) {
  return (
    <section className="coverage" aria-labelledby="coverage-heading">
      <h3 id="coverage-heading">What the checks cover</h3>
      <ul>
        <li>
          Payload files:{' '}
          {coverage.payloadRecipe
            ? `every file, by the payload hash (${coverage.payloadRecipe})`
            : coverage.uncoveredFiles.length
              ? `${coverage.uncoveredFiles.length} file(s) not covered by any check`
              : 'no files to cover'}
        </li>
        <li>manifest.json (sender, receivers, patient details where the manifest holds them): {MANIFEST_COVERAGE[coverage.manifest]}</li>
        {coverage.audit === 'not-covered' && (
          <li>audit.json (the audit trail): not covered by any check; JMIX signs neither it nor its hash</li>
        )}
      </ul>
      {coverage.uncoveredFiles.length > 0 && (
        <details>
          <summary>Files not covered by any check ({coverage.uncoveredFiles.length})</summary>
          <ul className="file-list">
            {coverage.uncoveredFiles.slice(0, 200).map((p) => (
              <li key={p}>
                <Shown text={p} />
              </li>
            ))}
          </ul>
          {coverage.uncoveredFiles.length > 200 && <p className="muted">…and {coverage.uncoveredFiles.length - 200} more.</p>}
        </details>
      )}
    </section>
  );
}

/** Senders remembered on this device, each with its key and a way to forget it. */
function TrustedSenders() {
  const senders = useOpener((s) => s.trustedSenders);
  const forget = useOpener((s) => s.forgetSender);
  if (!senders.length) return null;
  return (
    <section className="trusted-senders" aria-labelledby="trusted-senders-heading">
      <h3 id="trusted-senders-heading">Senders you trust on this device</h3>
      <ul>
        {senders.map((s) => (
          <li key={s.senderId}>
            {s.senderName ? (
              <>
                <Shown text={s.senderName} />{' '}
              </>
            ) : (
              ''
            )}
            <span className="muted">
              (<Shown text={s.senderId} />)
            </span>{' '}
            <code>{s.fingerprint}</code>{' '}
            <button
              type="button"
              onClick={() => void forget(s.senderId)}
              aria-label={`Forget the key for ${escapeBidi(s.senderName ?? s.senderId)}`}
            >
              Forget
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
