/**
 * An incremental aggregate over a window's records, as `agg.*` builds them and `.aggregate` runs
 * them. Accumulators are plain data (v8.serialize-able: objects, arrays, Map, numbers) without
 * shared parts: window state snapshots them as columns by shape, which keep values, not identity
 * (an object reached twice reads back as two equal ones).
 *
 * What the window step promises in return: every record is added once; `evict` gets the oldest
 * record still in the accumulator (FIFO), the same object that was added — or any record still in
 * it when the aggregator declares `evictsAny`; value functions are pure. An `add` that throws
 * leaves the accumulator unchanged, so the window must not keep that record. An empty window gives
 * `count` 0, `sum` 0 and `null` for every other aggregator.
 *
 * @example
 * const total = agg.sum((r: { value: number }) => r.value)
 * let acc = total.create()
 * acc = total.add(acc, { value: 2 })
 * acc = total.add(acc, { value: 3 })
 * acc = total.evict(acc, { value: 2 })
 * total.result(acc) // 3
 */
export interface Aggregator<R = unknown, A = unknown, V = unknown> {
  /** 'count', 'sum', … — names the aggregator in messages and state descriptions. */
  readonly kind: string
  /**
   * True when `evict(acc, record)` takes back any record still in `acc`, wherever it is, not only
   * the oldest (count, sum, avg, distinctCount, stddev, percentile). The window step then undoes a
   * half-done add through it and the sort window, which evicts its largest record, keeps the
   * aggregate incrementally; others are recomputed from the sort window's records when it emits.
   * Absent means false.
   */
  readonly evictsAny?: boolean
  /** A fresh accumulator of an empty window. */
  create(): A
  /** Adds the newest record; may mutate and return `acc`. */
  add(acc: A, record: R): A
  /** Removes the OLDEST record still in the accumulator (FIFO eviction for sliding windows). */
  evict(acc: A, record: R): A
  /** The aggregate of the records now in `acc`; does not change `acc`. */
  result(acc: A): V
  /**
   * Combines two accumulators of adjacent ranges, `a` before `b` in arrival order (session merges,
   * key-group merges). May mutate and return `a`; never changes `b` nor shares its arrays or maps.
   */
  merge(a: A, b: A): A
  /**
   * Optional cheaper form for windows whose records never leave before the window closes
   * (tumbling, session, count-batch windows: modes `append` and `merge`), e.g. a running minimum
   * instead of a monotonic deque. Its accumulator is its own; `evict` is never called on it,
   * except to undo a half-done add when the aggregator declares `evictsAny`.
   */
  readonly appendOnly?: Omit<Aggregator<R, any, V>, 'appendOnly' | 'evictsAny'>
  /**
   * Optional: the accumulator kept in place in `width` float64 fields of a row, so event-time and
   * count windows keep their state in rows of numbers instead of one object per window (see
   * AccumulatorColumns; snapshots write those rows as columns). Aggregators
   * whose accumulator holds records, sets or arrays (distinctCount, percentile, stddev's
   * expansions, first/last of any value) leave it out, and the step keeps objects.
   */
  readonly columns?: AccumulatorColumns<V>
}

/**
 * An aggregator's accumulator as `width` float64 fields of a window's row: `d[i]…d[i + width − 1]`,
 * where `d` holds the step's rows one after another (row-major: a row's fields share cache lines,
 * and the step's loop reads one array's base instead of one per field) and `i` is the index of the
 * accumulator's first field in its row. The number of values in the accumulator is not one of its
 * fields: the row keeps one count for all of a window's aggregates and passes it in (`n`: before
 * the add; `nInto`, `nFrom`: of the two merged). An add is two steps: `value(record)` takes the
 * number from the record and may throw (then nothing changed); `add` cannot throw. Must give
 * exactly what `create`/`add`/`merge`/`result` on the accumulator object give, bit for bit (the
 * window step may keep either). Snapshots store each aggregate's count before its fields, so a
 * snapshot reads as the object form's `{ n, … }` would.
 *
 * @example
 * const count: AccumulatorColumns<number> = { width: 0, init() {}, value: () => 0, add() {}, merge() {}, result: (d, i, n) => n }
 */
export interface AccumulatorColumns<V> {
  /** Float64 fields per accumulator, besides the count the row keeps (0: the count is all it needs). */
  readonly width: number
  /** Makes the accumulator at `d[i]…` an empty one. */
  init(d: Float64Array, i: number): void
  /** The number `add` takes for `record` (validated: throws for a value the aggregator refuses). */
  value(record: unknown): number
  /**
   * Optional: the function `value` calls when `value(record)` is exactly "its result if a finite
   * number (−0 made +0), else a throw" — so a window step's generated loop calls it directly and
   * checks the number itself, sending a record it refuses to `value` for the error.
   */
  readonly finite?: (record: unknown) => unknown
  /** Optional, with `finite`: `value` also refuses numbers beyond ±maxAbs (the generated loop checks both). */
  readonly maxAbs?: number
  /** Adds a value `value` returned to the accumulator at `d[i]…`, which holds `n` values before it (the row counts it). */
  add(d: Float64Array, i: number, x: number, n: number): void
  /**
   * Adds the accumulator at `d[from]…` (of `nFrom` values) into the one at `d[into]…` (of `nInto`:
   * `into`'s window before `from`'s in arrival order); `from` is unchanged.
   */
  merge(d: Float64Array, into: number, from: number, nInto: number, nFrom: number): void
  /** The aggregate of the accumulator at `d[i]…`, which holds `n` values. */
  result(d: Float64Array, i: number, n: number): V
  /**
   * Optional: writes `acc`, an accumulator of the aggregator's object form (its `appendOnly` form
   * where it has one), at `d[i]…` and returns how many values it holds — how a snapshot written
   * while the step kept objects restores into rows. Throws a RangeError for anything else.
   * Without it such a snapshot is refused.
   */
  load?(d: Float64Array, i: number, acc: unknown): number
}
