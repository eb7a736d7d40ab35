// Synthetic, obviously-fake DICOM for fixtures, the demo and the benchmark: one study holding a
// CT chest series (16-bit signed), an MR head series (16-bit unsigned) and an RGB ultrasound
// multi-frame. Pure TS (runs in Node and browsers). Deterministic for a given seed.
import {
  el,
  prng,
  seededUid,
  TS_EXPLICIT_LE,
  TS_IMPLICIT_LE,
  writeDicomFile,
  type DicomElement,
} from './dicom-writer.ts';

export const SOP_CT = '1.2.840.10008.5.1.4.1.1.2';
export const SOP_MR = '1.2.840.10008.5.1.4.1.1.4';
export const SOP_US_MULTIFRAME = '1.2.840.10008.5.1.4.1.1.3.1';

export interface SyntheticPatient {
  name: string;
  id: string;
  birthDate: string;
  sex: string;
}

export interface SyntheticFile {
  /** Path relative to payload/. */
  path: string;
  bytes: Uint8Array;
}

export interface SyntheticSeriesInfo {
  seriesUid: string;
  modality: string;
  description: string;
  /** Number of files (instances). */
  count: number;
  /** Number of displayable frames. */
  frames: number;
}

export interface SyntheticStudy {
  files: SyntheticFile[];
  study: {
    studyUid: string;
    patient: SyntheticPatient;
    description: string;
    accession: string;
    date: string;
    series: SyntheticSeriesInfo[];
  };
}

export interface SyntheticStudyOptions {
  seed?: number;
  ctSlices?: number;
  ctSize?: number;
  mrSlices?: number;
  mrSize?: number;
  usFrames?: number;
  patient?: Partial<SyntheticPatient>;
  studyDescription?: string;
  accession?: string;
  studyDate?: string;
  /** Give CT files instance numbers and names in a seeded random order unrelated to geometry. */
  shuffleCt?: boolean;
  /** Write the first MR instance as Implicit VR Little Endian (default true). */
  implicitVrFirstMr?: boolean;
  /** Folder prefix for the files (default 'dicom'). */
  folder?: string;
}

export const DEFAULT_PATIENT: SyntheticPatient = {
  name: 'SYNTHETIC^PATIENT',
  id: 'SYN-0001',
  birthDate: '19700101',
  sex: 'O',
};

export interface StudyContext {
  seed: number;
  studyUid: string;
  patient: SyntheticPatient;
  description: string;
  accession: string;
  date: string;
  time: string;
}

export function studyContext(seed: number, opts: SyntheticStudyOptions = {}): StudyContext {
  return {
    seed,
    studyUid: seededUid(seed, 'study'),
    patient: { ...DEFAULT_PATIENT, ...opts.patient },
    description: opts.studyDescription ?? 'SYNTHETIC CT CHEST, MR HEAD, US NECK',
    accession: opts.accession ?? `SYN${String(seed).padStart(6, '0')}`,
    date: opts.studyDate ?? '20240102',
    time: '101500',
  };
}

function studyElements(ctx: StudyContext): DicomElement[] {
  return [
    el(0x00080005, 'CS', 'ISO_IR 100'),
    el(0x00080020, 'DA', ctx.date),
    el(0x00080030, 'TM', ctx.time),
    el(0x00080050, 'SH', ctx.accession),
    el(0x00080070, 'LO', 'JMIX Viewer synthetic'),
    el(0x00080090, 'PN', ''),
    el(0x00081030, 'LO', ctx.description),
    el(0x00100010, 'PN', ctx.patient.name),
    el(0x00100020, 'LO', ctx.patient.id),
    el(0x00100030, 'DA', ctx.patient.birthDate),
    el(0x00100040, 'CS', ctx.patient.sex),
    el(0x0020000d, 'UI', ctx.studyUid),
    el(0x00200010, 'SH', '1'),
  ];
}

