/**
 * A FIFO of plain data that also pops at the back, kept as `items[head..]` so it snapshots as is.
 * `Array.prototype.shift` is O(n); moving `head` is O(1). The dead prefix is cut once it is at
 * least half the array (and more than a few slots), so shifts stay O(1) amortised and a deque —
 * and its snapshot — holds at most about twice its live items.
 *
 * @example
 * const d: Deque<number> = { items: [], head: 0 }
 * dequePush(d, 1); dequePush(d, 2); dequeShift(d) // 1
 */
export interface Deque<T> {
  items: T[]
  head: number
}

const COMPACT_MIN_HEAD = 32

/**
 * Number of live items.
 *
 * @example
 * dequeSize({ items: [1, 2, 3], head: 1 }) // 2
 */
export function dequeSize(d: Deque<unknown>): number {
  return d.items.length - d.head
}

/**
 * Appends at the back.
 *
 * @example
 * dequePush(d, 3)
 */
export function dequePush<T>(d: Deque<T>, item: T): void {
  d.items.push(item)
}

/**
 * The oldest live item (undefined when empty — check `dequeSize` where items may be undefined).
 *
 * @example
 * dequeFront({ items: [1, 2], head: 1 }) // 2
 */
export function dequeFront<T>(d: Deque<T>): T | undefined {
  return d.head < d.items.length ? d.items[d.head] : undefined
}

/**
 * The newest live item (undefined when empty).
 *
 * @example
 * dequeBack({ items: [1, 2], head: 0 }) // 2
 */
export function dequeBack<T>(d: Deque<T>): T | undefined {
  return d.head < d.items.length ? d.items[d.items.length - 1] : undefined
}

/**
 * Removes and returns the oldest live item.
 *
 * @example
 * dequeShift({ items: [1, 2], head: 0 }) // 1
 */
export function dequeShift<T>(d: Deque<T>): T | undefined {
  if (d.head >= d.items.length) return undefined
  const item = d.items[d.head]
  // Drop the reference now: the dead prefix may wait a while for compaction, and it would keep
  // user values (agg.first) reachable and in snapshots meanwhile.
  d.items[d.head] = undefined as T
  d.head++
  if (d.head === d.items.length) clear(d)
  else if (d.head > COMPACT_MIN_HEAD && d.head * 2 >= d.items.length) {
    // Costs the live items moved, at most the shifts since the last compaction: O(1) amortised.
    d.items.splice(0, d.head)
    d.head = 0
  }
  return item
}

/**
 * Removes and returns the newest live item.
 *
 * @example
 * dequePopBack({ items: [1, 2], head: 0 }) // 2
 */
export function dequePopBack<T>(d: Deque<T>): T | undefined {
  if (d.head >= d.items.length) return undefined
  const item = d.items.pop()
  if (d.head === d.items.length) clear(d)
  return item
}

function clear(d: Deque<unknown>): void {
  d.items.length = 0
  d.head = 0
}
