/**
 * The input of the keyed-state benches: a source that fills N keys with exactly 3 records each,
 * then idles (the job stays running, barriers pass), and on `churn(n)` sends one more record to
 * each of n distinct keys (for incremental checkpoints); `halt()` makes the next read throw, so
 * the job ends without the final checkpoint of a graceful stop (it would cost a full one).
 */
import { positionHolder } from '../../components/sources/position-holder.ts'
import type { Source } from '../../index.ts'

/** One input record. */
export interface Ev { key: string; value: number; ts: number }

/** First event time; records are 10 ms apart. */
export const BASE_TS = 1_700_000_000_000

/** A stride coprime to every key count used here: churn record j goes to key (j · STRIDE) mod N. */
const STRIDE = 97

/**
 * Record number `seq` of the fill with `keys` keys: key index, value and event time. Record i < 3N
 * has key `k${i % N}`; churn record 3N + j has key `k${(j · 97) % N}`. The hand-written states
 * are built from the same function, so both sides hold the same values.
 *
 * @example
 * recordAt(10, 0) // { key: 'k0', value: 0, ts: BASE_TS }
 */
export function recordAt(keys: number, seq: number): { index: number; value: number; ts: number } {
  const index = seq < 3 * keys ? seq % keys : ((seq - 3 * keys) * STRIDE) % keys
  return { index, value: Math.imul(seq, 0x9e3779b1) >>> 22, ts: BASE_TS + seq * 10 }
}

/** The source and its controls. */
export interface Filling {
  readonly source: Source<Ev>
  /** True once every record asked for (fill and churn) has been read. */
  filled(): boolean
  /** Records asked for so far (3N plus the churn). */
  total(): number
  /** Sends one more record to each of `n` distinct keys (n ≤ N). */
  churn(n: number): void
  halt(): void
}

/**
 * The filling source for `keys` keys.
 *
 * @example
 * const f = filling(20_000); pipeline('p').source('in', f.source) // …; f.churn(200)
 */
export function filling(keys: number): Filling {
  const names = Array.from({ length: keys }, (_, i) => `k${i}`)
  let end = 3 * keys
  let next = 0
  let halted = false
  const source: Source<Ev> = {
    kind: 'source', description: `filling(${keys} keys × 3)`, bounded: false,
    open: (ctx) => ({
      read(max) {
        if (halted) throw new Error('bench: halted (ends the job without a final checkpoint)')
        if (next >= end) return new Promise<Ev[]>((r) => setTimeout(() => r([]), 5))
        const n = Math.min(max, end - next)
        const out = new Array<Ev>(n)
        for (let j = 0; j < n; j++, next++) {
          const r = recordAt(keys, next)
          out[j] = { key: names[r.index]!, value: r.value, ts: r.ts }
        }
        return out
      },
      position: () => next,
      holders: () => [positionHolder(`${ctx.step}/position`, () => next, (p: number) => { next = p },
        (s) => Number.isSafeInteger(s) ? undefined : 'expected the next record number')],
    }),
  }
  return {
    source,
    filled: () => next >= end,
    total: () => end,
    churn(n) {
      if (!(Number.isInteger(n) && n >= 0 && n <= keys)) throw new Error(`churn(${n}): expected an integer in [0, ${keys}]`)
      end += n
    },
    halt: () => { halted = true },
  }
}
