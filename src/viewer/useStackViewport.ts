// The engine lifecycle of one viewer mount: rendering engine, stack viewport, tool group and the
// listeners that keep the status and view state current. Unmount destroys all of it.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { Enums, eventTarget, type RenderingEngine, type StackViewport } from '@cornerstonejs/core';
import { ToolGroupManager } from '@cornerstonejs/tools';
import { createRenderingEngine, initCornerstone, isCpuRendering, prefetchAround } from './cornerstone.ts';
import { createToolGroup } from './tool-group.ts';
import { describeError, explainDecodeError, rangeToVoi, type ViewState } from './viewerModel.ts';

export type Status = { kind: 'loading' } | { kind: 'rendered' } | { kind: 'error'; message: string } | { kind: 'empty' };

const VIEWPORT_ID = 'jmix-stack';
const EMPTY_VIEW: ViewState = { index: 0, count: 0, center: null, width: null, invert: false, zoom: 1 };
const VIEW_EVENTS = [Enums.Events.IMAGE_RENDERED, Enums.Events.VOI_MODIFIED, Enums.Events.STACK_NEW_IMAGE, Enums.Events.CAMERA_MODIFIED];

function sameView(a: ViewState, b: ViewState): boolean {
  return (
    a.index === b.index && a.count === b.count && a.center === b.center && a.width === b.width && a.invert === b.invert && a.zoom === b.zoom
  );
}

export interface StackViewportHandle {
  /** The tool group once the engine is up; null before and after. */
  toolGroupId: string | null;
  getViewport: () => StackViewport | null;
  status: Status;
  setStatus: (status: Status) => void;
  view: ViewState;
  /** Read the viewport's state into the view (and the element's data-* attributes) now. */
  syncView: () => void;
  /** The imageIds of the stack on screen: load errors of other images are not this viewer's news. */
  stackIdsRef: RefObject<string[]>;
}

export function useStackViewport(elementRef: RefObject<HTMLDivElement | null>): StackViewportHandle {
  const [toolGroupId, setToolGroupId] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'loading' });
  const [view, setView] = useState<ViewState>(EMPTY_VIEW);
  const engineRef = useRef<RenderingEngine | null>(null);
  const stackIdsRef = useRef<string[]>([]);

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
  }, [getViewport, elementRef]);

  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    let cancelled = false;
    let engine: RenderingEngine | null = null;
    let groupId: string | null = null;
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
    const onViewEvent = (ev: string) => (ev === Enums.Events.IMAGE_RENDERED ? onRender : syncView);

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
      groupId = createToolGroup(VIEWPORT_ID, engine.id);

      element.dataset.renderer = isCpuRendering() ? 'cpu' : 'gpu';
      for (const ev of VIEW_EVENTS) element.addEventListener(ev, onViewEvent(ev));
      eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
      element.addEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
      const current = engine;
      resizeObserver = new ResizeObserver(() => current.resize(true, true));
      resizeObserver.observe(element);

      engineRef.current = engine;
      setToolGroupId(groupId);
    })().catch((e: unknown) => {
      if (!cancelled) setStatus({ kind: 'error', message: `The viewer could not start: ${describeError(e)}` });
    });

    return () => {
      cancelled = true;
      stage?.removeEventListener('keydown', letTabThrough, true);
      setToolGroupId(null);
      resizeObserver?.disconnect();
      for (const ev of VIEW_EVENTS) element.removeEventListener(ev, onViewEvent(ev));
      eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, onLoadError);
      element.removeEventListener(Enums.Events.STACK_NEW_IMAGE, onNewImage);
      prefetchRound++;
      if (groupId) ToolGroupManager.destroyToolGroup(groupId);
      engine?.destroy();
      engineRef.current = null;
    };
  }, [elementRef, getViewport, syncView]);

  return { toolGroupId, getViewport, status, setStatus, view, syncView, stackIdsRef };
}
