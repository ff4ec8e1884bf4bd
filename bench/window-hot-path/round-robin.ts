/**
 * Round-robin timing of workload-W variants (as bench/w-throughput.ts does it): 1 warm-up and
 * `rounds` timed runs of each, one run of every variant per round so drift in the machine hits
 * them alike, a full GC before each run, every run's output checked against the baseline's.
 */
import { fmt, otherNote, spread, timeOnce, watchOtherProcesses, type Spread } from '../measure.ts'
import { assertSameChecksum, type WEvent, type WVariant } from '../workload-w.ts'

/** One variant's timed runs. */
export interface VariantTimes {
  readonly variant: WVariant
  readonly ms: Spread
  /** Cores other processes kept busy during each timed run (undefined where unknown). */
  readonly others: readonly (number | undefined)[]
  /** The baseline's median time over this variant's: > 1 is faster than the baseline. */
  readonly ratio: number
}

/**
 * Times `variants` (the first is the baseline) on `input`; logs each run; throws when a run's
 * output differs from the baseline's.
 *
 * @example
 * const [hand, ox] = await roundRobin(events, [handLoop, oxiflowCountWindows], 5)
 */
export async function roundRobin(input: readonly WEvent[], variants: readonly WVariant[], rounds: number): Promise<VariantTimes[]> {
  const expected = await variants[0]!.run(input)
  const times = variants.map(() => [] as number[])
  const others = variants.map(() => [] as (number | undefined)[])
  for (let round = 0; round <= rounds; round++) {
    for (const [i, v] of variants.entries()) {
      const watch = watchOtherProcesses()
      const { ms, value } = await timeOnce(() => v.run(input))
      const other = watch()
      assertSameChecksum(v.name, value, expected)
      if (round > 0) { times[i]!.push(ms); others[i]!.push(other) }
      console.log(`  ${round === 0 ? 'warm-up' : `run ${round}  `} ${v.name.padEnd(16)} ${fmt(ms).padStart(7)} ms   ${otherNote(other)}`)
    }
  }
  const base = spread(times[0]!).median
  return variants.map((variant, i) => {
    const ms = spread(times[i]!)
    return { variant, ms, others: others[i]!, ratio: base / ms.median }
  })
}
