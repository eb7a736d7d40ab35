// Who sent what, about whom. Every string here comes from the envelope and is rendered as text,
// through <Shown> (bidi controls shown, not obeyed).
import type { ReactNode } from 'react';
import type { OpenResult } from '../jmix/api.ts';
import type { AuditEntry, Entity, Patient } from '../jmix/types.ts';
import { contactText, identifierLabel, personNameText } from './format.ts';
import { Shown } from '../common/safe-text.tsx';

function Field({ label, children }: { label: string; children: ReactNode }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <>
      <dt>
        <Shown text={label} />
      </dt>
      <dd>{typeof children === 'string' ? <Shown text={children} /> : children}</dd>
    </>
  );
}

function PatientSection({ patient, hidden }: { patient: Patient | null; hidden: boolean }) {
  return (
    <section aria-labelledby="patient-heading">
      <h2 id="patient-heading">Patient</h2>
      {patient ? (
        <dl>
          <Field label="Name">{personNameText(patient.name)}</Field>
          <Field label="Date of birth">{patient.dob}</Field>
          <Field label="Sex">{patient.sex}</Field>
          <Field label="Patient ID">{patient.id}</Field>
          {patient.identifiers.map((id, i) => (
            <Field key={i} label={identifierLabel(id)}>
              {id.value}
            </Field>
          ))}
          <Field label="Told by">{patient.source}</Field>
        </dl>
      ) : (
        <p className="muted">
          {hidden ? 'The patient details are inside the encrypted part of the envelope.' : 'The envelope names no patient.'}
        </p>
      )}
    </section>
  );
}

function EntityBlock({ role, entity }: { role: string; entity: Entity }) {
  return (
    <div className="entity">
      <h3>{role}</h3>
      <dl>
        <Field label="Name">{entity.name}</Field>
        <Field label="ID">{entity.id}</Field>
        <Field label="Contact">{contactText(entity.contact)}</Field>
        <Field label="Signing key">
          {entity.assertion?.signingKey ? `${entity.assertion.signingKey.alg} ${entity.assertion.signingKey.fingerprint}` : null}
        </Field>
        <Field label="Assertion expires">{entity.assertion?.expiresAt ?? null}</Field>
      </dl>
    </div>
  );
}

function who(p: AuditEntry['by']): string | null {
  if (!p) return null;
  return p.name ?? p.id;
}

function AuditTimeline({ audit }: { audit: AuditEntry[] }) {
  if (audit.length === 0) return <p className="muted">The envelope has no audit trail.</p>;
  return (
    <ol className="timeline">
      {audit.map((entry, i) => (
        <li key={i}>
          <strong>
            <Shown text={entry.event} />
          </strong>
          {entry.timestamp && (
            <>
              {' '}
              <time dateTime={entry.timestamp}>
                <Shown text={entry.timestamp} />
              </time>
            </>
          )}
          {who(entry.by) && (
            <>
              {' '}
              · by <Shown text={who(entry.by)} />
            </>
          )}
          {who(entry.to) && (
            <>
              {' '}
              · to <Shown text={who(entry.to)} />
            </>
          )}
          {entry.assertion && <> · signed</>}
        </li>
      ))}
    </ol>
  );
}

