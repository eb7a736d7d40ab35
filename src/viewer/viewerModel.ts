// Pure helpers for the viewer: series list, window presets, overlay text. No Cornerstone, no DOM.
import type { DicomFrame, DicomSeries, DicomStudy } from '../dicom/types.ts';

export interface SeriesEntry {
  key: string;
  study: DicomStudy;
  series: DicomSeries;
}

/** Every series that has at least one displayable frame, study by study. */
export function listSeries(studies: DicomStudy[]): SeriesEntry[] {
  const out: SeriesEntry[] = [];
  for (const study of studies) {
    for (const series of study.series) {
      if (series.frames.length > 0) out.push({ key: `${study.studyUid}|${series.seriesUid}`, study, series });
    }
  }
  return out;
}

export interface WindowPreset {
  /** Stable value for the <select>. */
  id: string;
  label: string;
  /** Keyboard key, when the preset has one. */
  key?: string;
  /** null = the image's own window (or its pixel range). */
  center: number | null;
  width: number | null;
}

// OHIF's CT presets on keys 1-4; 5 restores what the image itself asks for.
export const BUILTIN_PRESETS: WindowPreset[] = [
  { id: 'soft', label: 'CT soft tissue (40/400)', key: '1', center: 40, width: 400 },
  { id: 'lung', label: 'CT lung (-600/1500)', key: '2', center: -600, width: 1500 },
  { id: 'bone', label: 'CT bone (300/1500)', key: '3', center: 300, width: 1500 },
  { id: 'brain', label: 'CT brain (40/80)', key: '4', center: 40, width: 80 },
  { id: 'auto', label: 'Image default / MR', key: '5', center: null, width: null },
];

/** The DICOM's own WindowCenter/WindowWidth pairs for one frame, as extra presets. */
export function dicomPresets(frame: DicomFrame | undefined): WindowPreset[] {
  if (!frame) return [];
  const { windowCenter, windowWidth } = frame.instance;
  const n = Math.min(windowCenter.length, windowWidth.length);
  const out: WindowPreset[] = [];
  for (let i = 0; i < n; i++) {
    const c = windowCenter[i];
    const w = windowWidth[i];
    if (c === undefined || w === undefined || !Number.isFinite(c) || !Number.isFinite(w) || w <= 0) continue;
    out.push({ id: `dicom-${i}`, label: `From image ${i + 1} (${round(c)}/${round(w)})`, center: c, width: w });
  }
  return out;
}

export function voiToRange(center: number, width: number): { lower: number; upper: number } {
  return { lower: center - width / 2, upper: center + width / 2 };
}

export function rangeToVoi(lower: number, upper: number): { center: number; width: number } {
  return { center: (lower + upper) / 2, width: upper - lower };
}

export function round(n: number, digits = 0): string {
  const f = 10 ** digits;
  return String(Math.round(n * f) / f);
}

/** 'Doe^John^^Dr' -> 'Doe, John Dr'. */
export function formatPersonName(pn: string | null): string {
  if (!pn) return '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = pn.split('=')[0]!.split('^');
  const rest = [prefix, given, middle, suffix].filter(Boolean).join(' ');
  return family && rest ? `${family}, ${rest}` : family || rest;
}

/** '20240131' -> '2024-01-31'; anything else is shown as given. */
export function formatDicomDate(da: string | null): string {
  if (!da) return '';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da;
}

export interface ViewState {
  index: number;
  count: number;
  center: number | null;
  width: number | null;
  invert: boolean;
  zoom: number;
}

export interface OverlayText {
  topLeft: string[];
  topRight: string[];
  bottomLeft: string[];
  bottomRight: string[];
}

export function overlayText(entry: SeriesEntry, view: ViewState, patientLabel?: string): OverlayText {
  const { study, series } = entry;
  const frame = series.frames[view.index];
  const loc = frame?.instance.sliceLocation ?? frame?.instance.normalPosition ?? null;
  const patientName = patientLabel ?? formatPersonName(study.patient.name);
  return {
    topLeft: [patientName || 'Unnamed patient', study.patient.id ? `ID: ${study.patient.id}` : ''].filter(Boolean),
    topRight: [formatDicomDate(study.date), study.description ?? ''].filter(Boolean),
    bottomLeft: [
      [series.modality, series.description].filter(Boolean).join(' ') || 'Series',
      `Im ${view.index + 1} / ${view.count}`,
      loc !== null ? `Loc: ${round(loc, 2)} mm` : '',
    ].filter(Boolean),
    bottomRight: [
      view.center !== null && view.width !== null ? `W: ${round(view.width)} L: ${round(view.center)}` : '',
      `Zoom: ${round(view.zoom * 100)}%`,
    ].filter(Boolean),
  };
}

/** A human sentence for whatever a loader threw (Error, string, or the loader's own objects). */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    if ('error' in o && o.error !== e) return describeError(o.error);
    if (typeof o.message === 'string') return o.message;
    try {
      return JSON.stringify(e).slice(0, 300);
    } catch {
      return String(e);
    }
  }
  return String(e);
}

/** The loader's words, plus what they mean for a reader when we recognise them. */
export function explainDecodeError(e: unknown): string {
  // Decoder messages can dump whole tables; the first few hundred characters say what went wrong.
  const full = describeError(e);
  const raw = full.length > 300 ? `${full.slice(0, 300)}…` : full;
  if (/insufficient data|buffer is too small|out of range|beyond the end|exceeds/i.test(raw)) {
    return `This image could not be decoded: pixel data shorter than the header declares (the file looks truncated). ${raw}`;
  }
  return `This image could not be decoded: ${raw}`;
}
