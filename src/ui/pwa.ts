/// <reference types="vite-plugin-pwa/vanillajs" />
// Offline support: register the Workbox service worker (vite-plugin-pwa, 'prompt' mode) and apply
// updates whole. A new build waits until no envelope is open, then takes over with a reload, and the
// reloaded page says so. The old page never runs on the new build's cache (no half-old app).
declare const __DEMO_CACHE__: string;

const UPDATED_FLAG = 'jmix-viewer:updated';

export type UpdateState = 'none' | 'waiting' | 'updated';

export interface ServiceWorkerHooks {
  /** True while an envelope is open or opening: an update must not reload it away. */
  isBusy(): boolean;
  onState(state: UpdateState): void;
}

let applyUpdate: (() => void) | null = null;

/** Reload into the waiting build now (the notice's button, or when the open envelope is closed). */
export function applyWaitingUpdate(): void {
  applyUpdate?.();
}

/** Caches of demo envelopes from other builds (the current name carries a hash of the demos). */
async function dropOldDemoCaches(): Promise<void> {
  if (!('caches' in globalThis)) return;
  for (const name of await caches.keys()) {
    if (name.startsWith('jmix-demos-') && name !== __DEMO_CACHE__) await caches.delete(name);
  }
}

export async function startServiceWorker(hooks: ServiceWorkerHooks): Promise<void> {
  if (sessionStorage.getItem(UPDATED_FLAG)) {
    sessionStorage.removeItem(UPDATED_FLAG);
    hooks.onState('updated');
  }
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  const { registerSW } = await import('virtual:pwa-register');
  let update: ((reload?: boolean) => Promise<void>) | null = null;
  applyUpdate = () => void update?.(true);
  update = registerSW({
    immediate: true,
    onNeedRefresh() {
      if (hooks.isBusy()) hooks.onState('waiting');
      else applyWaitingUpdate();
    },
    onNeedReload() {
      // The new service worker controls this page: reload so every file comes from the new build.
      sessionStorage.setItem(UPDATED_FLAG, '1');
      location.reload();
    },
    onRegisteredSW() {
      void dropOldDemoCaches().catch(() => {});
    },
  });
}
