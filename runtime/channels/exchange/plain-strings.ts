import type { BuiltColumn } from './column-builder.ts'

/** How many batches a column's strings go plain after one found them mostly distinct or new. */
const PLAIN_BATCHES = 8

/**
 * How many of the next batches should send a column's strings plain (one per row, joined or as
 * an array) instead of a dictionary or table ids, given that `plainLeft` were due before this
 * batch and what this batch's column became. A dictionary pays when strings repeat within a
 * batch: each row costs a Map lookup (~20 ns here) and each distinct string one copy (~20–40 ns),
 * against one copy per row plain; past half the rows distinct it costs more than it saves
 * (before this rule, sending batches of unique ids cost the sender 490 ns per record, cloning
 * them 270 ns). A channel's table pays when strings were sent before; past half the rows adding
 * a string new to it, it costs a Map insert per row and memory for strings that may never come
 * back. So such a column goes plain for the next PLAIN_BATCHES batches, then is probed again.
 * Batches under 64 rows decide nothing: too few rows to tell, too little to lose. (Batches of
 * 1024 over 1000 round-robin keys go plain without a table, by id with one; of 4096, dictionary.)
 *
 * @example
 * plainLeft[j] = plainBatchesAfter(plainLeft[j], built[j], n)
 */
export function plainBatchesAfter(plainLeft: number, column: BuiltColumn, length: number): number {
  if (column.kind === 'string' || column.kind === 'ids') {
    const fresh = column.kind === 'string' ? column.dictionary.size : column.added
    return length >= 64 && fresh * 2 > length ? PLAIN_BATCHES : 0
  }
  return plainLeft > 0 ? plainLeft - 1 : 0
}
