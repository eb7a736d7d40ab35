// How a result is written for people (text) and for programs (--json). Pure: no Node APIs, so the
// browser's "Download report (JSON)" can use the same shape.
import type { OpenResult } from '../jmix/api.ts';
import type { Entity, Patient } from '../jmix/types.ts';
import { escapeControls, escapeControlsInJson } from '../jmix/display-text.ts';

export function resultPatient(r: OpenResult): (Omit<Patient, 'name'> & { name: string | null }) | null {
  const p = r.envelope.metadata?.patient ?? r.envelope.manifest.patient;
  if (p) return { ...p, name: p.name?.text ?? ([...(p.name?.given ?? []), p.name?.family].filter(Boolean).join(' ') || null) };
  const d = r.dicom?.studies[0]?.patient;
  return d ? { id: d.id, name: d.name, dob: d.birthDate, sex: d.sex, identifiers: [], source: 'DICOM headers' } : null;
}

export function resultJson(r: OpenResult) {
  return {
    ...r.report,
    patient: resultPatient(r),
    studies: (r.dicom?.studies ?? []).map((s) => ({
      studyUid: s.studyUid,
      description: s.description,
      date: s.date,
      patient: s.patient,
      series: s.series.map((se) => ({
        seriesUid: se.seriesUid,
        modality: se.modality,
        description: se.description,
        bodyPart: se.bodyPart,
        instances: se.instances.length,
        frames: se.frames.length,
      })),
    })),
    payloadFiles: r.envelope.payload.map((f) => ({ path: f.path, size: f.size })),
  };
}

const MARK: Record<string, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', 'not-present': '  - ', unverifiable: ' ?? ' };

function entity(e: Entity | null): string {
  if (!e) return '(none)';
  const contact = typeof e.contact === 'string' ? e.contact : e.contact ? `${e.contact.system}: ${e.contact.value}` : '';
  return `${e.name ?? '(no name)'} [${e.id ?? 'no id'}]${contact ? ` <${contact}>` : ''}`;
}

export function describeResult(r: OpenResult, withChecks: boolean): string {
  const { envelope: env, report } = r;
  const m = env.manifest;
  const lines: string[] = [];
  lines.push(`${report.verdict.toUpperCase()}: ${report.headline}`);
  lines.push(
    `Envelope ${env.id ?? '(no id)'}  dialect ${report.dialect}${report.dialectEvidence.length ? ` (${report.dialectEvidence.slice(0, 3).join('; ')})` : ''}`,
  );
  lines.push(
    `Carrier: ${env.carrier.kind} ${env.carrier.name}${env.carrier.root ? `, root ${env.carrier.root}` : ''}; ${env.encrypted ? `encrypted${env.decryption ? ` (decrypted with "${env.decryption.infoString}")` : ''}` : 'not encrypted'}`,
  );
  lines.push(`Created: ${m.timestamp ?? '(no timestamp)'}  Classification: ${m.classification ?? '(none)'}`);
  lines.push(`Sender: ${entity(m.sender)}`);
  if (m.requester) lines.push(`Requester: ${entity(m.requester)}`);
  for (const [i, rcv] of m.receivers.entries()) lines.push(`Receiver ${i + 1}: ${entity(rcv)}`);
  const p = resultPatient(r);
  if (p)
    lines.push(
      `Patient: ${p.name ?? '(no name)'}  ID ${p.id ?? '-'}  DOB ${p.dob ?? '-'}  Sex ${p.sex ?? '-'}${p.identifiers.map((i) => `  ${i.label ?? i.system ?? 'id'} ${i.value}`).join('')}  (from ${p.source})`,
    );
  for (const s of r.dicom?.studies ?? []) {
    lines.push(
      `Study ${s.studyUid}: ${s.description ?? '(no description)'} ${s.date ?? ''}  patient in DICOM: ${s.patient.name ?? '-'} (${s.patient.id ?? '-'})`,
    );
    for (const se of s.series)
      lines.push(
        `  ${(se.modality ?? '??').padEnd(3)} ${se.instances.length} image(s)${se.frames.length !== se.instances.length ? `, ${se.frames.length} frames` : ''}  ${se.description ?? ''}  ${se.seriesUid}`,
      );
  }
  if (env.report) lines.push(`Report: ${env.report.present ? env.report.path : `${env.report.declared} (referenced but missing)`}`);
  if (withChecks) {
    lines.push('', 'Checks:');
    for (const c of report.checks) {
      lines.push(`  [${MARK[c.status]}] ${c.id}: ${c.title}`);
      if (c.status !== 'pass' && c.status !== 'not-present') lines.push(`         ${c.detail}`);
    }
    const warnings = report.problems.filter((x) => x.severity !== 'info' && !x.message.includes('not a field the JMIX schema'));
    if (warnings.length) {
      lines.push('', 'Problems:');
      for (const w of warnings.slice(0, 30)) lines.push(`  ${w.severity}: ${w.file}${w.pointer}: ${w.message}`);
    }
  }
  // Envelope text goes to a terminal. Every line above is one element, so any newline inside an
  // element came from the envelope: escaping each element whole (newlines, ANSI escapes, bidi
  // controls) means envelope text can neither start a line of its own (a fake "PASS: Genuine and
  // complete") nor repaint or reorder what is shown.
  return lines.map(escapeControls).join('\n');
}

/** --json output: JSON.stringify escapes C0 controls; the bidi and C1 controls it leaves raw are escaped too. */
export function jsonForTerminal(value: unknown): string {
  return escapeControlsInJson(JSON.stringify(value, null, 2));
}
