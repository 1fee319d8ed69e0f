import type { RoutedVersion } from '@ajx/dept-store';

/**
 * What a re-projection projects of a record (or finding) the store holds at version `stored`, live routing having
 * routed it up to `routed` (`route_records`):
 * - `none`: live routing has not routed it yet — it will route every version, to the department too (the directory
 *   check), so projecting any now would only make live routing drop the older ones as not upward;
 * - `stored`: live routing is at the stored version — project it;
 * - `routed`: live routing is at another version — project that one (the store's newer versions are still to be
 *   routed live; an older store is behind and the page waits for it).
 *
 * Projecting each record only up to what live routing has routed is what keeps every version in the department's
 * feed (docs/reliability.md, "A department created during the load").
 */
export type HandOver = 'none' | 'stored' | 'routed';

export function handOverOf(stored: RoutedVersion, routed: RoutedVersion | undefined): HandOver {
  if (!routed) return 'none';
  return routed.version === stored.version && routed.eventId === stored.eventId ? 'stored' : 'routed';
}
