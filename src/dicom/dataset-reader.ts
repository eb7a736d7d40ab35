// Typed reads of a parsed dataset: strings, text in the file's character set, numbers, geometry.
import type { DataSet, Element } from 'dicom-parser';

const decoders = new Map<string, TextDecoder>();
function decoder(label: string): TextDecoder {
  let d = decoders.get(label);
  if (!d) {
    d = new TextDecoder(label);
    decoders.set(label, d);
  }
  return d;
}

export interface Reader {
  str(tag: string): string | null;
  text(tag: string): string | null;
  int(tag: string): number | null;
  us(tag: string): number | null;
  floats(tag: string, count: number): number[] | null;
  floatList(tag: string): number[];
}

export function reader(ds: DataSet): Reader {
  const charset = (ds.string('x00080005') ?? '').toUpperCase();
  const encoding = charset.includes('ISO_IR 192') ? 'utf-8' : 'windows-1252';
  const present = (tag: string): Element | null => {
    const e = ds.elements[tag];
    return e && e.length > 0 && e.dataOffset + e.length <= ds.byteArray.length ? e : null;
  };
  const str = (tag: string): string | null => {
    if (!present(tag)) return null;
    const v = ds.string(tag);
    return v === undefined || v === '' ? null : v;
  };
  return {
    str,
    // Person names and descriptions may use the Specific Character Set; decode rather than read latin1.
    text(tag) {
      const e = present(tag);
      if (!e) return null;
      const raw = ds.byteArray.subarray(e.dataOffset, e.dataOffset + e.length);
      const v = decoder(encoding)
        .decode(raw)
        .replace(/[\0 ]+$/, '')
        .trim();
      return v === '' ? null : v;
    },
    int(tag) {
      const v = str(tag);
      if (v === null) return null;
      const n = Number.parseInt(v.split('\\')[0]!, 10);
      return Number.isFinite(n) ? n : null;
    },
    us(tag) {
      const e = present(tag);
      if (!e) return null;
      // Implicit VR files give no VR; US/SS attributes here are all 2 bytes.
      return e.length >= 2 ? (ds.uint16(tag) ?? null) : null;
    },
    floats(tag, count) {
      const v = str(tag);
      if (v === null) return null;
      const parts = v.split('\\').map((p) => Number.parseFloat(p));
      if (parts.length !== count || parts.some((n) => !Number.isFinite(n))) return null;
      return parts;
    },
    floatList(tag) {
      const v = str(tag);
      if (v === null) return [];
      return v
        .split('\\')
        .map((p) => Number.parseFloat(p))
        .filter((n) => Number.isFinite(n));
    },
  };
}

/** First item's dataset of a sequence element, if any. */
function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/** Enhanced multi-frame objects keep geometry in functional groups; read it from there as a fallback. */
export function functionalGroupGeometry(ds: DataSet): {
  position: number[] | null;
  orientation: number[] | null;
  spacing: number[] | null;
} {
  const shared = firstItem(ds, 'x52009229');
  const perFrame = firstItem(ds, 'x52009230');
  const pick = (seqTag: string, tag: string, count: number): number[] | null => {
    for (const group of [perFrame, shared]) {
      const item = firstItem(group, seqTag);
      if (item) {
        const v = reader(item).floats(tag, count);
        if (v) return v;
      }
    }
    return null;
  };
  return {
    position: pick('x00209113', 'x00200032', 3),
    orientation: pick('x00209116', 'x00200037', 6),
    spacing: pick('x00289110', 'x00280030', 2),
  };
}
