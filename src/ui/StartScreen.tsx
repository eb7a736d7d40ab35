import { useRef, type ChangeEvent } from 'react';
import { DemoList } from './DemoList.tsx';
import { Shown } from '../common/safe-text.tsx';
import './start.css';
import {
  directoryPicker,
  isAbortError,
  pickedFromDirectoryHandle,
  pickedFromFileList,
  sourceFromPicked,
  type PickedFile,
} from './dropped-files.ts';
import { useOpener } from './store.ts';

async function openPicked(picked: PickedFile[], folderName?: string): Promise<void> {
  try {
    const source = await sourceFromPicked(picked, folderName);
    if (source) await useOpener.getState().openSource(source);
  } catch (e) {
    useOpener.getState().failed(`The chosen files could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function StartScreen({ error }: { error: string | null }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const onFiles = (e: ChangeEvent<HTMLInputElement>) => {
    const picked = e.target.files ? pickedFromFileList(e.target.files) : [];
    e.target.value = '';
    void openPicked(picked);
  };

  const openFolder = async () => {
    const picker = directoryPicker();
    if (!picker) {
      folderInput.current?.click();
      return;
    }
    try {
      const dir = await picker({ mode: 'read' });
      await openPicked(await pickedFromDirectoryHandle(dir), dir.name);
    } catch (e) {
      if (isAbortError(e)) return; // the user closed the picker
      useOpener.getState().failed(`The folder could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <main className="start">
      <h1>JMIX Viewer</h1>
      <p className="lead">Open a medical imaging envelope to see who sent it, whether it can be trusted, and the images inside.</p>
      {error && (
        <div className="error-box" role="alert">
          <h2>The envelope could not be opened</h2>
          <p>
            <Shown text={error} />
          </p>
        </div>
      )}
      <div className="drop-zone">
        <p className="drop-zone__hint">Drop an envelope anywhere on this page: a .zip, .tar.gz, or a folder.</p>
        <div className="actions">
          <button type="button" className="primary" onClick={() => fileInput.current?.click()}>
            Open envelope
          </button>
          <button type="button" onClick={() => void openFolder()}>
            Open folder
          </button>
        </div>
      </div>
      <DemoList />
      <p className="privacy">
        Nothing is uploaded. The envelope is opened, decrypted and checked in this browser tab; keys stay in memory and are forgotten when
        you close the envelope or the tab.
      </p>
      <input
        ref={fileInput}
        className="hidden-input"
        type="file"
        multiple
        tabIndex={-1}
        aria-hidden="true"
        data-testid="file-input"
        onChange={onFiles}
      />
      <input
        ref={(el) => {
          folderInput.current = el;
          el?.setAttribute('webkitdirectory', '');
        }}
        className="hidden-input"
        type="file"
        multiple
        tabIndex={-1}
        aria-hidden="true"
        data-testid="folder-input"
        onChange={(e) => {
          const list = e.target.files;
          const picked = list ? pickedFromFileList(list) : [];
          e.target.value = '';
          void openPicked(picked);
        }}
      />
    </main>
  );
}
