// The DICOM UIDs the readers decide by: transfer syntaxes and the storage classes that are images.

export const TS_IMPLICIT_LE = '1.2.840.10008.1.2';
export const TS_EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const TS_EXPLICIT_BE = '1.2.840.10008.1.2.2';
export const TS_DEFLATED = '1.2.840.10008.1.2.1.99';
export const SOP_CLASS_DICOMDIR = '1.2.840.10008.1.3.10';

// Transfer syntaxes the image loader decodes (native, deflate, JPEG baseline/extended/lossless,
// JPEG-LS, JPEG 2000, HTJ2K, RLE). Anything else opens as a header but cannot show its pixels.
export const DECODABLE_TRANSFER_SYNTAXES = new Set([
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.1.99',
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.202',
  '1.2.840.10008.1.2.4.203',
  '1.2.840.10008.1.2.5',
]);

const STORAGE = '1.2.840.10008.5.1.4.1.1.';
// Common image storage classes (CR, DX, MG, CT, MR, US, SC, NM, PET, XA, RF, VL...): without Pixel
// Data these are truncated files, not some other kind of object.
const IMAGE_STORAGE = new Set(
  ['1', '1.1', '1.1.1', '1.2', '1.2.1', '2', '2.1', '3.1', '4', '4.1', '6.1', '6.2', '7', '12.1', '12.2', '20', '128', '130'].map(
    (s) => STORAGE + s,
  ),
);

export function isImageStorageClass(uid: string | null): boolean {
  if (!uid) return false;
  return IMAGE_STORAGE.has(uid) || uid.startsWith(`${STORAGE}7.`) || uid.startsWith(`${STORAGE}77.1.`);
}
