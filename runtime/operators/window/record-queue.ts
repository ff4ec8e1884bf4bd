/**
 * A FIFO of plain data kept as `items[head..]`: O(1) amortised shift, and it snapshots as is.
 * The dead prefix is cut once it is half the array, so it holds at most about twice its items.
 *
 * @example
 * const q: RecordQueue<number> = { items: [], head: 0 }
 * q.items.push(1); queueShift(q) // 1
 */
export interface RecordQueue<T = unknown> {
  items: T[]
  head: number
}

/**
 * Number of live items.
 *
 * @example
 * queueSize({ items: [1, 2, 3], head: 1 }) // 2
 */
export function queueSize(q: RecordQueue<unknown>): number {
  return q.items.length - q.head
}

/**
 * Removes and returns the oldest item (undefined when empty).
 *
 * @example
 * queueShift({ items: [1, 2], head: 0 }) // 1
 */
export function queueShift<T>(q: RecordQueue<T>): T | undefined {
  if (q.head >= q.items.length) return undefined
  const item = q.items[q.head]
  q.items[q.head++] = undefined as T // released now: the dead prefix may wait for compaction
  if (q.head === q.items.length) {
    q.items.length = 0
    q.head = 0
  } else if (q.head > 32 && q.head * 2 >= q.items.length) {
    q.items.splice(0, q.head)
    q.head = 0
  }
  return item
}
