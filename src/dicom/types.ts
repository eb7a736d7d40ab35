// The study model: what the DICOM headers say, grouped and ordered. The headers are the truth;
// metadata.json is only the sender's claim.
import type { Problem } from '../common/problem.ts';

export interface DicomPatient {
  name: string | null;
  id: string | null;
  birthDate: string | null;
  sex: string | null;
}

export interface DicomInstance {
  /** Path relative to payload/. */
  path: string;
  sopInstanceUid: string | null;
  sopClassUid: string | null;
  transferSyntaxUid: string | null;
  instanceNumber: number | null;
  frameCount: number;
  rows: number | null;
  columns: number | null;
  bitsAllocated: number | null;
  pixelRepresentation: number | null;
  samplesPerPixel: number | null;
  photometricInterpretation: string | null;
  imagePositionPatient: number[] | null;
  imageOrientationPatient: number[] | null;
  pixelSpacing: number[] | null;
  sliceLocation: number | null;
  windowCenter: number[];
  windowWidth: number[];
  /** Position along the series' slice normal, when geometry allows ordering by it. */
  normalPosition: number | null;
}

/** One displayable image: an instance, or one frame of a multi-frame instance. */
export interface DicomFrame {
  path: string;
  /** 0-based frame inside the instance. */
  frame: number;
  instance: DicomInstance;
}

export interface DicomSeries {
  seriesUid: string;
  seriesNumber: number | null;
  modality: string | null;
  description: string | null;
  bodyPart: string | null;
  /** Ordered by slice normal, then InstanceNumber, then file order. */
  instances: DicomInstance[];
  /** instances expanded into frames, in display order. */
  frames: DicomFrame[];
  /** How the order was decided: 'geometry' | 'instance-number' | 'file-order'. */
  orderedBy: 'geometry' | 'instance-number' | 'file-order';
}

export interface DicomStudy {
  studyUid: string;
  description: string | null;
  date: string | null;
  time: string | null;
  accessionNumber: string | null;
  patient: DicomPatient;
  series: DicomSeries[];
}

export interface DicomIndex {
  studies: DicomStudy[];
  /** Payload files that are not DICOM images, with why. */
  nonDicom: { path: string; reason: string }[];
  /** DICOMDIR files (index, not images). */
  dicomdir: string[];
  /** Files that share a SOP Instance UID: all are kept, and this says so. */
  duplicateSopInstances: { sopInstanceUid: string; paths: string[] }[];
  problems: Problem[];
}
