// The keyboard shortcuts dialog: the rows of the keymap table the keyboard handler uses.
import { useEffect, useRef } from 'react';
import { KEYMAP } from './keymap.ts';

export function HelpDialog({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeRef.current?.focus();
  }, []);
  return (
    <div className="jv-dialog-backdrop">
      <div className="jv-dialog" role="dialog" aria-modal="true" aria-labelledby="jv-help-title">
        <h2 id="jv-help-title">Keyboard shortcuts</h2>
        <table>
          <tbody>
            {KEYMAP.map((s) => (
              <tr key={s.keys}>
                <th scope="row">{s.keys}</th>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" ref={closeRef} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
