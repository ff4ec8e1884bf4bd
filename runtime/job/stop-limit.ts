import type { StallError } from './stall-error.ts'

/**
 * The limit on a graceful stop (`stopTimeout`): once `start`'s time has passed, `expired` rejects
 * with the StallError `report` makes, naming what the stop waits for. The job races its whole
 * attempt against it — the run, and also the end after it (the last checkpoint, the results, the
 * closes): a source reader whose close waits for a read that never returns once kept `done` from
 * ever settling, because only the run raced the limit.
 *
 * @example
 * const limit = new StopLimit(); limit.start(60_000, () => detector.report('stop', '…')); await limit.race(attempt())
 */
export class StopLimit {
  /** Rejects with the stop's StallError once the limit passed; never resolves. */
  readonly expired: Promise<never>
  /** The error `expired` rejected with, once it did. */
  error: unknown
  private expire!: (e: unknown) => void
  private timer: NodeJS.Timeout | undefined

  constructor() {
    this.expired = new Promise<never>((_, reject) => { this.expire = reject })
    this.expired.catch(() => {}) // nobody may be racing it when it expires (the job ended meanwhile)
  }

  /** Starts the limit (once: a second stop keeps the first one's). */
  start(ms: number, report: () => Promise<StallError>): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      const expire = (e: unknown): void => { this.error = e; this.expire(e) }
      void report().then(expire, expire)
    }, ms)
    // The job's own keep-alive holds the process while it runs; an ended job must not be held by this.
    this.timer.unref()
  }

  /** The job ended: the limit no longer applies. */
  clear(): void {
    clearTimeout(this.timer)
  }

  /** `work`'s outcome, or the stop's StallError if the limit passes first. */
  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired])
  }
}
