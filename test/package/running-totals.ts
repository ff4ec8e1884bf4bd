// The package fixtures' input and the oracle for what they print: a running total of `amount`
// per user, computed here with a plain loop, and their output grouped per key so that runs on
// any number of workers (which interleave keys differently, never one key's records) compare.

export interface Order {
  readonly user: string
  readonly amount: number
}

/**
 * `count` orders of 5 users with amounts 0–96, the same every call.
 *
 * @example
 * orders(3) // [{ user: 'u0', amount: 0 }, { user: 'u2', amount: 31 }, { user: 'u4', amount: 62 }]
 */
export function orders(count: number): Order[] {
  return Array.from({ length: count }, (_, i) => ({ user: `u${(i * 7) % 5}`, amount: (i * 31) % 97 }))
}

/**
 * Per user, the running totals in input order, as `{ user: [totals…] }` with users sorted.
 *
 * @example
 * runningTotals([{ user: 'a', amount: 2 }, { user: 'a', amount: 3 }]) // { a: [2, 5] }
 */
export function runningTotals(input: readonly Order[]): Record<string, number[]> {
  const totals = new Map<string, number[]>()
  for (const { user, amount } of input) {
    const seen = totals.get(user) ?? []
    seen.push((seen.at(-1) ?? 0) + amount)
    totals.set(user, seen)
  }
  return sortedObject(totals)
}

/**
 * A reduce step's output `{ key, value }` records grouped per key in output order, keys sorted:
 * comparable with runningTotals whatever the interleaving of keys.
 *
 * @example
 * totalsByKey([{ key: 'b', value: 1 }, { key: 'a', value: 2 }, { key: 'b', value: 4 }]) // { a: [2], b: [1, 4] }
 */
export function totalsByKey(records: readonly unknown[]): Record<string, unknown[]> {
  const totals = new Map<string, unknown[]>()
  for (const record of records) {
    const { key, value } = record as { key: string; value: unknown }
    const seen = totals.get(key) ?? []
    seen.push(value)
    totals.set(key, seen)
  }
  return sortedObject(totals)
}

/**
 * The records of a JSONL file's text, one per line.
 *
 * @example
 * jsonLines('{"a":1}\n{"a":2}\n') // [{ a: 1 }, { a: 2 }]
 */
export function jsonLines(text: string): unknown[] {
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as unknown)
}

function sortedObject<V>(map: ReadonlyMap<string, V>): Record<string, V> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