interface SeriesHeader {
  seriesUid: string;
  modality: string;
  description: string;
  bodyPart: string;
  seriesNumber: number;
}

function seriesInfo(s: SeriesHeader, count: number, frames: number): SyntheticSeriesInfo {
  return { seriesUid: s.seriesUid, modality: s.modality, description: s.description, count, frames };
}

function seriesElements(s: SeriesHeader, ctx: StudyContext): DicomElement[] {
  return [
    el(0x00080021, 'DA', ctx.date),
    el(0x00080031, 'TM', ctx.time),
    el(0x00080060, 'CS', s.modality),
    el(0x0008103e, 'LO', s.description),
    el(0x00180015, 'CS', s.bodyPart),
    el(0x0020000e, 'UI', s.seriesUid),
    el(0x00200011, 'IS', s.seriesNumber),
  ];
}

function grayscaleImageElements(rows: number, cols: number, signed: boolean): DicomElement[] {
  return [
    el(0x00280002, 'US', 1),
    el(0x00280004, 'CS', 'MONOCHROME2'),
    el(0x00280010, 'US', rows),
    el(0x00280011, 'US', cols),
    el(0x00280100, 'US', 16),
    el(0x00280101, 'US', 16),
    el(0x00280102, 'US', 15),
    el(0x00280103, 'US', signed ? 1 : 0),
  ];
}

