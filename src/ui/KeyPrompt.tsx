import { useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { keyFromFileBytes } from './key-file.ts';
import { Shown } from '../common/safe-text.tsx';
import { useOpener } from './store.ts';

export function KeyPrompt() {
  const busy = useOpener((s) => s.busy);
  const keyMessage = useOpener((s) => s.keyMessage);
  const tryKey = useOpener((s) => s.tryKey);
  const [text, setText] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const fieldId = useId();
  const helpId = useId();
  const errorId = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const key = text.trim();
    if (key) void tryKey(key);
  };
  const onKeyFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    void tryKey(keyFromFileBytes(new Uint8Array(await file.arrayBuffer())));
  };

  return (
    <section className="panel key-prompt" aria-labelledby="key-heading">
      <h2 id="key-heading">This envelope is encrypted</h2>
      <form onSubmit={submit}>
        <label htmlFor={fieldId}>Recipient private key</label>
        <p id={helpId} className="muted">
          Paste the key you were given (base64), or load the key file. It stays in this tab's memory only.
        </p>
        <input
          id={fieldId}
          type="text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          aria-describedby={keyMessage ? `${helpId} ${errorId}` : helpId}
          aria-invalid={keyMessage ? true : undefined}
          className="key-field"
        />
        {keyMessage && (
          <p id={errorId} className="key-error" role="alert">
            <span aria-hidden="true">✗ </span>
            <Shown text={keyMessage} />
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !text.trim()}>
            Decrypt
          </button>
          <button type="button" disabled={busy} onClick={() => fileInput.current?.click()}>
            Load key file
          </button>
        </div>
        <input ref={fileInput} type="file" className="hidden-input" tabIndex={-1} aria-hidden="true" onChange={(e) => void onKeyFile(e)} />
      </form>
    </section>
  );
}
