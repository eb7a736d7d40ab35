// The viewer's shortcuts (OHIF conventions), as one table: the keyboard handler looks keys up here
// and the help dialog lists the same rows, so the two cannot drift apart. Pure data, no DOM.
import { BUILTIN_PRESETS } from './viewerModel.ts';

export type KeyAction =
  | 'previousImage'
  | 'nextImage'
  | 'previousPage'
  | 'nextPage'
  | 'firstImage'
  | 'lastImage'
  | 'previousSeries'
  | 'nextSeries'
  | 'preset'
  | 'invert'
  | 'rotate'
  | 'flipHorizontal'
  | 'flipVertical'
  | 'reset'
  | 'deleteSelected'
  | 'help';

export interface Shortcut {
  /** The keys or gestures, as the help dialog shows them. */
  keys: string;
  /** What they do, as the help dialog says it. */
  description: string;
  /** KeyboardEvent.key values and their actions; none for mouse and touch gestures. */
  bindings: Readonly<Record<string, KeyAction>>;
}

// Presets 1-5 take their keys from the presets themselves.
const presetBindings: Record<string, KeyAction> = Object.fromEntries(
  BUILTIN_PRESETS.flatMap((p) => (p.key ? [[p.key, 'preset' as const]] : [])),
);

export const KEYMAP: readonly Shortcut[] = [
  {
    keys: 'Mouse wheel, ↑ / ↓, Page Up / Page Down',
    description: 'Previous / next image',
    bindings: { ArrowUp: 'previousImage', ArrowDown: 'nextImage', PageUp: 'previousPage', PageDown: 'nextPage' },
  },
  { keys: 'Home / End', description: 'First / last image', bindings: { Home: 'firstImage', End: 'lastImage' } },
  { keys: '[ / ]', description: 'Previous / next series', bindings: { '[': 'previousSeries', ']': 'nextSeries' } },
  { keys: 'Left drag', description: 'Active tool (window/level by default)', bindings: {} },
  { keys: 'Right drag', description: 'Zoom', bindings: {} },
  { keys: 'Middle drag', description: 'Pan', bindings: {} },
  { keys: '1 – 5', description: 'Window presets: soft tissue, lung, bone, brain, image default', bindings: presetBindings },
  { keys: 'I', description: 'Invert', bindings: { i: 'invert', I: 'invert' } },
  { keys: 'R', description: 'Rotate 90°', bindings: { r: 'rotate', R: 'rotate' } },
  {
    keys: 'H / V',
    description: 'Flip horizontal / vertical',
    bindings: { h: 'flipHorizontal', H: 'flipHorizontal', v: 'flipVertical', V: 'flipVertical' },
  },
  // Space on a focused button presses the button instead (see StudyViewer).
  { keys: 'Space or Escape', description: 'Reset view', bindings: { ' ': 'reset', Escape: 'reset' } },
  { keys: 'Delete', description: 'Delete the selected measurement', bindings: { Delete: 'deleteSelected', Backspace: 'deleteSelected' } },
  { keys: '?', description: 'Show or hide this list', bindings: { '?': 'help' } },
  { keys: 'One finger', description: 'Scroll images (touch)', bindings: {} },
  { keys: 'Pinch / two fingers', description: 'Zoom / pan (touch)', bindings: {} },
];

const byKey = new Map<string, KeyAction>(KEYMAP.flatMap((s) => Object.entries(s.bindings)));

/** The action a key stands for, or null when it is not a shortcut. */
export function actionForKey(key: string): KeyAction | null {
  return byKey.get(key) ?? null;
}
