// The one dicom-parser set-up: every reader of DICOM headers in the app (the worker's index, the
// tag inspector) parses through parseDataset, so they agree on inflation and on what they accept.
// Cornerstone's own part-10 reader still reads the pixels in the viewer.
import * as dicomParserModule from 'dicom-parser';
import type { DataSet, ParseDicomOptions } from 'dicom-parser';
import { inflateDataset } from './inflate.ts';

// dicom-parser is a UMD bundle: Node's ESM loader puts it on `default`, bundlers may not.
const dicomParser: typeof dicomParserModule =
  (dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule;

export const PIXEL_DATA = 'x7fe00010';
/** Float Pixel Data (7FE0,0008) and Double Float Pixel Data (7FE0,0009): parametric maps. */
export const FLOAT_PIXEL_DATA = 'x7fe00008';
export const DOUBLE_FLOAT_PIXEL_DATA = 'x7fe00009';
/** The three elements an image's pixels may be in; a dataset holds at most one of them. */
export const PIXEL_DATA_TAGS: readonly string[] = [PIXEL_DATA, FLOAT_PIXEL_DATA, DOUBLE_FLOAT_PIXEL_DATA];

export interface ParseOptions {
  /** Stop before Pixel Data (7FE0,0010): the header is all that is wanted. */
  headerOnly?: boolean;
  /** How a bare dataset (no file meta group) is encoded. */
  transferSyntax?: string | null;
  /** The VR of an Implicit VR element, which the file itself does not give. */
  vrCallback?: (tag: string) => string | undefined;
}

/** Parse a Part-10 file or a bare dataset; throws as dicom-parser does (strings and objects too). */
export function parseDataset(bytes: Uint8Array, options: ParseOptions = {}): DataSet {
  return dicomParser.parseDicom(bytes, {
    ...(options.headerOnly ? { untilTag: PIXEL_DATA } : {}),
    inflater: inflateDataset,
    ...(options.transferSyntax ? { TransferSyntaxUID: options.transferSyntax } : {}),
    ...(options.vrCallback ? { vrCallback: options.vrCallback } : {}),
  } as unknown as ParseDicomOptions);
}

/** The file meta group (0002) alone; `position` on the result is where the dataset starts. */
export function parseFileMeta(bytes: Uint8Array): DataSet {
  return dicomParser.readPart10Header(bytes);
}
