// What the toolbar and the shortcuts do to the stack viewport: scroll, window, invert, rotate, flip, reset.
import type { StackViewport } from '@cornerstonejs/core';
import { voiToRange, type WindowPreset } from './viewerModel.ts';

/** Move `delta` images, stopping at either end. */
export function scrollBy(vp: StackViewport, delta: number): void {
  const n = vp.getImageIds().length;
  if (n < 2) return;
  const target = Math.max(0, Math.min(n - 1, vp.getCurrentImageIdIndex() + delta));
  void vp.setImageIdIndex(target).catch(() => undefined);
}

/** The next image, back to the first after the last (cine). */
export function stepLooping(vp: StackViewport): void {
  const n = vp.getImageIds().length;
  if (n < 2) return;
  void vp.setImageIdIndex((vp.getCurrentImageIdIndex() + 1) % n).catch(() => undefined);
}

export function applyPreset(vp: StackViewport, preset: WindowPreset): void {
  if (preset.center !== null && preset.width !== null) {
    vp.setProperties({ voiRange: voiToRange(preset.center, preset.width) });
  } else {
    const image = vp.getCornerstoneImage();
    const wc = Array.isArray(image?.windowCenter) ? image.windowCenter[0] : image?.windowCenter;
    const ww = Array.isArray(image?.windowWidth) ? image.windowWidth[0] : image?.windowWidth;
    if (typeof wc === 'number' && typeof ww === 'number' && Number.isFinite(wc) && ww > 0) {
      vp.setProperties({ voiRange: voiToRange(wc, ww) });
    } else if (image) {
      // No window in the file: show the full pixel range.
      vp.setProperties({ voiRange: { lower: image.minPixelValue, upper: Math.max(image.maxPixelValue, image.minPixelValue + 1) } });
    }
  }
  vp.render();
}

export function toggleInvert(vp: StackViewport): void {
  vp.setProperties({ invert: !vp.getProperties().invert });
  vp.render();
}

export function rotate(vp: StackViewport): void {
  const rotation = vp.getViewPresentation().rotation ?? 0;
  vp.setViewPresentation({ rotation: (rotation + 90) % 360 });
  vp.render();
}

export function flip(vp: StackViewport, axis: 'h' | 'v'): void {
  const cam = vp.getCamera();
  vp.setCamera(axis === 'h' ? { flipHorizontal: !cam.flipHorizontal } : { flipVertical: !cam.flipVertical });
  vp.render();
}

export function resetView(vp: StackViewport): void {
  vp.resetCamera();
  vp.resetProperties();
  vp.render();
}
