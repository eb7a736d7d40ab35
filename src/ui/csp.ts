// The page's connect-src, narrowed to this origin plus the origin of the link being opened. Loaded as
// the first module of index.html, so it runs before any app code can fetch. index.html already holds
// the strict baseline policy (<meta>, from the first byte); a second policy can only narrow, never
// widen (the browser enforces every policy), so this one adds `connect-src 'self' blob: <link origin>`
// on top. A link to another origin opened later (a new #src= / #api= typed into the address bar)
// reloads the page, so the policy is rebuilt for that origin before anything is fetched.
// The link is read by the same parser the app uses (link-fragment.ts, pure and import-free, so this
// module stays first and small): an address the app would refuse gets no origin here either.
import { linkTargetOrigin } from './link-fragment.ts';

/** The origin a `#src=` or `#api=` fragment names, when it is not this page's own; else null. */
export function linkOrigin(hash: string, pageUrl: string): string | null {
  const origin = linkTargetOrigin(hash, pageUrl);
  return origin === null || origin === new URL(pageUrl).origin ? null : origin;
}

/**
 * connect-src for this page: itself, blob: (only this page can mint its blob: URLs) and the link's
 * origin. Nothing else: a forged envelope cannot make the page talk to a third server.
 */
export function connectPolicy(extraOrigin: string | null): string {
  return `connect-src 'self' blob:${extraOrigin ? ` ${extraOrigin}` : ''}`;
}

function install(): void {
  if (typeof document === 'undefined') return;
  const allowed = linkOrigin(location.hash, location.href);
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = connectPolicy(allowed);
  meta.dataset.policy = 'connect';
  document.head.prepend(meta);
  // Registered before the app's own hashchange listener, so it can stop it: the app must not try a
  // fetch this policy refuses (the browser would only say "Refused to connect").
  window.addEventListener('hashchange', (e) => {
    const next = linkOrigin(location.hash, location.href);
    if (next === null || next === allowed) return;
    e.stopImmediatePropagation();
    location.reload();
  });
}

install();
