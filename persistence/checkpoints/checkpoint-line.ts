import type { CheckpointListing } from './checkpoint-reports.ts'

/**
 * The line of a checkpoint: it and the checkpoints its state descends from (`ids`), following each
 * manifest's `previous` back. `knownFrom`: checkpoints at or above this id are on the line or off
 * it for certain; below it nothing is known — the walk stopped at a manifest without `previous`
 * (written before it existed), an unreadable one, or a `previous` that is gone — and 0 when the
 * walk reached the run that started fresh (every checkpoint is known). An ancestor's id is below
 * its descendant's (checked when a manifest is read), so a checkpoint above `knownFrom` and not
 * in `ids` is off the line.
 *
 * @example
 * checkpointLine(await cs.list(), 7) // { ids: Set { 7, 6, 2, 1 }, knownFrom: 0 }: 6 restored 2, its run went on to 7
 */
export interface CheckpointLine {
  readonly ids: ReadonlySet<number>
  readonly knownFrom: number
}

/**
 * The line of checkpoint `id` among `listings` (see CheckpointLine).
 *
 * @example
 * const { ids, knownFrom } = checkpointLine(await cs.list(), 7)
 */
export function checkpointLine(listings: readonly CheckpointListing[], id: number): CheckpointLine {
  const byId = new Map(listings.map((l) => [l.id, l]))
  const ids = new Set<number>()
  for (let at = id; ;) {
    const listing = byId.get(at)
    if (listing === undefined) return { ids, knownFrom: at }
    ids.add(at)
    const previous = listing.ok ? listing.manifest.previous : undefined
    if (previous === null) return { ids, knownFrom: 0 }
    if (previous === undefined) return { ids, knownFrom: at }
    at = previous
  }
}
