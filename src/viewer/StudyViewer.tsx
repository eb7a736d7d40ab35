// The diagnostic viewer: series browser, one Cornerstone3D stack viewport, toolbar, overlays,
// keyboard shortcuts (keymap.ts), measurements, cine, tag inspector, PNG export. The parts live in
// hooks and small components; this file wires them together and maps keys to actions.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { StackViewport } from '@cornerstonejs/core';
import type { ReadPayloadFile } from '../common/files.ts';
import { escapeBidi } from '../common/safe-text.tsx';
import type { DicomStudy } from '../dicom/types.ts';
import { imageIdsForFrames } from './cornerstone.ts';
import { downloadViewportPng } from './export-png.ts';
import { HelpDialog } from './HelpDialog.tsx';
import { actionForKey, type KeyAction } from './keymap.ts';
import { SeriesBrowser } from './SeriesBrowser.tsx';
import { TagInspector } from './TagInspector.tsx';
import { useToolMode, type Mode } from './tool-group.ts';
import { useAnnotations } from './useAnnotations.ts';
import { useCine } from './useCine.ts';
import { useStackViewport } from './useStackViewport.ts';
import { applyPreset, flip, resetView, rotate, scrollBy, toggleInvert } from './view-actions.ts';
import { ViewerToolbar } from './ViewerToolbar.tsx';
import { ViewportOverlay } from './ViewportOverlay.tsx';
import { BUILTIN_PRESETS, dicomPresets, explainDecodeError, listSeries, overlayText, type WindowPreset } from './viewerModel.ts';
import './viewer.css';

export interface StudyViewerProps {
  studies: DicomStudy[];
  readFile: ReadPayloadFile;
  patientLabel?: string;
}

function isTextEntry(el: EventTarget | null): boolean {
  return el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;
}

