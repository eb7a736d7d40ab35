import type { Check, VerificationReport } from '../jmix/types.ts';
import { safeFileName, saveBlob } from './download.ts';
import { STATUS_ICON, STATUS_TEXT, verdictAdvice, verdictSentence } from './format.ts';

const VERDICT_ICON = { pass: '✓', warn: '!', fail: '✗' } as const;

function CheckItem({ check }: { check: Check }) {
  return (
    // Failures open by default: they must be impossible to miss.
    <li className={`check check--${check.status}`}>
      <details open={check.status === 'fail'}>
        <summary>
          <span className={`badge badge--${check.status}`}>
            <span aria-hidden="true">{STATUS_ICON[check.status]}</span> {STATUS_TEXT[check.status]}
          </span>{' '}
          <span className="check__title">{check.title}</span>
        </summary>
        <p className="check__id muted">Check: {check.id}</p>
        <pre className="check__detail">{check.detail}</pre>
      </details>
    </li>
  );
}

export function TrustPanel({ report }: { report: VerificationReport }) {
  const download = () => {
    const json = JSON.stringify(report, null, 2);
    saveBlob(new Blob([json], { type: 'application/json' }), `${safeFileName(report.envelopeId ?? '', 'envelope')}-verification-report.json`);
  };
  return (
    <section className="panel trust" aria-labelledby="trust-heading">
      <h2 id="trust-heading">Can it be trusted?</h2>
      <p role="status" aria-labelledby="trust-heading" className={`verdict verdict--${report.verdict}`}>
        <span aria-hidden="true" className="verdict__icon">
          {VERDICT_ICON[report.verdict]}
        </span>{' '}
        {verdictSentence(report)}
      </p>
      <p>{verdictAdvice(report)}</p>
      <p className="muted">
        Envelope format: <strong>{report.dialect}</strong>
        {report.dialectEvidence.length > 0 && <> (recognised by: {report.dialectEvidence.join('; ')})</>}
        {report.encrypted ? ' · encrypted' : ' · not encrypted'}
      </p>
      <h3>Checks</h3>
      <ul className="checks">
        {report.checks.map((c, i) => (
          <CheckItem key={`${c.id}-${i}`} check={c} />
        ))}
      </ul>
      {report.problems.length > 0 && (
        <details>
          <summary>Other findings ({report.problems.length})</summary>
          <ul>
            {report.problems.map((p, i) => (
              <li key={i}>
                <strong>{p.severity}</strong>: {p.message} <span className="muted">({p.file}{p.pointer ? ` ${p.pointer}` : ''})</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className="actions">
        <button type="button" onClick={download}>
          Download report (JSON)
        </button>
      </div>
    </section>
  );
}
