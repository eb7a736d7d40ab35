// Panel listing every element of the current instance, with a search box.
import { useEffect, useMemo, useState } from 'react';
import { payloadBytes, type ReadPayloadFile } from '../common/files.ts';
import { Shown } from '../common/safe-text.tsx';
import { filterTags, listTags, type TagRow } from '../dicom/tags.ts';
import { describeError } from './viewerModel.ts';

export function TagInspector(props: { path: string | null; readFile: ReadPayloadFile; onClose: () => void }) {
  const { path, readFile, onClose } = props;
  const [rows, setRows] = useState<TagRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    let cancelled = false;
    setRows(null);
    setError(null);
    if (!path) return;
    readFile(path)
      .then(payloadBytes)
      .then((bytes) => {
        if (!cancelled) setRows(listTags(bytes));
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(`The tags of ${path} could not be read: ${describeError(e)}`);
      });
    return () => {
      cancelled = true;
    };
  }, [path, readFile]);

  const shown = useMemo(() => (rows ? filterTags(rows, query) : []), [rows, query]);

  return (
    <section className="jv-tags" aria-label="Tag inspector" data-testid="tag-inspector">
      <header className="jv-tags-header">
        <h2>
          Tags{path ? ': ' : ''}
          <Shown text={path} />
        </h2>
        <button type="button" onClick={onClose}>
          Close tag inspector
        </button>
      </header>
      <label className="jv-tags-search">
        Search tags
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="tag or name, e.g. 0010,0010 or Patient"
        />
      </label>
      {error && <p role="alert">{error}</p>}
      {!rows && !error && <p>Reading tags…</p>}
      {rows && (
        <div className="jv-tags-table-wrap">
          <table>
            <caption className="jv-visually-hidden">
              {shown.length} of {rows.length} elements
            </caption>
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col">VR</th>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r, i) => (
                <tr key={`${i}-${r.tag}`} data-depth={r.depth}>
                  <td style={{ paddingLeft: `${0.4 + r.depth * 0.9}em` }}>{r.tag}</td>
                  <td>{r.vr}</td>
                  <td>{r.name}</td>
                  <td className="jv-tags-value">
                    <Shown text={r.value} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
