import { formatBytes, percent, STAGE_LABEL } from './format.ts';
import { useOpener } from './store.ts';

export function ProgressPanel({ inline = false }: { inline?: boolean }) {
  const download = useOpener((s) => s.download);
  const progress = useOpener((s) => s.progress);
  const cancel = useOpener((s) => s.cancel);

  const stage = download ? STAGE_LABEL.downloading : progress ? STAGE_LABEL[progress.stage] : 'Starting';
  const done = download?.done ?? progress?.done ?? 0;
  const total = download?.total ?? progress?.total ?? 0;
  const pct = percent(done, total);
  // The core counts files while verifying and indexing, bytes while reading and decrypting.
  const unit = !download && (progress?.stage === 'indexing' || progress?.stage === 'verifying') ? 'files' : 'bytes';
  const amount =
    unit === 'files'
      ? total > 0
        ? `${done} of ${total} files`
        : `${done} files`
      : total > 0
        ? `${formatBytes(done)} of ${formatBytes(total)}`
        : done > 0
          ? formatBytes(done)
          : '';

  const Tag = inline ? 'section' : 'main';
  return (
    <Tag className={`progress-panel${inline ? ' progress-panel--inline' : ''}`} aria-labelledby="progress-heading">
      <h2 id="progress-heading">{download ? 'Downloading the envelope' : 'Opening the envelope'}</h2>
      {download && <p className="muted">From {new URL(download.src).origin}</p>}
      <p aria-live="polite">
        <span className="stage">{stage}</span>
        {amount && <span> — {amount}</span>}
        {pct !== null && <span> ({pct}%)</span>}
      </p>
      {/* Without a known total the bar is indeterminate rather than a false 0%. */}
      <progress aria-label={`${stage} progress`} max={total > 0 ? total : undefined} value={total > 0 ? done : undefined} />
      <div className="actions">
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </div>
    </Tag>
  );
}
