// pdf.js behind a small surface. Imported only through import() (PdfReport.tsx), so pdf.js is a
// chunk of its own and the start screen never loads it.
// Safety: pdf.js draws pixels; no PDF script runs (the scripting sandbox is never created), and
// nothing is fetched: no CMap, standard-font or wasm URL is given and worker fetches are off, so
// fonts the PDF does not embed fall back to the system's own (useSystemFonts, the web default).
import { getDocument, GlobalWorkerOptions, type PDFDocumentProxy } from 'pdfjs-dist';
// ?url: the worker file is emitted as an asset and resolved against this module's URL, so it
// loads from whatever sub-path the app is served from.
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

let workerPort: Worker | null = null;

function ensureWorker(): void {
  // One worker for every report this tab shows: pdf.js keeps using a port it was given.
  if (workerPort) return;
  workerPort = new Worker(workerUrl, { type: 'module', name: 'pdf-report' });
  GlobalWorkerOptions.workerPort = workerPort;
}

export interface PdfPageText {
  /** The page's text, lines as pdf.js reports them (for screen readers and copying). */
  text: string;
}

export interface PdfHandle {
  pageCount: number;
  /** Draw page `pageNumber` (1-based) into `canvas`, `pixelWidth` device pixels wide. */
  renderPage(pageNumber: number, canvas: HTMLCanvasElement, pixelWidth: number): Promise<PdfPageText>;
  destroy(): Promise<void>;
}

export async function openPdf(bytes: Uint8Array): Promise<PdfHandle> {
  ensureWorker();
  // pdf.js transfers the buffer it is given to its worker: hand it a copy, the payload keeps its bytes.
  const task = getDocument({
    data: bytes.slice(),
    useWorkerFetch: false,
    enableXfa: false,
    stopAtErrors: false,
    disableWorkerRendering: true,
    verbosity: 0,
  });
  const doc: PDFDocumentProxy = await task.promise;
  let current: { cancel(): void } | null = null;
  return {
    pageCount: doc.numPages,
    async renderPage(pageNumber, canvas, pixelWidth) {
      current?.cancel();
      const page = await doc.getPage(pageNumber);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: pixelWidth / base.width });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      const task = page.render({ canvas, viewport });
      current = task;
      await task.promise;
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str;
        if (item.hasEOL) text += '\n';
        else if (item.str && !text.endsWith(' ')) text += ' ';
      }
      return { text: text.trim() };
    },
    async destroy() {
      current?.cancel();
      await task.destroy();
    },
  };
}
