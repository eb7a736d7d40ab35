// Findings about the input, shared by the envelope core and the DICOM index.

export type Severity = 'error' | 'warning' | 'info';

/** One finding about the input: what, where (file + JSON pointer), in words a person can act on. */
export interface Problem {
  severity: Severity;
  file: string;
  pointer: string;
  message: string;
  /**
   * Set on a carrier problem that makes the envelope unusable as evidence although it could be read
   * (a second gzip member, data after the tar end blocks): the structure check then fails.
   */
  fatal?: true;
}
