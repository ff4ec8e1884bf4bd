import { andThen, type Maybe } from '../maybe.ts'
import { inputOffset, type OperatorContext, type Output } from './operator.ts'

/**
 * Runs `each` on records[start..] synchronously; a throw goes to the step's failure policy
 * (which may retry `each`), and the loop goes on after it — asynchronously only from the
 * first failure that needs to wait (a retry backoff or a dead-letter write).
 * `base` is the step's input count before this batch, for the offset in error messages.
 *
 * @example
 * return eachRecord(ctx, records, base, (r) => { out.push(fn(r)) })
 */
export function eachRecord(ctx: OperatorContext, records: readonly unknown[], base: number,
  each: (record: unknown) => void, start = 0): Maybe<void> {
  for (let i = start; i < records.length; i++) {
    try {
      each(records[i])
    } catch (e) {
      const record = records[i]
      const r = ctx.failures.handle([record], inputOffset(base, i), e, () => each(record))
      if (r instanceof Promise) return r.then(() => eachRecord(ctx, records, base, each, i + 1))
    }
  }
}

/**
 * A record-at-a-time step's batch: counts the records in, runs `each` on every record (under the
 * failure policy, as `eachRecord`) with the output array to push to, then counts what was pushed
 * out and sends it to `next` as one batch (nothing when empty).
 *
 * @example
 * batch(records) { return collectEach(this.ctx, records, this.next, (r, out) => { out.push(fn(r)) }) }
 */
export function collectEach(ctx: OperatorContext, records: readonly unknown[], next: Output,
  each: (record: unknown, out: unknown[]) => void): Maybe<void> {
  const c = ctx.counters
  const base = c.recordsIn
  c.recordsIn += records.length
  const out: unknown[] = []
  return andThen(eachRecord(ctx, records, base, (r) => { each(r, out) }), () => {
    c.recordsOut += out.length
    return out.length > 0 ? next.batch(out) : undefined
  })
}
