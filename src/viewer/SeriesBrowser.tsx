// Series list with thumbnails of each series' middle image.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { utilities } from '@cornerstonejs/core';
import type { ReadPayloadFile } from '../common/files.ts';
import { Shown } from '../common/safe-text.tsx';
import { imageIdForFrame, initCornerstone, loadIntoCache } from './cornerstone.ts';
import type { SeriesEntry } from './viewerModel.ts';

// Thumbnails render one after another: they share the GPU (or CPU) with the main viewport.
let thumbnailQueue: Promise<unknown> = Promise.resolve();

function Thumbnail({ entry, readFile }: { entry: SeriesEntry; readFile: ReadPayloadFile }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    const frames = entry.series.frames;
    const middle = frames[Math.floor(frames.length / 2)];
    if (!middle) return;
    const job = thumbnailQueue.then(async () => {
      if (cancelled || !canvasRef.current) return;
      await initCornerstone();
      const imageId = imageIdForFrame(middle, readFile);
      if (cancelled || !canvasRef.current) return;
      // Loaded first on our side: a failure then shows as "no preview" without Cornerstone's
      // loadImageToCanvas logging it as a console error.
      await loadIntoCache(imageId);
      if (cancelled || !canvasRef.current) return;
      await utilities.loadImageToCanvas({ canvas: canvasRef.current, imageId, thumbnail: true });
    });
    thumbnailQueue = job.catch(() => undefined);
    job.catch(() => {
      if (!cancelled) setFailed(true);
    });
    return () => {
      cancelled = true;
    };
  }, [entry, readFile]);
  return (
    <span className="jv-thumb" aria-hidden="true">
      <canvas ref={canvasRef} width={96} height={96} />
      {failed && <span className="jv-thumb-failed">no preview</span>}
    </span>
  );
}

export function SeriesBrowser(props: {
  entries: SeriesEntry[];
  selected: number;
  onSelect: (index: number) => void;
  readFile: ReadPayloadFile;
}) {
  const { entries, selected, onSelect, readFile } = props;
  const listRef = useRef<HTMLUListElement>(null);

  // Up/Down inside the list move the selection (and the focus with it), like a listbox.
  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    e.stopPropagation();
    const next = Math.max(0, Math.min(entries.length - 1, selected + (e.key === 'ArrowDown' ? 1 : -1)));
    onSelect(next);
    listRef.current?.querySelectorAll<HTMLButtonElement>('button')[next]?.focus();
  };

  return (
    <nav className="jv-series" aria-label="Series">
      <ul ref={listRef} onKeyDown={onKeyDown}>
        {entries.map((entry, i) => {
          const { series } = entry;
          const count = series.frames.length;
          return (
            <li key={entry.key}>
              <button
                type="button"
                className="jv-series-button"
                aria-current={i === selected ? 'true' : undefined}
                data-testid="series-button"
                onClick={() => onSelect(i)}
              >
                <Thumbnail entry={entry} readFile={readFile} />
                {/* The name is the visible text plus hidden words around it, so speech input can use
                    what is on screen ("CT", the description) and a screen reader hears "Series 2: CT, ...". */}
                <span className="jv-visually-hidden">Series {series.seriesNumber ?? i + 1}: </span>
                <span className="jv-series-text">
                  <span className="jv-series-modality">
                    <Shown text={series.modality ?? '—'} />
                  </span>
                  <span className="jv-visually-hidden">, </span>
                  <span className="jv-series-desc">
                    <Shown text={series.description ?? '(no description)'} />
                  </span>
                  <span className="jv-visually-hidden">, </span>
                  <span className="jv-series-count">
                    {count} image{count === 1 ? '' : 's'}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
