// The init script `npm run bench` puts in the page: it stamps performance.now() at each moment the
// bench reads (the click, each progress stage, the verdict, the first image, the full series list).
// In the page: timestamps of what a person would see. Polling (10 ms) rather than observers keeps it
// independent of how the UI is built; a frame's delay is below the resolution that matters here.
export function recorder(encrypted: boolean): void {
  interface Rec {
    t: Record<string, number>;
    stages: { t: number; text: string }[];
    verdictBefore: string | null;
    verdictFinal: string | null;
    sawBusy: boolean;
    seriesLabel: string | null;
  }
  const rec: Rec = { t: {}, stages: [], verdictBefore: null, verdictFinal: null, sawBusy: false, seriesLabel: null };
  (globalThis as unknown as { __bench: Rec }).__bench = rec;
  const mark = (k: string) => {
    if (rec.t[k] === undefined) rec.t[k] = performance.now();
  };
  document.addEventListener(
    'change',
    (e) => {
      if ((e.target as HTMLInputElement | null)?.type === 'file') mark('picked');
    },
    true,
  );
  document.addEventListener(
    'click',
    (e) => {
      const b = (e.target as Element | null)?.closest?.('button');
      if (b && b.textContent?.trim() === 'Decrypt') {
        rec.verdictBefore = document.querySelector('.verdict')?.textContent ?? null;
        rec.sawBusy = false;
        mark('decrypt');
      }
    },
    true,
  );
  let lastStage = '';
  const poll = () => {
    const start = encrypted ? rec.t.decrypt : rec.t.picked;
    if (
      encrypted &&
      rec.t.picked !== undefined &&
      rec.t.decrypt === undefined &&
      !document.querySelector('.progress-panel') &&
      document.querySelector('.verdict')
    )
      mark('lockedShown');
    if (start !== undefined) {
      const panel = document.querySelector('.progress-panel');
      if (panel) {
        rec.sawBusy = true;
        const stage = panel.querySelector('.stage')?.textContent ?? '';
        if (stage !== lastStage) {
          lastStage = stage;
          rec.stages.push({ t: performance.now(), text: stage });
        }
      }
      const verdict = document.querySelector('.verdict');
      if (rec.sawBusy && !panel && verdict && (!encrypted || verdict.textContent !== rec.verdictBefore) && rec.t.verified === undefined) {
        mark('verified');
        rec.verdictFinal = verdict.textContent;
      }
      if (document.querySelector('[data-testid="viewer-status"]')?.textContent === 'rendered') mark('firstImage');
      const series = document.querySelectorAll('[data-testid="series-button"]');
      if (series.length) {
        mark('firstSeries');
        rec.seriesLabel = Array.from(series, (s) => (s.textContent ?? '').replace(/\s+/g, ' ').trim()).join(' | ');
      }
    }
  };
  setInterval(poll, 10);
}

export interface Recorded {
  t: Record<string, number>;
  stages: { t: number; text: string }[];
  verdictFinal: string | null;
  seriesLabel: string | null;
}
