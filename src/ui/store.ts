// The opener's one store. Keys live here, in memory, and nowhere else (never storage, logs or URLs);
// closeEnvelope() drops every reference the page holds to the envelope.
import { create } from 'zustand';
import { CancelledError, EnvelopeError, type OpenResult, type Progress } from '../jmix/api.ts';
import type { EnvelopeSource } from '../jmix/types.ts';
import { openEnvelopeInWorker } from '../workers/open-client.ts';
import { downloadApiEnvelope, envelopeUrl, type ApiLink } from './jmix-api.ts';
import { fetchEnvelope, nameFromUrl, type DownloadProgress, type EnvelopeLink } from './link.ts';
import { forgetSender, loadTrustedSenders, rememberSender, senderToTrust, type RememberedSender } from './trusted-senders.ts';

export type OpenerKey = string | Uint8Array;

export interface OpenerState {
  source: EnvelopeSource | null;
  /** Key for the current source; in memory only. */
  key: OpenerKey | null;
  /** Ed25519 public keys (base64) the user trusts for manifest.jws; for this page's life only. */
  trustedKeys: string[];
  /** Why the last trusted key could not be used. */
  trustedKeyMessage: string | null;
  /** Senders remembered with "Trust this sender" (public keys, in localStorage). */
  trustedSenders: RememberedSender[];
  busy: boolean;
  /** The link download, while it runs. */
  download: (DownloadProgress & { src: string }) | null;
  progress: Progress | null;
  result: OpenResult | null;
  /** Why the last attempt could not be used at all (EnvelopeError, link failure). */
  error: string | null;
  /** Why the last key did not work, in plain words from the decrypt check. */
  keyMessage: string | null;
  /** The viewer (and so Cornerstone) was loaded: its caches must be purged on close. */
  viewerLoaded: boolean;
  dragging: boolean;
  /** The JMIX API envelope named by a `#api=` link, shown before anything is downloaded. */
  apiLink: ApiLink | null;

  openSource(source: EnvelopeSource, key?: OpenerKey | null): Promise<void>;
  tryKey(key: OpenerKey): Promise<void>;
  /** Check the open envelope's signature again, trusting this Ed25519 public key. */
  trustKey(publicKey: string): Promise<void>;
  /** Remember the key that signed the open envelope for its sender id, then check it again. */
  trustSender(): Promise<void>;
  forgetSender(senderId: string): Promise<void>;
  openLink(link: EnvelopeLink): Promise<void>;
  showApiLink(link: ApiLink): void;
  /** Download the `apiLink` envelope (after the user confirmed) and open it. The token is not kept. */
  downloadFromApi(token: string): Promise<void>;
  cancel(): void;
  closeEnvelope(): void;
  failed(message: string): void;
  setDragging(dragging: boolean): void;
  markViewerLoaded(): void;
}

let running: AbortController | null = null;
let runId = 0;

function startRun(): { id: number; signal: AbortSignal } {
  running?.abort();
  running = new AbortController();
  runId += 1;
  return { id: runId, signal: running.signal };
}

function messageOf(e: unknown): string {
  if (e instanceof Error && e.message) return e.message;
  return 'The envelope could not be opened for an unexpected reason. Try again, or ask the sender for a new copy.';
}

function decryptFailure(result: OpenResult): string | null {
  const check = result.report.checks.find((c) => c.id === 'decrypt');
  if (check?.status !== 'fail') return null;
  return check.detail || check.title || 'This key does not open the envelope.';
}

/** The state with no envelope open: nothing read, no key, no result, no message. */
const NOTHING_OPEN = {
  source: null,
  key: null,
  busy: false,
  download: null,
  progress: null,
  result: null,
  error: null,
  keyMessage: null,
} as const;

