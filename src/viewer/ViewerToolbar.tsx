// The viewer's toolbar: tool modes, view actions, window presets, cine, measurements, panels.
import { MODES, type Mode } from './tool-group.ts';
import type { WindowPreset } from './viewerModel.ts';

export interface ViewerToolbarProps {
  mode: Mode;
  onMode: (mode: Mode) => void;
  inverted: boolean;
  onInvert: () => void;
  onRotate: () => void;
  onFlip: (axis: 'h' | 'v') => void;
  onReset: () => void;
  presets: WindowPreset[];
  presetChoice: string;
  onPreset: (id: string) => void;
  /** Images in the stack: cine needs two. */
  imageCount: number;
  cine: boolean;
  onCine: () => void;
  fps: number;
  onFps: (fps: number) => void;
  annotationCount: number;
  onDeleteAll: () => void;
  overlays: boolean;
  onOverlays: () => void;
  showTags: boolean;
  onTags: () => void;
  canDownload: boolean;
  onDownload: () => void;
  showHelp: boolean;
  onHelp: () => void;
}

export function ViewerToolbar(p: ViewerToolbarProps) {
  return (
    <div className="jv-toolbar" role="toolbar" aria-label="Viewer tools">
      {MODES.map(({ mode: m, label }) => (
        <button key={m} type="button" aria-pressed={p.mode === m} onClick={() => p.onMode(m)}>
          {label}
        </button>
      ))}
      <span className="jv-sep" />
      <button type="button" aria-pressed={p.inverted} onClick={p.onInvert}>
        Invert
      </button>
      <button type="button" onClick={p.onRotate}>
        Rotate
      </button>
      <button type="button" onClick={() => p.onFlip('h')}>
        Flip horizontal
      </button>
      <button type="button" onClick={() => p.onFlip('v')}>
        Flip vertical
      </button>
      <button type="button" onClick={p.onReset}>
        Reset
      </button>
      <label className="jv-preset">
        Window preset
        <select value={p.presetChoice} onChange={(e) => p.onPreset(e.target.value)}>
          <option value="">Choose…</option>
          {p.presets.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.key ? `${preset.key}: ` : ''}
              {preset.label}
            </option>
          ))}
        </select>
      </label>
      <span className="jv-sep" />
      <button type="button" aria-pressed={p.cine} disabled={p.imageCount < 2} onClick={p.onCine}>
        {p.cine ? 'Pause cine' : 'Play cine'}
      </button>
      <label className="jv-fps">
        Frames per second
        <input type="number" min={1} max={60} value={p.fps} onChange={(e) => p.onFps(Number(e.target.value))} />
      </label>
      <span className="jv-sep" />
      <button type="button" onClick={p.onDeleteAll} disabled={p.annotationCount === 0}>
        Delete measurements
      </button>
      <button type="button" aria-pressed={p.overlays} onClick={p.onOverlays}>
        Toggle overlays
      </button>
      <button type="button" aria-pressed={p.showTags} onClick={p.onTags}>
        Tag inspector
      </button>
      <button type="button" onClick={p.onDownload} disabled={!p.canDownload}>
        Download image
      </button>
      <button type="button" aria-pressed={p.showHelp} onClick={p.onHelp}>
        Keyboard shortcuts
      </button>
    </div>
  );
}
