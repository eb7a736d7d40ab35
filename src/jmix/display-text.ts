// Envelope text shown to a person: the characters that could change how the rest of a line reads
// are made visible instead of acting. Pure and DOM-free: the CLI escapes every field it prints with
// it, and the page uses it for names and file names (bidi controls).
//
// What is escaped and why:
// - C0 controls (U+0000–U+001F, newline and tab included) and DEL: a newline can print a fake
//   "PASS: Genuine and complete" line, ESC starts terminal sequences that repaint the screen.
// - C1 controls (U+0080–U+009F): U+009B is a one-character CSI in some terminals.
// - Bidi controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, U+200E/U+200F
//   marks, U+061C Arabic letter mark): "report\u202Efdp.exe" displays as "reportexe.pdf".
// - Line and paragraph separators (U+2028/U+2029): line breaks in many renderers.

const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** `\xHH` for the C0/C1 range (as terminals and `printable` show them), `\uHHHH` above it. */
function visible(c: string): string {
  const code = c.charCodeAt(0);
  const hex = code.toString(16).toUpperCase();
  return code <= 0xff ? `\\x${hex.toLowerCase().padStart(2, '0')}` : `\\u${hex.padStart(4, '0')}`;
}

/** `s` with every control, bidi control and line separator shown as an escape (see above). */
export function escapeControls(s: string): string {
  return s.replace(CONTROLS, visible);
}

// JSON.stringify already escapes C0 but leaves DEL, C1, bidi controls and U+2028/9 raw. These can
// only occur inside string literals of its output, where \uHHHH is a valid escape for the same
// character, so the JSON still parses to the very same values.
const JSON_RAW_CONTROLS = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** JSON text (from JSON.stringify) with the controls it leaves raw written as \uHHHH escapes. */
export function escapeControlsInJson(json: string): string {
  return json.replace(JSON_RAW_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}