/** Draws `count` small squares in rows of ten from the top-left corner: the slice/frame number. */
function drawCountMarker(
  count: number,
  width: number,
  height: number,
  put: (index: number) => void,
): void {
  const sq = Math.max(2, Math.round(width / 100));
  const step = sq * 2;
  for (let i = 0; i < count; i++) {
    const x0 = step + (i % 10) * step;
    const y0 = step + Math.floor(i / 10) * step;
    for (let y = y0; y < y0 + sq && y < height; y++) {
      for (let x = x0; x < x0 + sq && x < width; x++) put(y * width + x);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CT chest phantom. Values are Hounsfield units stored directly as signed raw values
// (RescaleSlope 1, RescaleIntercept 0), so air is negative and a viewer that ignores
// PixelRepresentation shows it wrong.

export const CT_FOV_MM = 350;
export const CT_SLICE_THICKNESS_MM = 2.5;

export const HU = {
  air: -1000,
  lung: -850,
  fat: -100,
  soft: 40,
  heart: 45,
  contrast: 180,
  cancellous: 700,
  cortical: 1000,
  csf: 15,
  marker: 1500,
} as const;

function inEllipse(x: number, y: number, cx: number, cy: number, a: number, b: number): boolean {
  if (a <= 0 || b <= 0) return false;
  const dx = (x - cx) / a;
  const dy = (y - cy) / b;
  return dx * dx + dy * dy <= 1;
}

/**
 * HU of one CT slice, row-major. `index` is the geometric slice (0 = lowest z), `count` the series
 * length; the anatomy changes smoothly with index/count so scrolling visibly moves things.
 */
export function ctSlicePixels(index: number, count: number, size: number, seed: number): Int16Array {
  const out = new Int16Array(size * size);
  const t = count > 1 ? index / (count - 1) : 0.5;
  const mm = CT_FOV_MM / size;
  const rand = prng(seed * 7919 + index);
  const bump = Math.sin(Math.PI * t);
  const bodyA = 150 + 10 * bump;
  const bodyB = 105 + 6 * bump;
  const lung = 0.25 + 0.75 * bump;
  const heartScale = Math.max(0, 1 - ((t - 0.55) / 0.35) ** 2);
  const aortaY = 45 - 20 * t;
  const vessels: [number, number][] = [];
  for (let v = 0; v < 6; v++) {
    const angle = (v / 6) * 2 * Math.PI + t * 1.5;
    const side = v % 2 === 0 ? -70 : 70;
    vessels.push([side + 22 * lung * Math.cos(angle), -5 + 35 * lung * Math.sin(angle)]);
  }
  for (let row = 0; row < size; row++) {
    const y = (row - size / 2 + 0.5) * mm;
    for (let col = 0; col < size; col++) {
      const x = (col - size / 2 + 0.5) * mm;
      let hu: number;
      if (!inEllipse(x, y, 0, 10, bodyA, bodyB)) {
        hu = HU.air;
      } else if (!inEllipse(x, y, 0, 10, bodyA - 12, bodyB - 12)) {
        hu = HU.fat;
      } else {
        hu = HU.soft;
        if (inEllipse(x, y, -70, -5, 45 * lung, 70 * lung) || inEllipse(x, y, 70, -5, 45 * lung, 70 * lung)) {
          hu = HU.lung;
          for (const [vx, vy] of vessels) {
            if (inEllipse(x, y, vx, vy, 3, 3)) hu = 60;
          }
        }
        if (inEllipse(x, y, -15, -15, 45 * heartScale, 38 * heartScale)) hu = HU.heart;
        if (inEllipse(x, y, 22, aortaY, 11, 11)) hu = HU.contrast;
        if (inEllipse(x, y, 0, 80, 20, 20)) {
          hu = inEllipse(x, y, 0, 80, 16, 16) ? HU.cancellous : HU.cortical;
        } else if (inEllipse(x, y, 0, 103, 14, 11)) {
          hu = inEllipse(x, y, 0, 101, 7, 6) ? HU.csf : 800;
        }
      }
      // Mild noise so it looks like an image, not a drawing.
      out[row * size + col] = hu + Math.round((rand() - 0.5) * 16);
    }
  }
  drawCountMarker(index + 1, size, size, (i) => {
    out[i] = HU.marker;
  });
  return out;
}

export interface CtSeriesOptions {
  studyContext?: StudyContext;
  seriesUid?: string;
  seriesNumber?: number;
  shuffle?: boolean;
  folder?: string;
}

/** A CT series of n slices, size×size. Files are named IM0001.dcm... in InstanceNumber order. */
export function syntheticCtSeries(
  n: number,
  size = 512,
  seed = 1,
  opts: CtSeriesOptions = {},
): { seriesUid: string; studyUid: string; files: SyntheticFile[] } {
  const ctx = opts.studyContext ?? studyContext(seed);
  const series: SeriesHeader = {
    seriesUid: opts.seriesUid ?? seededUid(seed, 'series-ct'),
    modality: 'CT',
    description: `CT CHEST ${CT_SLICE_THICKNESS_MM} mm`,
    bodyPart: 'CHEST',
    seriesNumber: opts.seriesNumber ?? 2,
  };
  const frameOfReference = seededUid(seed, 'for-ct');
  // instanceOf[geometricIndex] = instance number (1-based).
  const instanceOf = Array.from({ length: n }, (_, i) => i + 1);
  if (opts.shuffle) {
    const rand = prng(seed * 31 + 17);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [instanceOf[i], instanceOf[j]] = [instanceOf[j]!, instanceOf[i]!];
    }
  }
  const spacing = CT_FOV_MM / size;
  const origin = -((size - 1) * spacing) / 2;
  const shared = [
    ...studyElements(ctx),
    ...seriesElements(series, ctx),
    ...grayscaleImageElements(size, size, true),
    el(0x00080008, 'CS', ['ORIGINAL', 'PRIMARY', 'AXIAL']),
    el(0x00080016, 'UI', SOP_CT),
    el(0x00180050, 'DS', CT_SLICE_THICKNESS_MM),
    el(0x00180060, 'DS', 120),
    el(0x00185100, 'CS', 'HFS'),
    el(0x00200037, 'DS', [1, 0, 0, 0, 1, 0]),
    el(0x00200052, 'UI', frameOfReference),
    el(0x00201040, 'LO', ''),
    el(0x00280030, 'DS', [spacing, spacing]),
    el(0x00281050, 'DS', 40),
    el(0x00281051, 'DS', 400),
    el(0x00281052, 'DS', 0),
    el(0x00281053, 'DS', 1),
    el(0x00281054, 'LO', 'HU'),
  ];
  const folder = opts.folder ?? 'dicom/ct';
  const files: SyntheticFile[] = [];
  for (let k = 0; k < n; k++) {
    const instance = instanceOf[k]!;
    const z = -200 + k * CT_SLICE_THICKNESS_MM;
    const sopInstanceUid = seededUid(seed, `ct-${series.seriesUid}-${k}`);
    const bytes = writeDicomFile({
      sopClassUid: SOP_CT,
      sopInstanceUid,
      elements: [
        ...shared,
        el(0x00080018, 'UI', sopInstanceUid),
        el(0x00200013, 'IS', instance),
        el(0x00200032, 'DS', [origin, origin, z]),
        el(0x00201041, 'DS', z),
        el(0x7fe00010, 'OW', ctSlicePixels(k, n, size, seed)),
      ],
    });
    files.push({ path: `${folder}/IM${String(instance).padStart(4, '0')}.dcm`, bytes });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { seriesUid: series.seriesUid, studyUid: ctx.studyUid, files };
}

// ---------------------------------------------------------------------------------------------
// MR head phantom, 16-bit unsigned, T1-like contrast.

export function mrSlicePixels(index: number, count: number, size: number, seed: number): Uint16Array {
  const out = new Uint16Array(size * size);
  const t = count > 1 ? index / (count - 1) : 0.5;
  const mm = 240 / size;
  const rand = prng(seed * 104729 + index);
  // The head narrows towards the vertex (high t).
  const s = Math.sqrt(Math.max(0.05, 1 - ((t - 0.3) / 0.85) ** 2));
  const a = 75 * s;
  const b = 95 * s;
  const ventricle = Math.max(0, 1 - ((t - 0.5) / 0.3) ** 2);
  const eyes = Math.max(0, 1 - (t / 0.25) ** 2);
  for (let row = 0; row < size; row++) {
    const y = (row - size / 2 + 0.5) * mm;
    for (let col = 0; col < size; col++) {
      const x = (col - size / 2 + 0.5) * mm;
      let v = 0;
      if (inEllipse(x, y, 0, 0, a, b)) {
        v = 900; // scalp fat
        if (inEllipse(x, y, 0, 0, a - 5, b - 5)) v = 60; // skull
        if (inEllipse(x, y, 0, 0, a - 10, b - 10)) {
          v = 520; // grey matter
          if (inEllipse(x, y, 0, 5, (a - 10) * 0.75, (b - 10) * 0.75)) v = 700; // white matter
          if (inEllipse(x, y, -9, -5, 5 * ventricle, 22 * ventricle) || inEllipse(x, y, 9, -5, 5 * ventricle, 22 * ventricle)) {
            v = 150; // CSF
          }
        }
      }
      if (inEllipse(x, y, -30, -95, 12 * eyes, 12 * eyes) || inEllipse(x, y, 30, -95, 12 * eyes, 12 * eyes)) v = 200;
      const noisy = v + Math.round((rand() - 0.5) * (v > 0 ? 40 : 10));
      out[row * size + col] = Math.max(0, noisy);
    }
  }
  drawCountMarker(index + 1, size, size, (i) => {
    out[i] = 1000;
  });
  return out;
}

function mrSeries(ctx: StudyContext, n: number, size: number, implicitFirst: boolean, folder: string): { info: SyntheticSeriesInfo; files: SyntheticFile[] } {
  const series: SeriesHeader = {
    seriesUid: seededUid(ctx.seed, 'series-mr'),
    modality: 'MR',
    description: 'MR HEAD T1 AX',
    bodyPart: 'HEAD',
    seriesNumber: 3,
  };
  const slices = Array.from({ length: n }, (_, k) => mrSlicePixels(k, n, size, ctx.seed));
  let min = Infinity;
  let max = -Infinity;
  for (const px of slices) {
    for (let i = 0; i < px.length; i++) {
      const v = px[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const spacing = 240 / size;
  const origin = -((size - 1) * spacing) / 2;
  const shared = [
    ...studyElements(ctx),
    ...seriesElements(series, ctx),
    ...grayscaleImageElements(size, size, false),
    el(0x00080008, 'CS', ['ORIGINAL', 'PRIMARY', 'M', 'ND']),
    el(0x00080016, 'UI', SOP_MR),
    el(0x00180020, 'CS', 'SE'),
    el(0x00180050, 'DS', 5),
    el(0x00185100, 'CS', 'HFS'),
    el(0x00200037, 'DS', [1, 0, 0, 0, 1, 0]),
    el(0x00200052, 'UI', seededUid(ctx.seed, 'for-mr')),
    el(0x00201040, 'LO', ''),
    el(0x00280030, 'DS', [spacing, spacing]),
    el(0x00281050, 'DS', Math.round((min + max) / 2)),
    el(0x00281051, 'DS', Math.max(1, max - min)),
  ];
  const files = slices.map((px, k) => {
    const sopInstanceUid = seededUid(ctx.seed, `mr-${k}`);
    const z = 20 + k * 5;
    const bytes = writeDicomFile({
      sopClassUid: SOP_MR,
      sopInstanceUid,
      transferSyntax: implicitFirst && k === 0 ? TS_IMPLICIT_LE : TS_EXPLICIT_LE,
      elements: [
        ...shared,
        el(0x00080018, 'UI', sopInstanceUid),
        el(0x00200013, 'IS', k + 1),
        el(0x00200032, 'DS', [origin, origin, z]),
        el(0x00201041, 'DS', z),
        el(0x7fe00010, 'OW', px),
      ],
    });
    return { path: `${folder}/IM${String(k + 1).padStart(4, '0')}.dcm`, bytes };
  });
  return { info: seriesInfo(series, n, n), files };
}

// ---------------------------------------------------------------------------------------------
// Ultrasound: 8-bit RGB multi-frame, a B-mode sector with a pulsing colour-doppler vessel.

export function usFramePixels(frame: number, frames: number, cols: number, rows: number, seed: number): Uint8Array {
  const out = new Uint8Array(cols * rows * 3);
  const phase = (2 * Math.PI * frame) / Math.max(1, frames);
  const rand = prng(seed * 15485863 + frame);
  const apexX = cols / 2;
  const apexY = rows * 0.04;
  const maxR = rows * 0.93;
  const halfAngle = (40 * Math.PI) / 180;
  const sweep = 0.08 * Math.sin(phase); // the probe rocks a little
  const vx = cols / 2 + cols * 0.09 * Math.sin(phase);
  const vy = rows * 0.5;
  const pulse = 0.7 + 0.3 * Math.sin(phase);
  const flowRed = Math.cos(phase) >= 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const dx = x - apexX;
      const dy = y - apexY;
      const r = Math.sqrt(dx * dx + dy * dy);
      const angle = Math.atan2(dx, dy) - sweep;
      const o = (y * cols + x) * 3;
      if (dy <= 0 || r < rows * 0.08 || r > maxR || Math.abs(angle) > halfAngle) continue;
      let g = (1 - r / maxR) * 150 + 40;
      g *= 0.55 + 0.9 * rand(); // speckle
      if (inEllipse(x, y, vx, vy, cols * 0.1, rows * 0.07)) g *= 0.12; // vessel lumen
      const gray = Math.min(255, Math.max(0, Math.round(g)));
      out[o] = gray;
      out[o + 1] = gray;
      out[o + 2] = gray;
      if (inEllipse(x, y, vx, vy, cols * 0.085 * pulse, rows * 0.055 * pulse)) {
        const c = 140 + Math.round(115 * pulse);
        out[o] = flowRed ? c : 20;
        out[o + 1] = 30;
        out[o + 2] = flowRed ? 20 : c;
      }
    }
  }
  drawCountMarker(frame + 1, cols, rows, (i) => {
    out[i * 3] = 255;
    out[i * 3 + 1] = 255;
    out[i * 3 + 2] = 0;
  });
  return out;
}

function usSeries(ctx: StudyContext, frames: number, folder: string): { info: SyntheticSeriesInfo; files: SyntheticFile[] } {
  const cols = 320;
  const rows = 240;
  const series: SeriesHeader = {
    seriesUid: seededUid(ctx.seed, 'series-us'),
    modality: 'US',
    description: 'US NECK CAROTID DOPPLER',
    bodyPart: 'NECK',
    seriesNumber: 4,
  };
  const pixels = new Uint8Array(cols * rows * 3 * frames);
  for (let f = 0; f < frames; f++) pixels.set(usFramePixels(f, frames, cols, rows, ctx.seed), f * cols * rows * 3);
  const sopInstanceUid = seededUid(ctx.seed, 'us-0');
  const bytes = writeDicomFile({
    sopClassUid: SOP_US_MULTIFRAME,
    sopInstanceUid,
    elements: [
      ...studyElements(ctx),
      ...seriesElements(series, ctx),
      el(0x00080008, 'CS', ['ORIGINAL', 'PRIMARY']),
      el(0x00080016, 'UI', SOP_US_MULTIFRAME),
      el(0x00080018, 'UI', sopInstanceUid),
      el(0x00181063, 'DS', 40),
      el(0x00200013, 'IS', 1),
      el(0x00280002, 'US', 3),
      el(0x00280004, 'CS', 'RGB'),
      el(0x00280006, 'US', 0),
      el(0x00280008, 'IS', frames),
      el(0x00280009, 'AT', 0x00181063),
      el(0x00280010, 'US', rows),
      el(0x00280011, 'US', cols),
      el(0x00280100, 'US', 8),
      el(0x00280101, 'US', 8),
      el(0x00280102, 'US', 7),
      el(0x00280103, 'US', 0),
      el(0x7fe00010, 'OB', pixels),
    ],
  });
  return { info: seriesInfo(series, 1, frames), files: [{ path: `${folder}/IM0001.dcm`, bytes }] };
}

// ---------------------------------------------------------------------------------------------

export function syntheticStudy(opts: SyntheticStudyOptions = {}): SyntheticStudy {
  const seed = opts.seed ?? 1;
  const ctx = studyContext(seed, opts);
  const folder = opts.folder ?? 'dicom';
  const ctSlices = opts.ctSlices ?? 40;
  const ct = syntheticCtSeries(ctSlices, opts.ctSize ?? 512, seed, {
    studyContext: ctx,
    shuffle: opts.shuffleCt ?? false,
    folder: `${folder}/ct`,
  });
  const mr = mrSeries(ctx, opts.mrSlices ?? 20, opts.mrSize ?? 256, opts.implicitVrFirstMr ?? true, `${folder}/mr`);
  const us = usSeries(ctx, opts.usFrames ?? 12, `${folder}/us`);
  const ctInfo: SyntheticSeriesInfo = {
    seriesUid: ct.seriesUid,
    modality: 'CT',
    description: `CT CHEST ${CT_SLICE_THICKNESS_MM} mm`,
    count: ctSlices,
    frames: ctSlices,
  };
  return {
    files: [...ct.files, ...mr.files, ...us.files],
    study: {
      studyUid: ctx.studyUid,
      patient: ctx.patient,
      description: ctx.description,
      accession: ctx.accession,
      date: ctx.date,
      series: [ctInfo, mr.info, us.info],
    },
  };
}