export const useOpener = create<OpenerState>()((set, get) => ({
  ...NOTHING_OPEN,
  trustedKeys: [],
  trustedKeyMessage: null,
  trustedSenders: loadTrustedSenders(),
  viewerLoaded: false,
  dragging: false,
  apiLink: null,

  async openSource(source, key = null) {
    const run = startRun();
    // A new source replaces whatever was open, keys included.
    set({ source, key, busy: true, progress: null, download: null, result: null, error: null, keyMessage: null, apiLink: null });
    await runOpen(run, source, key);
  },

  async tryKey(key) {
    const { source } = get();
    if (!source) return;
    const run = startRun();
    set({ key, busy: true, progress: null, error: null, keyMessage: null });
    await runOpen(run, source, key);
  },

  async trustKey(publicKey) {
    const { source, key, trustedKeys } = get();
    if (!source) return;
    const text = publicKey.trim();
    if (publicKeyLength(text) !== 32) {
      set({
        trustedKeyMessage:
          'That is not an Ed25519 public key: paste the 32-byte key in base64 (44 characters, as it appears in signing_key.public_key).',
      });
      return;
    }
    const run = startRun();
    set({ trustedKeys: [...new Set([...trustedKeys, text])], trustedKeyMessage: null, busy: true, progress: null, error: null });
    await runOpen(run, source, key);
  },

  async trustSender() {
    const { source, key, result, trustedSenders } = get();
    const candidate = result ? senderToTrust(result, trustedSenders) : null;
    if (!source || !candidate) return;
    const run = startRun();
    set({ trustedSenders: rememberSender(trustedSenders, candidate), busy: true, progress: null, error: null });
    await runOpen(run, source, key);
  },

  async forgetSender(senderId) {
    const { source, key, trustedSenders } = get();
    set({ trustedSenders: forgetSender(trustedSenders, senderId) });
    if (!source) return;
    const run = startRun();
    set({ busy: true, progress: null, error: null });
    await runOpen(run, source, key);
  },

  async openLink(link) {
    const run = startRun();
    set({
      source: null,
      key: link.key,
      busy: true,
      result: null,
      error: null,
      keyMessage: null,
      progress: null,
      download: { src: link.src, done: 0, total: 0 },
      apiLink: null,
    });
    let bytes: Blob;
    try {
      bytes = await fetchEnvelope(link.src, {
        signal: run.signal,
        onProgress: (p) => {
          if (run.id === runId) set({ download: { src: link.src, ...p } });
        },
      });
    } catch (e) {
      if (run.id !== runId) return;
      set({ busy: false, download: null, key: null, error: e instanceof CancelledError ? null : messageOf(e) });
      return;
    }
    if (run.id !== runId) return;
    const source: EnvelopeSource = { kind: 'blob', blob: bytes, name: nameFromUrl(link.src) };
    set({ source, download: null });
    await runOpen(run, source, link.key);
  },

  showApiLink(link) {
    running?.abort();
    running = null;
    runId += 1;
    set({
      apiLink: link,
      ...NOTHING_OPEN,
    });
  },

  async downloadFromApi(token) {
    const link = get().apiLink;
    if (!link) return;
    const run = startRun();
    const src = envelopeUrl(link);
    set({
      source: null,
      key: null,
      busy: true,
      result: null,
      error: null,
      keyMessage: null,
      progress: null,
      download: { src, done: 0, total: 0 },
    });
    let bytes: Blob;
    try {
      bytes = await downloadApiEnvelope(link, token, {
        signal: run.signal,
        onProgress: (p) => {
          if (run.id === runId) set({ download: { src, ...p } });
        },
      });
    } catch (e) {
      if (run.id !== runId) return;
      set({ busy: false, download: null, error: e instanceof CancelledError ? null : messageOf(e) });
      return;
    }
    if (run.id !== runId) return;
    const source: EnvelopeSource = { kind: 'blob', blob: bytes, name: `${link.id}.zip` };
    set({ source, download: null });
    await runOpen(run, source, null);
  },

  cancel() {
    running?.abort();
    running = null;
    runId += 1;
    const { result } = get();
    // Cancelling a new key keeps the envelope that was already open; cancelling a first open goes back to start.
    set(
      result ? { busy: false, progress: null, download: null } : { busy: false, progress: null, download: null, source: null, key: null },
    );
  },

  closeEnvelope() {
    running?.abort();
    running = null;
    runId += 1;
    const hadViewer = get().viewerLoaded;
    set({
      ...NOTHING_OPEN,
      viewerLoaded: false,
      dragging: false,
      apiLink: null,
    });
    // The link (if any) named this envelope: after closing, a reload must not open it again.
    if (globalThis.location?.hash) history.replaceState(history.state, '', location.pathname + location.search);
    if (hadViewer) void purgeViewerCaches();
  },

  failed(message) {
    set({ busy: false, progress: null, download: null, error: message });
  },

  setDragging(dragging) {
    if (get().dragging !== dragging) set({ dragging });
  },

  markViewerLoaded() {
    if (!get().viewerLoaded) set({ viewerLoaded: true });
  },
}));

// The viewer's lifecycle is the viewer's own (src/viewer/lifecycle.ts), loaded only once an envelope opens.
const viewerLifecycle = () => import('../viewer/lifecycle.ts');
function warmViewer(): void {
  viewerLifecycle()
    .then((v) => v.warmViewer())
    .catch(() => {}); // the viewer reports its own failure when it mounts
}

async function runOpen(run: { id: number; signal: AbortSignal }, source: EnvelopeSource, key: OpenerKey | null): Promise<void> {
  const set = useOpener.setState;
  warmViewer();
  try {
    // The whole pipeline (unpack, decrypt, hash, DICOM headers) runs in a worker: the page stays live.
    const result = await openEnvelopeInWorker(source, {
      ...(key !== null ? { key } : {}),
      trustedPublicKeys: useOpener.getState().trustedKeys,
      rememberedSenders: useOpener.getState().trustedSenders,
      signal: run.signal,
      onProgress: (p) => {
        if (run.id === runId) set({ progress: p });
      },
    });
    if (run.id !== runId) return;
    set({ result, busy: false, progress: null, keyMessage: key !== null ? decryptFailure(result) : null });
  } catch (e) {
    if (run.id !== runId) return;
    if (e instanceof CancelledError) {
      set({ busy: false, progress: null });
      return;
    }
    const message = e instanceof EnvelopeError ? e.message : messageOf(e);
    // A key retry that fails outright keeps the envelope on screen and says why next to the key field.
    if (useOpener.getState().result) set({ busy: false, progress: null, keyMessage: message });
    else set({ busy: false, progress: null, error: message, source: null, key: null });
  }
}

async function purgeViewerCaches(): Promise<void> {
  try {
    (await viewerLifecycle()).purgeViewer();
  } catch {
    // Purging is best effort: the references above are already dropped.
  }
}

/** Bytes in a base64 or base64url key, or -1 when it is not base64 at all. */
function publicKeyLength(text: string): number {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return -1;
  try {
    return atob(
      text
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .replace(/=+$/, '')
        .padEnd(Math.ceil(text.replace(/=+$/, '').length / 4) * 4, '='),
    ).length;
  } catch {
    return -1;
  }
}
