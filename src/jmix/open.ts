// The one pipeline: source -> carrier -> envelope documents -> payload (plain, or decrypted) ->
// payload documents -> verification -> the model. Each stage is a module of its own in stages/;
// checks are small functions in checks/. Integrity and decryption failures never throw: they become
// checks in the report, and the verdict follows from the checks. Only input that cannot be used at
// all throws an EnvelopeError.
import type { OpenOptions, OpenResult } from './api.ts';
import { coverageOf } from './checks/coverage.ts';
import { readCarrier } from './stages/carrier.ts';
import { createContext } from './stages/context.ts';
import { openPayload } from './stages/decrypt.ts';
import { readDocuments } from './stages/documents.ts';
import { indexPayload, resolveReport } from './stages/index-payload.ts';
import { readPayloadDocuments } from './stages/payload-documents.ts';
import { verify } from './stages/verify.ts';
import type { Envelope, EnvelopeSource } from './types.ts';
import { buildReport } from './verdict.ts';

export async function openEnvelope(source: EnvelopeSource, options: OpenOptions = {}): Promise<OpenResult> {
  const ctx = createContext(options);
  const carrier = await readCarrier(source, ctx);
  const docs = await readDocuments(carrier, ctx);
  const payloaded = await openPayload(docs, ctx);
  ctx.abortIfCancelled();
  const { payload } = payloaded;
  const inPayload = await readPayloadDocuments(payload, ctx);
  const verified = await verify(carrier, docs, payloaded, inPayload, ctx);
  const dicom = await indexPayload(payload, payloaded.digests.headers ?? verified.headers, docs.encrypted && payload === null, ctx);

  const { manifest } = docs;
  const { metadata } = inPayload;
  const report = resolveReport(metadata?.reportFile ?? manifest.reportFile, inPayload.byPath, payload !== null);
  if (report && !report.present && report.declared) {
    ctx.problems.push({
      severity: 'warning',
      file: metadata?.reportFile ? 'payload/metadata.json' : 'manifest.json',
      pointer: '/report/file',
      message: `The report "${report.declared}" is referenced but is not in the payload.`,
    });
  }
  const { located } = carrier;
  const envelope: Envelope = {
    id: manifest.id,
    dialect: verified.dialect,
    encrypted: docs.encrypted,
    payloadAvailable: payload !== null,
    carrier: { kind: carrier.carrier.kind, name: carrier.carrier.name, root: located.root, ignored: located.ignored },
    manifest,
    manifestBytes: docs.manifestBytes,
    metadata,
    audit: docs.audit.entries,
    filesJson: inPayload.filesJson,
    payload: payload ?? [],
    report,
    decryption: payloaded.decryption,
  };
  const coverage = coverageOf({ payload, checks: ctx.checks, hasAudit: docs.audit.present });
  const { dialect, evidence } = verified;
  return {
    envelope,
    report: buildReport({
      dialect,
      evidence,
      encrypted: docs.encrypted,
      envelopeId: manifest.id,
      checks: ctx.checks,
      coverage,
      problems: ctx.problems,
      now: ctx.now,
    }),
    dicom,
  };
}
