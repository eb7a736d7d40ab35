// The envelope screen: a compact header and the verdict always on top; the viewer takes the main
// area when there are images, the details (tabs) sit beside it, or under it on a phone. Before
// decryption, or with no images, the key prompt and the details take the main area.
import { useEffect, useRef, useState } from 'react';
import type { OpenResult } from '../jmix/api.ts';
import { DetailsTabs, tabDomId, type DetailsTab } from './DetailsTabs.tsx';
import { personNameText } from './format.ts';
import { KeyPrompt } from './KeyPrompt.tsx';
import { PayloadFiles, reportPdfPath, SaveStudyButton } from './PayloadFiles.tsx';
import { ProgressPanel } from './ProgressPanel.tsx';
import { Shown } from '../common/safe-text.tsx';
import { useOpener } from './store.ts';
import { AuditDetails, envelopePatient, EnvelopeDetails, PatientDetails, PeopleDetails, StudyDetails } from './Summary.tsx';
import { checkCounts, TrustChecks, VerdictBar } from './TrustPanel.tsx';
import { hasImages, ViewerSlot } from './ViewerSlot.tsx';

const TABS_PREFIX = 'details';

/** "JANE CITIZEN · born 1970-01-01 · F · ID MRN-42", from the envelope or else the DICOM headers. */
function PatientLine({ result }: { result: OpenResult }) {
  const patient = envelopePatient(result);
  const dicomPatient = result.dicom?.studies[0]?.patient ?? null;
  const name = personNameText(patient?.name ?? null) ?? dicomPatient?.name ?? null;
  const dob = patient?.dob ?? dicomPatient?.birthDate ?? null;
  const sex = patient?.sex ?? dicomPatient?.sex ?? null;
  const id = patient?.id ?? dicomPatient?.id ?? null;
  if (!name && !dob && !sex && !id) {
    const hidden = result.envelope.encrypted && !result.envelope.payloadAvailable;
    return <p className="env-header__patient muted">{hidden ? 'Patient details are encrypted' : 'No patient named'}</p>;
  }
  return (
    <p className="env-header__patient" aria-label="Patient">
      {name && (
        <span className="env-header__name">
          <Shown text={name} />
        </span>
      )}
      {dob && (
        <span>
          <span className="env-header__key">born</span> <Shown text={dob} />
        </span>
      )}
      {sex && (
        <span>
          <span className="env-header__key">sex</span> <Shown text={sex} />
        </span>
      )}
      {id && (
        <span>
          <span className="env-header__key">ID</span> <Shown text={id} />
        </span>
      )}
    </p>
  );
}

function detailTabs(result: OpenResult, filesSeen: boolean): DetailsTab[] {
  const { report, envelope } = result;
  const counts = checkCounts(report);
  const failed = counts.find((c) => c.status === 'fail');
  const warned = counts.find((c) => c.status === 'warn' || c.status === 'unverifiable');
  const hasReport = envelope.payloadAvailable && reportPdfPath(result) !== null;
  return [
    {
      id: 'trust',
      label: 'Trust checks',
      badge: failed
        ? { text: `✗ ${failed.count} failed`, tone: 'fail' }
        : warned
          ? { text: `! ${warned.count} ${warned.word}`, tone: 'warn' }
          : { text: '✓', tone: 'pass' },
      content: <TrustChecks report={report} />,
    },
    { id: 'patient', label: 'Patient', content: <PatientDetails result={result} /> },
    { id: 'study', label: 'Study', content: <StudyDetails result={result} /> },
    { id: 'people', label: 'Sender and recipients', content: <PeopleDetails result={result} /> },
    { id: 'envelope', label: 'About this envelope', content: <EnvelopeDetails result={result} /> },
    { id: 'audit', label: 'Audit trail', content: <AuditDetails result={result} /> },
    {
      id: 'files',
      label: hasReport ? 'Files and report' : 'Files',
      content: <PayloadFiles result={result} showReport={filesSeen} />,
    },
  ];
}

export function EnvelopeView() {
  const result = useOpener((s) => s.result);
  const busy = useOpener((s) => s.busy);
  const error = useOpener((s) => s.error);
  const closeEnvelope = useOpener((s) => s.closeEnvelope);
  const heading = useRef<HTMLHeadingElement>(null);
  const [tab, setTab] = useState('trust');
  const [filesSeen, setFilesSeen] = useState(false);
  // Reading a report beside the images needs more than a third of the screen.
  const [wideDetails, setWideDetails] = useState(false);
  // Keyboard and screen-reader users land on the envelope, not at the top of a page that changed under them.
  useEffect(() => heading.current?.focus(), []);
  if (!result) return null;
  const { envelope, report } = result;
  const needsKey = envelope.encrypted && !envelope.payloadAvailable;
  const withViewer = hasImages(result);

  const select = (id: string) => {
    setTab(id);
    if (id === 'files') setFilesSeen(true);
  };
  const showChecks = () => {
    select('trust');
    // After React shows the panel: the checks tab takes focus, the next Tab reads the checks.
    requestAnimationFrame(() => document.getElementById(tabDomId(TABS_PREFIX, 'trust'))?.focus());
  };

  const widen = withViewer ? (
    <button type="button" className="env-details__widen" aria-pressed={wideDetails} onClick={() => setWideDetails((w) => !w)}>
      Wide panel
    </button>
  ) : null;
  const details = (
    <DetailsTabs
      label="Envelope details"
      tabs={detailTabs(result, filesSeen)}
      selected={tab}
      onSelect={select}
      idPrefix={TABS_PREFIX}
      extra={widen}
    />
  );

  return (
    <main className={`envelope ${withViewer ? 'envelope--viewer' : 'envelope--details'}`} aria-busy={busy}>
      <header className="env-header">
        <div className="env-header__who">
          <h1 ref={heading} tabIndex={-1}>
            Envelope{' '}
            <span className="mono">
              <Shown text={envelope.id ?? envelope.carrier.name} />
            </span>
          </h1>
          <PatientLine result={result} />
        </div>
        <div className="env-header__actions">
          {envelope.payloadAvailable && <SaveStudyButton result={result} />}
          <button type="button" onClick={closeEnvelope}>
            Close envelope
          </button>
        </div>
      </header>
      <VerdictBar report={report} result={result} onShowChecks={showChecks} />
      {report.coverage.uncoveredFiles.length > 0 && (
        <p className="not-covered env-alert" role="note">
          {report.coverage.uncoveredFiles.length === envelope.payload.length
            ? 'No check covers the payload files (images and report included)'
            : `${report.coverage.uncoveredFiles.length} of the ${envelope.payload.length} payload files are not covered by any check`}
          : what is shown may not be what the sender sent. The files are listed under Trust checks.
        </p>
      )}
      {error && (
        <p role="alert" className="key-error env-alert">
          <Shown text={error} />
        </p>
      )}
      {busy && <ProgressPanel inline />}
      {withViewer ? (
        <div className={`env-body${wideDetails ? ' env-body--wide-details' : ''}`}>
          <ViewerSlot result={result} />
          <aside className="env-details" aria-label="Envelope details">
            {details}
          </aside>
        </div>
      ) : (
        <div className="env-scroll">
          <div className="env-main">
            {needsKey && <KeyPrompt />}
            <section className="env-details env-details--main" aria-label="Envelope details">
              {details}
            </section>
          </div>
        </div>
      )}
    </main>
  );
}
