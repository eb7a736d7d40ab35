// The visible side of updates: "updated" after a new build took over, or "ready" while an envelope
// is open (the update then waits for the user, or for the envelope to be closed).
import { useEffect, useState } from 'react';
import { applyWaitingUpdate, startServiceWorker, type UpdateState } from './pwa.ts';
import { useOpener } from './store.ts';
import './start.css';

let started = false;

export function UpdateNotice() {
  const [state, setState] = useState<UpdateState>('none');

  useEffect(() => {
    if (started) return; // StrictMode runs effects twice; one registration is enough
    started = true;
    void startServiceWorker({
      isBusy: () => {
        const s = useOpener.getState();
        return s.busy || s.result !== null || s.apiLink !== null;
      },
      onState: setState,
    }).catch(() => {
      // Without a service worker the app still works online; nothing to tell the user.
    });
  }, []);

  useEffect(() => {
    if (state !== 'waiting') return;
    // Closing the envelope is the moment to take the waiting update.
    return useOpener.subscribe((s) => {
      if (!s.busy && !s.result && !s.apiLink) applyWaitingUpdate();
    });
  }, [state]);

  if (state === 'none') return null;
  return (
    <div className="update-notice" role="status" aria-label="App update">
      {state === 'updated' ? (
        <>
          <span>JMIX Viewer was updated to the latest version.</span>
          <button type="button" onClick={() => setState('none')}>
            Dismiss
          </button>
        </>
      ) : (
        <>
          <span>A new version of JMIX Viewer is ready. It loads when you close this envelope.</span>
          <button type="button" onClick={applyWaitingUpdate}>
            Reload now
          </button>
        </>
      )}
    </div>
  );
}
