import type { Maybe } from '../maybe.ts'
import type { Operator, Output } from './operator.ts'

/**
 * The forwarding base of a chain's operators (as @most/core's `Pipe`): watermarks and the end
 * go on to `next` unchanged, so an operator writes only what it does differently — its `batch`,
 * and `watermark` or `end` where it holds something back (a partial group, an Oxi's emits).
 *
 * @example
 * class Upper extends Pipe { override batch(rs: readonly unknown[]) { return this.next.batch(rs.map(String)) } }
 */
export abstract class Pipe implements Operator {
  constructor(protected readonly next: Output) {}

  abstract batch(records: readonly unknown[]): Maybe<void>

  watermark(time: number): Maybe<void> {
    return this.next.watermark(time)
  }

  end(final: boolean): Maybe<void> {
    return this.next.end(final)
  }
}
