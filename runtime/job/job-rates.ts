import type { StepTotals } from './job-stats.ts'
import { RateWindow } from './rate-window.ts'

/** How often a running job samples its counters for rates (ms). */
export const RATE_SAMPLE_MS = 250
/** The trailing window rates cover (ms): see `StepMetrics.ratePerSec`. */
export const RATE_WINDOW_MS = 1_000

/**
 * A job's counter history for rates: while the job runs it samples every step's records in and
 * each source's bytes read every RATE_SAMPLE_MS (`take`: fresh figures of every host, a worker
 * host's fetched by message; a tick while one is in flight is skipped), and once more at the
 * end (`note`). Readers compute rates from `window` and never touch the history, so the TTY line,
 * a Prometheus scrape and a user's own polling see the same figures.
 *
 * @example
 * const rates = new JobRates(async () => stepTotals(plan, await figures.fresh(hosts))); rates.start(); rates.window.rate('records:out')
 */
export class JobRates {
  readonly window = new RateWindow(RATE_WINDOW_MS, RATE_SAMPLE_MS / 2)
  private timer: NodeJS.Timeout | undefined
  private sampling = false

  constructor(private readonly take: () => Promise<Record<string, StepTotals>>) {}

  /** Samples every RATE_SAMPLE_MS until `stop` (an unref'd timer). */
  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => void this.tick(), RATE_SAMPLE_MS)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Adds the sample of `totals` taken at `at` (performance.now() time). */
  note(at: number, totals: Record<string, StepTotals>): void {
    this.window.add(at, seriesOf(totals))
  }

  private async tick(): Promise<void> {
    if (this.sampling) return
    this.sampling = true
    try {
      const totals = await this.take()
      // Stamped when every host answered: a worker's counters are as of its answer, not the ask.
      if (this.timer) this.note(performance.now(), totals)
    } catch {
      // A host that is closing does not answer; the next tick (or the end's sample) has the figures.
    } finally {
      this.sampling = false
    }
  }
}

/**
 * The series a job's rates are kept for: `records:<step>` (records in) for every step and
 * `bytes:<step>` for sources that count bytes.
 *
 * @example
 * seriesOf(stepTotals(plan, stats)).get('records:parse') // 1200
 */
export function seriesOf(totals: Record<string, StepTotals>): Map<string, number> {
  const out = new Map<string, number>()
  for (const [name, t] of Object.entries(totals)) {
    out.set(`records:${name}`, t.recordsIn)
    if (t.bytes !== undefined) out.set(`bytes:${name}`, t.bytes)
  }
  return out
}
