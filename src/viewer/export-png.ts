// "Download image": the viewport's canvas as a PNG, with the corner overlays burnt in when they are shown.
import type { StackViewport } from '@cornerstonejs/core';
import { escapeBidi } from '../common/safe-text.tsx';
import type { OverlayText } from './viewerModel.ts';

/** Save what the viewport shows as `fileName`, on black, with `overlay` drawn over it when given. */
export function downloadViewportPng(vp: StackViewport, overlay: OverlayText | null, fileName: string): void {
  const src = vp.getCanvas();
  const out = document.createElement('canvas');
  out.width = src.width;
  out.height = src.height;
  const ctx = out.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(src, 0, 0);
  if (overlay) drawOverlay(ctx, overlay, out.width, out.height);
  const a = document.createElement('a');
  a.download = fileName;
  a.href = out.toDataURL('image/png');
  a.click();
}

/** Burn the corner overlays into an exported PNG, as they appear on screen. */
function drawOverlay(ctx: CanvasRenderingContext2D, text: OverlayText, w: number, h: number): void {
  const size = Math.max(11, Math.round(Math.min(w, h) / 40));
  const line = Math.round(size * 1.3);
  const pad = Math.round(size * 0.6);
  ctx.font = `${size}px system-ui, sans-serif`;
  ctx.fillStyle = '#fff';
  ctx.shadowColor = '#000';
  ctx.shadowBlur = 3;
  const block = (lines: string[], x: number, top: boolean, align: CanvasTextAlign) => {
    ctx.textAlign = align;
    lines.forEach((t, i) => {
      const y = top ? pad + size + i * line : h - pad - (lines.length - 1 - i) * line;
      // A canvas cannot isolate a bidi control as the page does: it is drawn as its code instead.
      ctx.fillText(escapeBidi(t), x, y);
    });
  };
  block(text.topLeft, pad, true, 'left');
  block(text.topRight, w - pad, true, 'right');
  block(text.bottomLeft, pad, false, 'left');
  block(text.bottomRight, w - pad, false, 'right');
}