function SeriesList({ result }: { result: OpenResult }) {
  const { dicom, envelope } = result;
  if (dicom && dicom.studies.length > 0) {
    return (
      <div className="table-scroll" tabIndex={0} role="group" aria-label="Series">
        <table className="series">
          <caption className="visually-hidden">Series found in the DICOM files</caption>
          <thead>
            <tr>
              <th scope="col">Modality</th>
              <th scope="col">Body part</th>
              <th scope="col">Description</th>
              <th scope="col">Images</th>
            </tr>
          </thead>
          <tbody>
            {dicom.studies.flatMap((study) =>
              study.series.map((s) => (
                <tr key={`${study.studyUid}/${s.seriesUid}`}>
                  <td>
                    <Shown text={s.modality ?? '—'} />
                  </td>
                  <td>
                    <Shown text={s.bodyPart ?? '—'} />
                  </td>
                  <td>
                    <Shown text={s.description ?? '—'} />
                  </td>
                  <td>
                    {s.instances.length}
                    {s.frames.length !== s.instances.length && <> ({s.frames.length} frames)</>}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    );
  }
  const claims = envelope.metadata?.study?.series ?? [];
  if (claims.length > 0) {
    return (
      <>
        <p className="muted">As declared by the sender (the DICOM files could not be read yet):</p>
        <ul>
          {claims.map((s, i) => (
            <li key={i}>
              <Shown text={[s.modality, s.bodyPart, s.description].filter(Boolean).join(' · ') || 'Series'} />
              {s.instanceCount !== null && <> — {s.instanceCount} images</>}
            </li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <p className="muted">
      {envelope.payloadAvailable ? 'No DICOM series were found.' : 'The series are listed once the envelope is decrypted.'}
    </p>
  );
}

function TagList({ items }: { items: string[] }) {
  if (items.length === 0) return null;
  return (
    <ul className="tags">
      {items.map((t, i) => (
        <li key={i}>
          <Shown text={t} />
        </li>
      ))}
    </ul>
  );
}

/** Patient details as the envelope tells them (metadata.json, else the manifest). */
export function envelopePatient(result: OpenResult): Patient | null {
  return result.envelope.metadata?.patient ?? result.envelope.manifest.patient;
}

function isHidden(result: OpenResult): boolean {
  return result.envelope.encrypted && !result.envelope.payloadAvailable;
}

export function PatientDetails({ result }: { result: OpenResult }) {
  return <PatientSection patient={envelopePatient(result)} hidden={isHidden(result)} />;
}

export function StudyDetails({ result }: { result: OpenResult }) {
  const { envelope, dicom } = result;
  const firstStudy = dicom?.studies[0] ?? null;
  const study = envelope.metadata?.study ?? null;
  return (
    <section aria-labelledby="study-heading">
      <h2 id="study-heading">Study</h2>
      {study || firstStudy ? (
        <dl>
          <Field label="Description">{study?.description ?? firstStudy?.description ?? null}</Field>
          <Field label="Date">{study?.date ?? firstStudy?.date ?? null}</Field>
          <Field label="Study UID">{study?.studyUid ?? firstStudy?.studyUid ?? null}</Field>
          {dicom && dicom.studies.length > 1 && <Field label="Studies in the files">{dicom.studies.length}</Field>}
        </dl>
      ) : (
        <p className="muted">
          {isHidden(result)
            ? 'The study details are inside the encrypted part of the envelope.'
            : 'The envelope does not describe the study.'}
        </p>
      )}
      <h3>Series</h3>
      <SeriesList result={result} />
    </section>
  );
}

export function PeopleDetails({ result }: { result: OpenResult }) {
  const m = result.envelope.manifest;
  return (
    <section aria-labelledby="people-heading">
      <h2 id="people-heading">Sender and recipients</h2>
      {m.sender && <EntityBlock role="Sender" entity={m.sender} />}
      {m.requester && <EntityBlock role="Requester" entity={m.requester} />}
      {m.receivers.map((r, i) => (
        <EntityBlock key={i} role={m.receivers.length > 1 ? `Receiver ${i + 1}` : 'Receiver'} entity={r} />
      ))}
      {!m.sender && !m.requester && m.receivers.length === 0 && <p className="muted">The envelope names no sender or recipients.</p>}
    </section>
  );
}

export function EnvelopeDetails({ result }: { result: OpenResult }) {
  const { envelope } = result;
  const m = envelope.manifest;
  return (
    <section aria-labelledby="envelope-heading">
      <h2 id="envelope-heading">About this envelope</h2>
      <dl>
        <Field label="Envelope ID">{envelope.id}</Field>
        <Field label="Created">{m.timestamp}</Field>
        <Field label="JMIX version">{m.version}</Field>
        <Field label="Classification">{m.classification}</Field>
        <Field label="Consent">{m.consent?.status ?? null}</Field>
        <Field label="Consent scope">{m.consent && m.consent.scope.length > 0 ? m.consent.scope.join(', ') : null}</Field>
        <Field label="Consent method">{m.consent?.method ?? null}</Field>
        <Field label="Consent signed on">{m.consent?.signedOn ?? null}</Field>
        <Field label="De-identified fields">{m.deidKeys.length > 0 ? <TagList items={m.deidKeys} /> : null}</Field>
        <Field label="Tags">{m.customTags.length > 0 ? <TagList items={m.customTags} /> : null}</Field>
        <Field label="Carried in">{`${envelope.carrier.kind}: ${envelope.carrier.name}`}</Field>
      </dl>
    </section>
  );
}

export function AuditDetails({ result }: { result: OpenResult }) {
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit trail</h2>
      <AuditTimeline audit={result.envelope.audit} />
    </section>
  );
}
