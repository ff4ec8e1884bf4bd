/** One sample of a job's counters: when it was taken (ms, any monotonic clock) and each series' value then. */
export interface CounterSample {
  readonly at: number
  readonly values: ReadonlyMap<string, number>
}

/**
 * Rates of change of counters over a trailing window, computed from samples only: the rate of a
 * series is its change from the base sample — the newest one taken at least `windowMs` before
 * the newest sample, or the oldest one kept while the history is shorter — to the newest sample,
 * per second. Reading never changes anything, so any number of readers at any frequency see the
 * same figure until the next sample is added (a reader that kept a "last sample" of its own used
 * to reset every other reader's interval). A sample less than `minGapMs` after the newest kept
 * one only stands as the newest figures until a later one is kept, so a flood of samples cannot
 * shrink the window; at most `capacity` samples are kept.
 *
 * @example
 * const w = new RateWindow(1000); w.add(0, new Map([['in', 0]])); w.add(1000, new Map([['in', 500]])); w.rate('in') // 500
 */
export class RateWindow {
  /** Samples at least minGapMs apart, oldest first; the first is the base once the history covers the window. */
  private readonly samples: CounterSample[] = []
  /** A sample taken less than minGapMs after the newest kept one: the newest figures, not kept as a base. */
  private latest: CounterSample | undefined

  constructor(readonly windowMs = 1_000, private readonly minGapMs = 100, private readonly capacity = 64) {}

  /** Adds the sample taken at `at` (one earlier than the newest is ignored). */
  add(at: number, values: ReadonlyMap<string, number>): void {
    const s = this.samples
    const kept = s.at(-1)
    if (kept !== undefined && at < (this.latest ?? kept).at) return
    if (kept !== undefined && at - kept.at < this.minGapMs) {
      this.latest = { at, values }
      return
    }
    this.latest = undefined
    s.push({ at, values })
    // The base is the newest sample at least windowMs before the newest: older ones go.
    while (s.length > 2 && s[1].at <= at - this.windowMs) s.shift()
    while (s.length > this.capacity) s.shift()
  }

  /** The newest sample, or undefined before the first. */
  get newest(): CounterSample | undefined {
    return this.latest ?? this.samples.at(-1)
  }

  /** The span the rates cover now, in ms (0 before two samples). Bounded by windowMs plus the time between two samples. */
  get spanMs(): number {
    const s = this.samples
    return s.length === 0 ? 0 : this.newest!.at - s[0].at
  }

  /**
   * Change of `series` per second over the window (between the base and the newest sample), or
   * undefined before two samples. A series absent from a sample counts as 0 there.
   */
  rate(series: string): number | undefined {
    const base = this.samples[0]
    const newest = this.newest
    if (base === undefined || newest === undefined) return undefined
    const dt = newest.at - base.at
    if (dt <= 0) return undefined
    return ((newest.values.get(series) ?? 0) - (base.values.get(series) ?? 0)) * 1000 / dt
  }
}
