// What the page asks of the viewer outside a mount: get ready while an envelope opens, forget
// everything on close. The store reaches this module through one dynamic import, so neither it nor
// Cornerstone weighs on the start screen.
import { initCornerstone, purgeCornerstone } from './cornerstone.ts';

/**
 * Fetch the viewer chunk and run Cornerstone's set-up while the payload decrypts: they would
 * otherwise stand between the verdict and the first image.
 */
export async function warmViewer(): Promise<void> {
  await import('./StudyViewer.tsx');
  await initCornerstone();
}

/** Drop every decoded image, parsed file and measurement the viewer holds ("Close envelope"). */
export function purgeViewer(): void {
  purgeCornerstone();
}
