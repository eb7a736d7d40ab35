// The diagnostic viewer: series browser, one Cornerstone3D stack viewport, toolbar, overlays,
// keyboard shortcuts (OHIF conventions), measurements, cine, tag inspector, PNG export.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Enums, eventTarget, type RenderingEngine, type StackViewport } from '@cornerstonejs/core';
import { annotation, Enums as ToolEnums, ToolGroupManager } from '@cornerstonejs/tools';
import type { DicomStudy } from '../dicom/types.ts';
import { createRenderingEngine, imageIdsForFrames, initCornerstone, isCpuRendering, prefetchAround, TOOL_NAMES } from './cornerstone.ts';
import { SeriesBrowser } from './SeriesBrowser.tsx';
import { TagInspector } from './TagInspector.tsx';
import {
  BUILTIN_PRESETS,
  describeError,
  dicomPresets,
  explainDecodeError,
  listSeries,
  overlayText,
  rangeToVoi,
  SHORTCUTS,
  voiToRange,
  type OverlayText,
  type ViewState,
  type WindowPreset,
} from './viewerModel.ts';
import './viewer.css';
import type { ReadPayloadFile } from './cornerstone.ts';

export interface StudyViewerProps {
  studies: DicomStudy[];
  readFile: ReadPayloadFile;
  patientLabel?: string;
}

type Mode = 'windowLevel' | 'zoom' | 'pan' | 'length' | 'angle' | 'rectangleRoi';
const MODES: { mode: Mode; label: string }[] = [
  { mode: 'windowLevel', label: 'Window/level' },
  { mode: 'zoom', label: 'Zoom' },
  { mode: 'pan', label: 'Pan' },
  { mode: 'length', label: 'Length' },
  { mode: 'angle', label: 'Angle' },
  { mode: 'rectangleRoi', label: 'Rectangle ROI' },
];

type Status = { kind: 'loading' } | { kind: 'rendered' } | { kind: 'error'; message: string } | { kind: 'empty' };

const VIEWPORT_ID = 'jmix-stack';
const MB = ToolEnums.MouseBindings;
let toolGroupCounter = 0;

const EMPTY_VIEW: ViewState = { index: 0, count: 0, center: null, width: null, invert: false, zoom: 1 };

function sameView(a: ViewState, b: ViewState): boolean {
  return (
    a.index === b.index && a.count === b.count && a.center === b.center && a.width === b.width && a.invert === b.invert && a.zoom === b.zoom
  );
}

function isTextEntry(el: EventTarget | null): boolean {
  return el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;
}

/** Loads and initialises Cornerstone ahead of time (while a payload decrypts), so the first image is not kept waiting. */
export function prepareViewer(): Promise<void> {
  return initCornerstone();
}

