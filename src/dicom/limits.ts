// How much DICOM the viewer will hold: past these, a header is damaged or crafted, not a real study.

/** Frames in one DICOM instance (NumberOfFrames). US cine and enhanced CT/MR reach a few thousand,
 *  whole-slide microscopy tens of thousands. Every frame becomes an entry in the series' frame
 *  list, so a header declaring 999,999,999 would otherwise hang the open and exhaust memory. */
export const MAX_FRAMES_PER_INSTANCE = 100_000;

/** Frames in the whole payload. The frame list (about 100 bytes a frame) is built in memory and
 *  copied from the worker to the page; a million frames is some 100 MB, far beyond any study
 *  (a large CT is a few thousand slices) and still safe to hold and copy. */
export const MAX_TOTAL_FRAMES = 1_000_000;
