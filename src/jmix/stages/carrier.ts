// Stage 1, the carrier: read the folder, zip or tar, and find the envelope root inside it.
import { EnvelopeError } from '../api.ts';
import { locateEnvelope, type LocatedEnvelope } from '../locate.ts';
import { readSource, type SourceContents } from '../sources.ts';
import type { EntryFile, EnvelopeSource } from '../types.ts';
import type { OpenContext } from './context.ts';

export interface CarrierStage {
  carrier: SourceContents;
  located: LocatedEnvelope;
  /** The envelope root folder's name (`<id>.JMIX`), or the carrier's name when it has none. */
  rootName: string;
  /** A file by its path relative to the envelope root. */
  at(path: string): EntryFile | undefined;
}

export async function readCarrier(source: EnvelopeSource, ctx: OpenContext): Promise<CarrierStage> {
  ctx.progress({ stage: 'reading', done: 0, total: 0 });
  const carrier = await readSource(source, ctx.signal, ctx.options.streamAbove?.zip);
  ctx.note(carrier.problems);
  ctx.progress({ stage: 'unpacking', done: 0, total: carrier.files.length });
  const located = locate(carrier);
  ctx.note(located.problems);
  ctx.abortIfCancelled();
  const rootName = located.root.replace(/\/$/, '').split('/').pop() || carrier.name;
  return { carrier, located, rootName, at: (p) => located.files.get(p) };
}

function locate(carrier: SourceContents): LocatedEnvelope {
  try {
    return locateEnvelope(carrier.files);
  } catch (e) {
    // "No manifest.json" alone hides why: say what broke in the carrier first (a bad tar header,
    // an unsupported compression method) when that is what cost us the manifest.
    const carrierError = carrier.problems.find((p) => p.severity === 'error');
    if (e instanceof EnvelopeError && e.code === 'no-manifest' && carrierError) {
      throw new EnvelopeError('corrupt-archive', `${carrierError.message} ${e.message}`, [...carrier.problems, ...e.problems]);
    }
    throw e;
  }
}