export default function StudyViewer({ studies, readFile, patientLabel }: StudyViewerProps) {
  const entries = useMemo(() => listSeries(studies), [studies]);
  const [seriesIndex, setSeriesIndex] = useState(0);
  const [engineReady, setEngineReady] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'loading' });
  const [view, setView] = useState<ViewState>(EMPTY_VIEW);
  const [mode, setMode] = useState<Mode>('windowLevel');
  const [overlays, setOverlays] = useState(true);
  const [showHelp, setShowHelp] = useState(false);
  const [showTags, setShowTags] = useState(false);
  const [cine, setCine] = useState(false);
  const [fps, setFps] = useState(10);
  const [annotationCount, setAnnotationCount] = useState(0);
  const [presetChoice, setPresetChoice] = useState('');

  const rootRef = useRef<HTMLDivElement>(null);
  const elementRef = useRef<HTMLDivElement>(null);
  const engineRef = useRef<RenderingEngine | null>(null);
  const toolGroupIdRef = useRef<string | null>(null);
  const stackIdsRef = useRef<string[]>([]);
  const modeRef = useRef<Mode>('windowLevel');
  const helpCloseRef = useRef<HTMLButtonElement>(null);

  const entry = entries[seriesIndex];
  const currentFrame = entry?.series.frames[view.index];

  const getViewport = useCallback((): StackViewport | null => {
    const engine = engineRef.current;
    if (!engine) return null;
    try {
      return (engine.getViewport(VIEWPORT_ID) as StackViewport | undefined) ?? null;
    } catch {
      return null;
    }
  }, []);

  // Read the viewport's state into data-* attributes (for tests and tooling) and the overlay.
  const syncView = useCallback(() => {
    const vp = getViewport();
    const el = elementRef.current;
    if (!vp || !el) return;
    const ids = vp.getImageIds();
    const props = vp.getProperties();
    const voi = props.voiRange ? rangeToVoi(props.voiRange.lower, props.voiRange.upper) : null;
    let zoom = 1;
    try {
      zoom = vp.getZoom();
    } catch {
      /* no image yet */
    }
    const next: ViewState = {
      index: vp.getCurrentImageIdIndex(),
      count: ids.length,
      center: voi ? voi.center : null,
      width: voi ? voi.width : null,
      invert: Boolean(props.invert),
      zoom,
    };
    el.dataset.sliceIndex = String(next.index);
    el.dataset.sliceCount = String(next.count);
    el.dataset.voi = voi ? `${voi.center},${voi.width}` : '';
    el.dataset.invert = String(next.invert);
    el.dataset.zoom = String(zoom);
    const cam = vp.getCamera();
    el.dataset.flipHorizontal = String(Boolean(cam.flipHorizontal));
    el.dataset.flipVertical = String(Boolean(cam.flipVertical));
    el.dataset.rotation = String(vp.getViewPresentation().rotation ?? 0);
    setView((prev) => (sameView(prev, next) ? prev : next));
  }, [getViewport]);

  // Mount: engine, viewport, tool group, listeners. Unmount: all of it destroyed.
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    let cancelled = false;
    let engine: RenderingEngine | null = null;
    let toolGroupId: string | null = null;
    let resizeObserver: ResizeObserver | null = null;
    // Cornerstone's keyboard listener on the viewport cancels every key, Tab included, which traps
    // keyboard users in the viewport. Tab is stopped on the way down (capture on the parent), so it
    // never reaches that listener and moves focus as usual.
    const stage = element.parentElement;
    const letTabThrough = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Tab' && e.target === element) e.stopPropagation();
    };
    stage?.addEventListener('keydown', letTabThrough, true);

    const onRender = () => {
      syncView();
      // "rendered" only when the image on screen is the one asked for: a failed load re-renders
      // the previous image (or the empty background), which must not count.
      const vp = getViewport();
      const wanted = vp?.getImageIds()[vp.getTargetImageIdIndex()];
      const shown = vp?.getCornerstoneImage()?.imageId;
      if (wanted && shown === wanted) setStatus((s) => (s.kind === 'rendered' ? s : { kind: 'rendered' }));
    };
    const onLoadError = (evt: Event) => {
      const detail = (evt as CustomEvent<{ imageId?: string; error?: unknown }>).detail;
      if (!detail?.imageId || !stackIdsRef.current.includes(detail.imageId)) return;
      const vp = getViewport();
      // Only the image on screen matters; a neighbour failing in the background is not news yet.
      if (vp && vp.getImageIds()[vp.getTargetImageIdIndex()] !== detail.imageId) return;
      setStatus({ kind: 'error', message: explainDecodeError(detail.error) });
    };
    // Neighbouring slices are loaded while this one is looked at; the count is on the element
    // (data-prefetched) for tests and diagnostics. A newer image supersedes an unfinished round.
    let prefetchRound = 0;
    const onNewImage = () => {
      const vp = getViewport();
      if (!vp) return;
      const round = ++prefetchRound;
      const ids = vp.getImageIds();
      const wanted = () => round === prefetchRound && !cancelled;
      void prefetchAround(ids, vp.getCurrentImageIdIndex(), wanted).then((n) => {
        if (wanted()) element.dataset.prefetched = String(n);
      });
    };
    const onAnnotationsChanged = () => {
      setAnnotationCount(annotation.state.getAllAnnotations().length);
    };

    (async () => {
      await initCornerstone();
      if (cancelled) return;
      engine = createRenderingEngine();
      engine.enableElement({
        viewportId: VIEWPORT_ID,
        type: Enums.ViewportType.STACK,
        element,
        defaultOptions: { background: [0, 0, 0] },
      });
      // Cornerstone sets tabindex=-1 on the element it enables, which takes the viewport out of the
      // Tab order: keyboard users need it there to reach the shortcut keys.
      element.tabIndex = 0;
      toolGroupCounter += 1;
      toolGroupId = `jmix-tools-${toolGroupCounter}`;
      const group = ToolGroupManager.createToolGroup(toolGroupId);
      if (!group) throw new Error(`Could not create the tool group ${toolGroupId}.`);
      for (const name of Object.values(TOOL_NAMES)) group.addTool(name);
      group.addViewport(VIEWPORT_ID, engine.id);
      group.setToolActive(TOOL_NAMES.windowLevel, { bindings: [{ mouseButton: MB.Primary }] });
      group.setToolActive(TOOL_NAMES.zoom, { bindings: [{ mouseButton: MB.Secondary }, { numTouchPoints: 2 }] });
      group.setToolActive(TOOL_NAMES.pan, { bindings: [{ mouseButton: MB.Auxiliary }] });
      group.setToolActive(TOOL_NAMES.stackScroll, { bindings: [{ mouseButton: MB.Wheel }, { numTouchPoints: 1 }] });
      // Passive measurement tools keep existing measurements selectable and editable.
      group.setToolPassive(TOOL_NAMES.length);
      group.setToolPassive(TOOL_NAMES.angle);
      group.setToolPassive(TOOL_NAMES.rectangleRoi);

      element.dataset.renderer = isCpuRendering() ? 'cpu' : 'gpu';
      for (const ev of [Enums.Events.IMAGE_RENDERED, Enums.Events.VOI_MODIFIED, Enums.Events.STACK_NEW_IMAGE, Enums.Events.CAMERA_MODIFIED]) {
        element.addEventListener(ev, ev === Enums.Events.IMAGE_RENDERED ? onRender : syncView);
      }
      eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
      element.addEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
      for (const ev of [ToolEnums.Events.ANNOTATION_COMPLETED, ToolEnums.Events.ANNOTATION_REMOVED, ToolEnums.Events.ANNOTATION_ADDED]) {
        eventTarget.addEventListener(ev, onAnnotationsChanged);
      }
      const current = engine;
      resizeObserver = new ResizeObserver(() => current.resize(true, true));
      resizeObserver.observe(element);

      engineRef.current = engine;
      toolGroupIdRef.current = toolGroupId;
      modeRef.current = 'windowLevel';
      setEngineReady(true);
    })().catch((e: unknown) => {
      if (!cancelled) setStatus({ kind: 'error', message: `The viewer could not start: ${describeError(e)}` });
    });

    return () => {
      cancelled = true;
      stage?.removeEventListener('keydown', letTabThrough, true);
      setEngineReady(false);
      resizeObserver?.disconnect();
      for (const ev of [Enums.Events.IMAGE_RENDERED, Enums.Events.VOI_MODIFIED, Enums.Events.STACK_NEW_IMAGE, Enums.Events.CAMERA_MODIFIED]) {
        element.removeEventListener(ev, ev === Enums.Events.IMAGE_RENDERED ? onRender : syncView);
      }
      eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
      element.removeEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
      prefetchRound++;
      for (const ev of [ToolEnums.Events.ANNOTATION_COMPLETED, ToolEnums.Events.ANNOTATION_REMOVED, ToolEnums.Events.ANNOTATION_ADDED]) {
        eventTarget.removeEventListener(ev, onAnnotationsChanged);
      }
      if (toolGroupId) ToolGroupManager.destroyToolGroup(toolGroupId);
      engine?.destroy();
      engineRef.current = null;
      toolGroupIdRef.current = null;
    };
  }, [getViewport, syncView]);

  // Load the selected series into the viewport.
  useEffect(() => {
    if (!engineReady) return;
    const vp = getViewport();
    if (!vp) return;
    if (!entry) {
      setStatus({ kind: 'empty' });
      return;
    }
    let cancelled = false;
    setStatus({ kind: 'loading' });
    setCine(false);
    setPresetChoice('');
    (async () => {
      const ids = imageIdsForFrames(entry.series.frames, readFile);
      stackIdsRef.current = ids;
      await vp.setStack(ids, 0);
      if (cancelled) return;
      vp.render();
      syncView();
    })().catch((e: unknown) => {
      if (!cancelled) setStatus({ kind: 'error', message: explainDecodeError(e) });
    });
    return () => {
      cancelled = true;
    };
  }, [engineReady, entry, readFile, getViewport, syncView]);

  // Primary mouse button follows the selected mode; the other bindings stay.
  useEffect(() => {
    const id = toolGroupIdRef.current;
    if (!engineReady || !id) return;
    const group = ToolGroupManager.getToolGroup(id);
    if (!group) return;
    const prev = modeRef.current;
    if (prev !== mode) group.setToolPassive(TOOL_NAMES[prev]);
    group.setToolActive(TOOL_NAMES[mode], { bindings: [{ mouseButton: MB.Primary }] });
    modeRef.current = mode;
  }, [mode, engineReady]);

  // Cine: step through the stack, looping.
  useEffect(() => {
    if (!cine) return;
    const rate = Math.max(1, Math.min(60, fps || 1));
    const timer = window.setInterval(() => {
      const vp = getViewport();
      const n = vp?.getImageIds().length ?? 0;
      if (!vp || n < 2) return;
      void vp.setImageIdIndex((vp.getCurrentImageIdIndex() + 1) % n).catch(() => undefined);
    }, 1000 / rate);
    return () => window.clearInterval(timer);
  }, [cine, fps, getViewport]);

  useEffect(() => {
    if (showHelp) helpCloseRef.current?.focus();
  }, [showHelp]);

  // ---- actions -------------------------------------------------------------------------------

  const scrollBy = useCallback(
    (delta: number) => {
      const vp = getViewport();
      if (!vp) return;
      const n = vp.getImageIds().length;
      if (n < 2) return;
      const target = Math.max(0, Math.min(n - 1, vp.getCurrentImageIdIndex() + delta));
      void vp.setImageIdIndex(target).catch(() => undefined);
    },
    [getViewport],
  );

  const applyPreset = useCallback(
    (preset: WindowPreset) => {
      const vp = getViewport();
      if (!vp) return;
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
    },
    [getViewport],
  );

  const toggleInvert = useCallback(() => {
    const vp = getViewport();
    if (!vp) return;
    vp.setProperties({ invert: !vp.getProperties().invert });
    vp.render();
  }, [getViewport]);

  const rotate = useCallback(() => {
    const vp = getViewport();
    if (!vp) return;
    const rotation = vp.getViewPresentation().rotation ?? 0;
    vp.setViewPresentation({ rotation: (rotation + 90) % 360 });
    vp.render();
  }, [getViewport]);

  const flip = useCallback(
    (axis: 'h' | 'v') => {
      const vp = getViewport();
      if (!vp) return;
      const cam = vp.getCamera();
      vp.setCamera(axis === 'h' ? { flipHorizontal: !cam.flipHorizontal } : { flipVertical: !cam.flipVertical });
      vp.render();
    },
    [getViewport],
  );

  const reset = useCallback(() => {
    const vp = getViewport();
    if (!vp) return;
    vp.resetCamera();
    vp.resetProperties();
    vp.render();
    setPresetChoice('');
  }, [getViewport]);

  const deleteSelected = useCallback(() => {
    const selected = annotation.selection.getAnnotationsSelected() ?? [];
    for (const uid of selected) annotation.state.removeAnnotation(uid);
    setAnnotationCount(annotation.state.getAllAnnotations().length);
    getViewport()?.render();
  }, [getViewport]);

  const deleteAll = useCallback(() => {
    annotation.state.removeAllAnnotations();
    setAnnotationCount(0);
    getViewport()?.render();
  }, [getViewport]);

  const selectSeries = useCallback(
    (i: number) => {
      if (i >= 0 && i < entries.length) setSeriesIndex(i);
    },
    [entries.length],
  );

  const overlay: OverlayText | null = entry ? overlayText(entry, view, patientLabel) : null;

  const downloadImage = useCallback(() => {
    const vp = getViewport();
    if (!vp) return;
    const src = vp.getCanvas();
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const ctx = out.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    if (overlays && overlay) drawOverlay(ctx, overlay, out.width, out.height);
    const a = document.createElement('a');
    const name = (entry?.series.description ?? entry?.series.modality ?? 'image').replace(/[^\w.-]+/g, '_');
    a.download = `${name}-im${view.index + 1}.png`;
    a.href = out.toDataURL('image/png');
    a.click();
  }, [getViewport, overlays, overlay, entry, view.index]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (showHelp) {
      if (e.key === 'Escape' || e.key === '?') {
        e.preventDefault();
        setShowHelp(false);
      }
      return;
    }
    if (isTextEntry(e.target)) return;
    const onButton = e.target instanceof HTMLButtonElement;
    const key = e.key;
    const preset = BUILTIN_PRESETS.find((p) => p.key === key);
    let handled = true;
    if (preset) applyPreset(preset);
    else if (key === '?') setShowHelp(true);
    else if (key === '[') selectSeries(seriesIndex - 1);
    else if (key === ']') selectSeries(seriesIndex + 1);
    else if (key === 'ArrowUp') scrollBy(-1);
    else if (key === 'ArrowDown') scrollBy(1);
    else if (key === 'PageUp') scrollBy(-Math.max(1, Math.round(view.count / 10)));
    else if (key === 'PageDown') scrollBy(Math.max(1, Math.round(view.count / 10)));
    else if (key === 'Home') scrollBy(-view.count);
    else if (key === 'End') scrollBy(view.count);
    else if (key === 'i' || key === 'I') toggleInvert();
    else if (key === 'r' || key === 'R') rotate();
    else if (key === 'h' || key === 'H') flip('h');
    else if (key === 'v' || key === 'V') flip('v');
    else if (key === 'Escape' || (key === ' ' && !onButton)) reset();
    else if (key === 'Delete' || key === 'Backspace') deleteSelected();
    else handled = false;
    if (handled) e.preventDefault();
  };

  const presets = [...BUILTIN_PRESETS, ...dicomPresets(currentFrame)];
  const statusText =
    status.kind === 'rendered' ? 'rendered' : status.kind === 'loading' ? 'loading' : status.kind === 'empty' ? 'no images' : status.message;
  const viewportLabel = `Image viewport: ${[entry?.series.modality, entry?.series.description].filter(Boolean).join(' ') || 'no series'}`;

  return (
    <div className="jv-root" ref={rootRef} onKeyDown={onKeyDown}>
      <div className="jv-toolbar" role="toolbar" aria-label="Viewer tools">
        {MODES.map(({ mode: m, label }) => (
          <button key={m} type="button" aria-pressed={mode === m} onClick={() => setMode(m)}>
            {label}
          </button>
        ))}
        <span className="jv-sep" />
        <button type="button" aria-pressed={view.invert} onClick={toggleInvert}>
          Invert
        </button>
        <button type="button" onClick={rotate}>
          Rotate
        </button>
        <button type="button" onClick={() => flip('h')}>
          Flip horizontal
        </button>
        <button type="button" onClick={() => flip('v')}>
          Flip vertical
        </button>
        <button type="button" onClick={reset}>
          Reset
        </button>
        <label className="jv-preset">
          Window preset
          <select
            value={presetChoice}
            onChange={(e) => {
              const p = presets.find((x) => x.id === e.target.value);
              setPresetChoice(e.target.value);
              if (p) applyPreset(p);
            }}
          >
            <option value="">Choose…</option>
            {presets.map((p) => (
              <option key={p.id} value={p.id}>
                {p.key ? `${p.key}: ` : ''}
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <span className="jv-sep" />
        <button type="button" aria-pressed={cine} disabled={view.count < 2} onClick={() => setCine((c) => !c)}>
          {cine ? 'Pause cine' : 'Play cine'}
        </button>
        <label className="jv-fps">
          Frames per second
          <input type="number" min={1} max={60} value={fps} onChange={(e) => setFps(Number(e.target.value))} />
        </label>
        <span className="jv-sep" />
        <button type="button" onClick={deleteAll} disabled={annotationCount === 0}>
          Delete measurements
        </button>
        <button type="button" aria-pressed={overlays} onClick={() => setOverlays((o) => !o)}>
          Toggle overlays
        </button>
        <button type="button" aria-pressed={showTags} onClick={() => setShowTags((t) => !t)}>
          Tag inspector
        </button>
        <button type="button" onClick={downloadImage} disabled={status.kind !== 'rendered'}>
          Download image
        </button>
        <button type="button" aria-pressed={showHelp} onClick={() => setShowHelp((h) => !h)}>
          Keyboard shortcuts
        </button>
      </div>

      <div className="jv-body">
        <SeriesBrowser entries={entries} selected={seriesIndex} onSelect={selectSeries} readFile={readFile} />

        <div className="jv-stage">
          <div
            ref={elementRef}
            className="jv-viewport"
            role="img"
            aria-label={viewportLabel}
            data-testid="viewport"
            data-annotation-count={annotationCount}
            tabIndex={0}
            onContextMenu={(e) => e.preventDefault()}
            onPointerDown={(e) => e.currentTarget.focus({ preventScroll: true })}
          />
          {overlays && overlay && (
            <div className="jv-overlay" data-testid="overlay">
              <div className="jv-corner jv-tl">{overlay.topLeft.map((t) => <div key={t}>{t}</div>)}</div>
              <div className="jv-corner jv-tr">{overlay.topRight.map((t) => <div key={t}>{t}</div>)}</div>
              <div className="jv-corner jv-bl">{overlay.bottomLeft.map((t) => <div key={t}>{t}</div>)}</div>
              <div className="jv-corner jv-br">{overlay.bottomRight.map((t) => <div key={t}>{t}</div>)}</div>
            </div>
          )}
          {(status.kind === 'error' || status.kind === 'empty') && (
            <div className="jv-placeholder" role="note" aria-label="Image unavailable">
              {status.kind === 'empty' ? 'There are no displayable images in this envelope.' : status.message}
            </div>
          )}
          <div className="jv-status" data-testid="viewer-status" role="status" aria-live="polite" data-status={status.kind}>
            {statusText}
          </div>
        </div>

        {showTags && <TagInspector path={currentFrame?.path ?? null} readFile={readFile} onClose={() => setShowTags(false)} />}
      </div>

      {showHelp && (
        <div className="jv-dialog-backdrop">
          <div className="jv-dialog" role="dialog" aria-modal="true" aria-labelledby="jv-help-title">
            <h2 id="jv-help-title">Keyboard shortcuts</h2>
            <table>
              <tbody>
                {SHORTCUTS.map((s) => (
                  <tr key={s.keys}>
                    <th scope="row">{s.keys}</th>
                    <td>{s.action}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" ref={helpCloseRef} onClick={() => setShowHelp(false)}>
              Close
            </button>
          </div>
        </div>
      )}
    </div>
  );
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
      ctx.fillText(t, x, y);
    });
  };
  block(text.topLeft, pad, true, 'left');
  block(text.topRight, w - pad, true, 'right');
  block(text.bottomLeft, pad, false, 'left');
  block(text.bottomRight, w - pad, false, 'right');
}
