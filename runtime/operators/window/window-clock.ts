import type { Maybe } from '../../maybe.ts'
import type { OperatorContext } from '../operator.ts'

/**
 * The one job-clock timer of a processing-time window step, kept at its earliest due window:
 * re-armed only when that time changes, cancelled on end, stop and close. The callback runs in
 * the actor's mailbox (`ctx.setTimer`), so it never interleaves with a batch.
 *
 * @example
 * const clock = new WindowClock(ctx, () => fireDue()); clock.arm(timers.next)
 */
export class WindowClock {
  private at = Infinity
  private cancel: (() => void) | undefined

  constructor(private readonly ctx: OperatorContext, private readonly onDue: () => Maybe<void>) {}

  /** Makes `next` (a job-clock time; Infinity: none) the time of the timer. */
  arm(next: number): void {
    if (next === this.at) return
    this.disarm()
    if (next === Infinity) return
    this.at = next
    this.cancel = this.ctx.setTimer(Math.max(0, next - this.ctx.clock.now()), () => {
      this.cancel = undefined
      this.at = Infinity
      return this.onDue()
    })
  }

  disarm(): void {
    this.cancel?.()
    this.cancel = undefined
    this.at = Infinity
  }
}
