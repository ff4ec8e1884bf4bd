import type { CheckpointListing } from './checkpoint-reports.ts'

/**
 * The line of checkpoint `id`: it and every checkpoint its state descends from, following each
 * manifest's `previous` back to the run that started fresh. A manifest without `previous`
 * (written before it existed) is taken to continue the committed checkpoint below it, as every
 * history was then; the line stops at a checkpoint whose manifest is unreadable or gone (what
 * came before it is unknown, so none of it counts as the line's).
 *
 * @example
 * checkpointLine(await cs.list(), 7) // Set { 7, 6, 2, 1 }: 6 restored 2, and its run went on to 7
 */
export function checkpointLine(listings: readonly CheckpointListing[], id: number): Set<number> {
  const byId = new Map(listings.map((l) => [l.id, l]))
  const ids = listings.map((l) => l.id).sort((a, b) => b - a)
  const line = new Set<number>()
  for (let at: number | null | undefined = id; at !== null && at !== undefined;) {
    const listing = byId.get(at)
    if (listing === undefined) break
    line.add(at)
    if (!listing.ok) break
    const previous: number | null | undefined = listing.manifest.previous
    // `previous` is below the manifest's own id (checked when it is read), so the walk ends.
    at = previous !== undefined ? previous : ids.find((other) => other < at!)
  }
  return line
}
