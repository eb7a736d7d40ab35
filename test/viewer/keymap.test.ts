// The viewer's one keymap table: the keys the handler acts on and the rows the help dialog lists.
import { describe, expect, it } from 'vitest';
import { actionForKey, KEYMAP } from '../../src/viewer/keymap.ts';
import { BUILTIN_PRESETS } from '../../src/viewer/viewerModel.ts';

describe('viewer keymap', () => {
  it('binds every shortcut key to its action, in either case for letters', () => {
    const expected: Record<string, string> = {
      ArrowUp: 'previousImage',
      ArrowDown: 'nextImage',
      PageUp: 'previousPage',
      PageDown: 'nextPage',
      Home: 'firstImage',
      End: 'lastImage',
      '[': 'previousSeries',
      ']': 'nextSeries',
      '1': 'preset',
      '2': 'preset',
      '3': 'preset',
      '4': 'preset',
      '5': 'preset',
      i: 'invert',
      I: 'invert',
      r: 'rotate',
      R: 'rotate',
      h: 'flipHorizontal',
      H: 'flipHorizontal',
      v: 'flipVertical',
      V: 'flipVertical',
      ' ': 'reset',
      Escape: 'reset',
      Delete: 'deleteSelected',
      Backspace: 'deleteSelected',
      '?': 'help',
    };
    for (const [key, action] of Object.entries(expected)) expect(actionForKey(key), key).toBe(action);
    const bound = KEYMAP.flatMap((s) => Object.keys(s.bindings));
    expect(bound.sort()).toEqual(Object.keys(expected).sort());
    expect(actionForKey('x')).toBeNull();
    expect(actionForKey('Tab')).toBeNull();
  });

  it('gives each window preset key to that preset, and no key to two rows', () => {
    for (const p of BUILTIN_PRESETS) if (p.key) expect(actionForKey(p.key)).toBe('preset');
    const bound = KEYMAP.flatMap((s) => Object.keys(s.bindings));
    expect(new Set(bound).size).toBe(bound.length);
  });

  it('lists every row in the help dialog, keyboard and pointer alike', () => {
    expect(KEYMAP.map((s) => [s.keys, s.description])).toEqual([
      ['Mouse wheel, ↑ / ↓, Page Up / Page Down', 'Previous / next image'],
      ['Home / End', 'First / last image'],
      ['[ / ]', 'Previous / next series'],
      ['Left drag', 'Active tool (window/level by default)'],
      ['Right drag', 'Zoom'],
      ['Middle drag', 'Pan'],
      ['1 – 5', 'Window presets: soft tissue, lung, bone, brain, image default'],
      ['I', 'Invert'],
      ['R', 'Rotate 90°'],
      ['H / V', 'Flip horizontal / vertical'],
      ['Space or Escape', 'Reset view'],
      ['Delete', 'Delete the selected measurement'],
      ['?', 'Show or hide this list'],
      ['One finger', 'Scroll images (touch)'],
      ['Pinch / two fingers', 'Zoom / pan (touch)'],
    ]);
    // Row keys are React keys in the dialog: they must be unique.
    expect(new Set(KEYMAP.map((s) => s.keys)).size).toBe(KEYMAP.length);
  });
});
