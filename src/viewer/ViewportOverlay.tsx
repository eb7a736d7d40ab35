// The four corner overlays over the image: patient, study, series and image, window and zoom.
import { Shown } from '../common/safe-text.tsx';
import type { OverlayText } from './viewerModel.ts';

function Corner({ className, lines }: { className: string; lines: string[] }) {
  return (
    <div className={`jv-corner ${className}`}>
      {lines.map((t) => (
        // Names and descriptions come from the envelope: bidi controls are shown, not obeyed.
        <div key={t}>
          <Shown text={t} />
        </div>
      ))}
    </div>
  );
}

export function ViewportOverlay({ text }: { text: OverlayText }) {
  return (
    <div className="jv-overlay" data-testid="overlay">
      <Corner className="jv-tl" lines={text.topLeft} />
      <Corner className="jv-tr" lines={text.topRight} />
      <Corner className="jv-bl" lines={text.bottomLeft} />
      <Corner className="jv-br" lines={text.bottomRight} />
    </div>
  );
}
