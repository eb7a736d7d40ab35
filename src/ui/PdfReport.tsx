// The report PDF, drawn by pdf.js into a canvas: pixels only, no PDF script, no browser PDF plugin
// (which Chromium will not run in a sandboxed frame). The original can only be downloaded: opened in
// a tab it would be the browser's own PDF viewer's, which runs the PDF's JavaScript.
import { useEffect, useId, useRef, useState } from 'react';
import type { PayloadFile } from '../jmix/types.ts';
import { saveBlob } from './download.ts';
import type { PdfHandle } from './pdf-pages.ts';
import { downloadName, escapeBidi, Shown } from '../common/safe-text.tsx';

export function baseName(path: string): string {
  return path.split('/').pop() || path;
}

// Sharp on high-density screens, bounded so a huge page cannot exhaust memory.
const MIN_PIXEL_WIDTH = 900;
const MAX_PIXEL_WIDTH = 2400;

function pixelWidthFor(el: HTMLElement | null): number {
  const css = el?.clientWidth || 0;
  const want = Math.round(css * Math.min(globalThis.devicePixelRatio || 1, 2));
  return Math.max(MIN_PIXEL_WIDTH, Math.min(MAX_PIXEL_WIDTH, want));
}

type LoadState = { kind: 'loading' } | { kind: 'ready'; doc: PdfHandle } | { kind: 'error'; message: string };

export function PdfReport({ file }: { file: PayloadFile }) {
  const name = baseName(file.path);
  const headingId = useId();
  // The bytes for "Download report": no standing URL to them, so nothing can navigate to the PDF.
  const [original, setOriginal] = useState<Blob | null>(null);
  const [state, setState] = useState<LoadState>({ kind: 'loading' });
  const [page, setPage] = useState(1);
  const [pageText, setPageText] = useState<string | null>(null);
  const [drawn, setDrawn] = useState(false);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    let doc: PdfHandle | null = null;
    setState({ kind: 'loading' });
    setPage(1);
    setOriginal(null);
    void (async () => {
      try {
        const bytes = await file.bytes();
        if (!live) return;
        // octet-stream: even a blob: URL of it would download, never open in a PDF viewer.
        setOriginal(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
        const { openPdf } = await import('./pdf-pages.ts');
        const opened = await openPdf(bytes);
        if (!live) {
          void opened.destroy();
          return;
        }
        doc = opened;
        setState({ kind: 'ready', doc: opened });
      } catch (e) {
        if (live) setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    })();
    return () => {
      live = false;
      void doc?.destroy();
    };
  }, [file]);

  // Re-draw when the frame grows or shrinks a lot (wide panel, rotation): the page stays sharp.
  const [drawWidth, setDrawWidth] = useState(MIN_PIXEL_WIDTH);
  useEffect(() => {
    const el = frameRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const want = pixelWidthFor(el);
      setDrawWidth((w) => (Math.abs(want - w) / w > 0.2 ? want : w));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [state.kind]);

  useEffect(() => {
    if (state.kind !== 'ready' || !canvasRef.current) return;
    let live = true;
    setDrawn(false);
    state.doc
      .renderPage(page, canvasRef.current, drawWidth)
      .then((t) => {
        if (!live) return;
        setPageText(t.text);
        setDrawn(true);
      })
      .catch((e: unknown) => {
        // A newer page cancelled this render: not an error.
        if (live && !(e instanceof Error && e.name === 'RenderingCancelledException')) {
          setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
        }
      });
    return () => {
      live = false;
    };
  }, [state, page, drawWidth]);

  const pageCount = state.kind === 'ready' ? state.doc.pageCount : 0;

  return (
    <section className="pdf-report" aria-labelledby={headingId}>
      <h3 id={headingId}>
        Report: <Shown text={name} />
      </h3>
      <div className="actions pdf-report__actions">
        <button type="button" disabled={!original} onClick={() => original && saveBlob(original, downloadName(name, 'report.pdf'))}>
          Download report
        </button>
      </div>
      {pageCount > 1 && (
        <nav className="pdf-report__pager" aria-label={`Pages of ${escapeBidi(name)}`}>
          <button type="button" disabled={page <= 1} onClick={() => setPage((p) => Math.max(1, p - 1))}>
            <span aria-hidden="true">‹ </span>Previous page
          </button>
          <span aria-live="polite">
            Page {page} of {pageCount}
          </span>
          <button type="button" disabled={page >= pageCount} onClick={() => setPage((p) => Math.min(pageCount, p + 1))}>
            Next page<span aria-hidden="true"> ›</span>
          </button>
        </nav>
      )}
      {state.kind === 'error' ? (
        <p role="alert" className="key-error">
          The report could not be displayed here (<Shown text={state.message} />
          ). Use "Download report" to read it in a PDF reader.
        </p>
      ) : (
        <div ref={frameRef} className="pdf-report__page" aria-busy={!drawn}>
          {state.kind === 'loading' && <p className="muted">Loading the report…</p>}
          <canvas
            ref={canvasRef}
            className="pdf-report__canvas"
            role="img"
            aria-label={`Page ${page}${pageCount > 1 ? ` of ${pageCount}` : ''} of ${escapeBidi(name)}`}
            data-rendered={drawn ? 'true' : 'false'}
            hidden={state.kind !== 'ready'}
          />
        </div>
      )}
      {drawn && pageText && (
        <details className="pdf-report__text">
          <summary>Text of page {page}</summary>
          <pre>{pageText}</pre>
        </details>
      )}
    </section>
  );
}