export default function StudyViewer({ studies, readFile, patientLabel }: StudyViewerProps) {
  const entries = useMemo(() => listSeries(studies), [studies]);
  const [seriesIndex, setSeriesIndex] = useState(0);
  const [mode, setMode] = useState<Mode>('windowLevel');
  const [overlays, setOverlays] = useState(true);
  const [showHelp, setShowHelp] = useState(false);
  const [showTags, setShowTags] = useState(false);
  const [presetChoice, setPresetChoice] = useState('');

  const elementRef = useRef<HTMLDivElement>(null);
  const { toolGroupId, getViewport, status, setStatus, view, syncView, stackIdsRef } = useStackViewport(elementRef);
  const engineReady = toolGroupId !== null;
  useToolMode(toolGroupId, mode);
  const cine = useCine(getViewport);
  const annotations = useAnnotations(getViewport);
  const { setPlaying } = cine;

  const entry = entries[seriesIndex];
  const currentFrame = entry?.series.frames[view.index];

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
    setPlaying(false);
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
  }, [engineReady, entry, readFile, getViewport, syncView, setStatus, setPlaying, stackIdsRef]);

  /** Run `act` on the viewport, when there is one. */
  const onViewport = useCallback(
    (act: (vp: StackViewport) => void) => {
      const vp = getViewport();
      if (vp) act(vp);
    },
    [getViewport],
  );

  const reset = () =>
    onViewport((vp) => {
      resetView(vp);
      setPresetChoice('');
    });
  const selectSeries = useCallback(
    (i: number) => {
      if (i >= 0 && i < entries.length) setSeriesIndex(i);
    },
    [entries.length],
  );

  const overlay = entry ? overlayText(entry, view, patientLabel) : null;

  const downloadImage = () => {
    const name = (entry?.series.description ?? entry?.series.modality ?? 'image').replace(/[^\w.-]+/g, '_');
    onViewport((vp) => downloadViewportPng(vp, overlays ? overlay : null, `${name}-im${view.index + 1}.png`));
  };

  const page = Math.max(1, Math.round(view.count / 10));
  const run: Record<Exclude<KeyAction, 'preset'>, () => void> = {
    previousImage: () => onViewport((vp) => scrollBy(vp, -1)),
    nextImage: () => onViewport((vp) => scrollBy(vp, 1)),
    previousPage: () => onViewport((vp) => scrollBy(vp, -page)),
    nextPage: () => onViewport((vp) => scrollBy(vp, page)),
    firstImage: () => onViewport((vp) => scrollBy(vp, -view.count)),
    lastImage: () => onViewport((vp) => scrollBy(vp, view.count)),
    previousSeries: () => selectSeries(seriesIndex - 1),
    nextSeries: () => selectSeries(seriesIndex + 1),
    invert: () => onViewport(toggleInvert),
    rotate: () => onViewport(rotate),
    flipHorizontal: () => onViewport((vp) => flip(vp, 'h')),
    flipVertical: () => onViewport((vp) => flip(vp, 'v')),
    reset,
    deleteSelected: annotations.deleteSelected,
    help: () => setShowHelp(true),
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const action = actionForKey(e.key);
    if (showHelp) {
      // With the list open, only the keys that close it count.
      if (e.key === 'Escape' || action === 'help') {
        e.preventDefault();
        setShowHelp(false);
      }
      return;
    }
    if (isTextEntry(e.target) || !action) return;
    // Space on a focused button presses the button, not the viewer's reset.
    if (e.key === ' ' && e.target instanceof HTMLButtonElement) return;
    if (action === 'preset') {
      const preset = BUILTIN_PRESETS.find((p) => p.key === e.key);
      if (preset) onViewport((vp) => applyPreset(vp, preset));
    } else run[action]();
    e.preventDefault();
  };

  const presets: WindowPreset[] = [...BUILTIN_PRESETS, ...dicomPresets(currentFrame)];
  const choosePreset = (id: string) => {
    const p = presets.find((x) => x.id === id);
    setPresetChoice(id);
    if (p) onViewport((vp) => applyPreset(vp, p));
  };
  const statusText =
    status.kind === 'rendered'
      ? 'rendered'
      : status.kind === 'loading'
        ? 'loading'
        : status.kind === 'empty'
          ? 'no images'
          : status.message;
  const seriesName = [entry?.series.modality, entry?.series.description].filter(Boolean).join(' ');
  const viewportLabel = `Image viewport: ${escapeBidi(seriesName) || 'no series'}`;

  return (
    <div className="jv-root" onKeyDown={onKeyDown}>
      <ViewerToolbar
        mode={mode}
        onMode={setMode}
        inverted={view.invert}
        onInvert={run.invert}
        onRotate={run.rotate}
        onFlip={(axis) => onViewport((vp) => flip(vp, axis))}
        onReset={reset}
        presets={presets}
        presetChoice={presetChoice}
        onPreset={choosePreset}
        imageCount={view.count}
        cine={cine.playing}
        onCine={() => setPlaying((c) => !c)}
        fps={cine.fps}
        onFps={cine.setFps}
        annotationCount={annotations.count}
        onDeleteAll={annotations.deleteAll}
        overlays={overlays}
        onOverlays={() => setOverlays((o) => !o)}
        showTags={showTags}
        onTags={() => setShowTags((t) => !t)}
        canDownload={status.kind === 'rendered'}
        onDownload={downloadImage}
        showHelp={showHelp}
        onHelp={() => setShowHelp((h) => !h)}
      />

      <div className="jv-body">
        <SeriesBrowser entries={entries} selected={seriesIndex} onSelect={selectSeries} readFile={readFile} />

        <div className="jv-stage">
          <div
            ref={elementRef}
            className="jv-viewport"
            role="img"
            aria-label={viewportLabel}
            data-testid="viewport"
            data-annotation-count={annotations.count}
            tabIndex={0}
            onContextMenu={(e) => e.preventDefault()}
            onPointerDown={(e) => e.currentTarget.focus({ preventScroll: true })}
          />
          {overlays && overlay && <ViewportOverlay text={overlay} />}
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

      {showHelp && <HelpDialog onClose={() => setShowHelp(false)} />}
    </div>
  );
}
