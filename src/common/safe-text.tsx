// Envelope text on screen (names, ids, file names, descriptions) may hold bidi controls: U+202E makes
// "report\u202Efdp.exe" read "reportexe.pdf". In the page each one is shown, not obeyed: it sits
// alone in its own <bdi>, so its effect ends there, and its code is drawn in front of it by CSS
// (safe-text.css). The text keeps its characters, so copying a name copies what the sender wrote.
// Attributes (aria-label) cannot hold elements: they get the code as text (escapeBidi).
import { createElement, type ReactNode } from 'react';
import './safe-text.css';

// Embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069), and the marks (U+200E LRM,
// U+200F RLM, U+061C ALM), the same set the CLI escapes.
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const BIDI_CONTROLS = new RegExp(BIDI_CONTROL.source, 'g');

/** `\u202E`: how a control is written where it is shown. */
export function bidiCode(control: string): string {
  return `\\u${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with every bidi control written as its code: for attributes and other plain strings. */
export function escapeBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, bidiCode);
}

/** A name for a downloaded file: no control of any kind (bidi included), no folder separators. */
export function downloadName(name: string, fallback: string): string {
  const cleaned = name.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069/\\]/g, '').trim();
  return cleaned || fallback;
}

/**
 * Envelope text as a React child. Text without bidi controls is returned as it is (no extra element);
 * with them, the whole is isolated from its surroundings and each control is isolated and labelled.
 */
export function Shown({ text }: { text: string | null | undefined }): ReactNode {
  if (!text || !BIDI_CONTROL.test(text)) return text ?? null;
  const parts: ReactNode[] = [];
  let from = 0;
  for (const match of text.matchAll(BIDI_CONTROLS)) {
    if (match.index > from) parts.push(text.slice(from, match.index));
    const code = bidiCode(match[0]);
    parts.push(
      createElement(
        'bdi',
        { key: match.index, className: 'bidi-control', 'data-code': code, title: `Hidden direction control ${code}` },
        match[0],
      ),
    );
    from = match.index + 1;
  }
  if (from < text.length) parts.push(text.slice(from));
  return createElement('bdi', { className: 'bidi-text' }, ...parts);
}
