import type { Maybe } from '../maybe.ts'
import { inputOffset, type OperatorContext } from './operator.ts'

/**
 * Runs `each` on records[start..] synchronously; a throw goes to the step's failure policy
 * (which may retry `each`), and the loop goes on after it — asynchronously only from the
 * first failure that needs to wait (a retry backoff or a dead-letter write).
 * `base` is the step's input count before this batch, for the offset in error messages.
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
