import { setTimeout as sleep } from 'node:timers/promises'
import { StaleFenceError } from '../../persistence/stores/stale-fence-error.ts'
import type { Lease, StateStore } from '../../persistence/stores/state-store.ts'
import { LeaseHeldError } from '../checkpoint/lease-held-error.ts'
import type { Job, JobSummary } from '../contracts/job.ts'
import type { PartitionEvent } from './partition-options.ts'
import { doneMarker } from './partition-keys.ts'

/** How a partition job ended: its summary when it ran to its end here, the error that must fail the runner, if any. */
export interface PartitionOutcome {
  readonly completed?: JobSummary
  readonly failure?: unknown
}

/**
 * One partition's job in the runner holding its lease. When the job completes (and this runner
 * did not lose the lease), the done marker is written fenced by the lease — a runner that lost
 * the lease meanwhile cannot mark it — and only then is the lease released, so the next holder
 * reads the marker and does not run the partition again. `settled` resolves after that.
 *
 * @example
 * const pj = new PartitionJob(2, lease, p.run({ store, restore: 'latest' }), store, 'orders', 'runner-a')
 * const { completed, failure } = await pj.settled
 */
export class PartitionJob {
  /** Set when the runner stops the job itself: hand-over, lost lease or stop. */
  leaving: PartitionEvent['kind'] | undefined
  /** Set once the job ended: its lease is released (or about to be) by `settled`, not lost. */
  ended = false
  readonly settled: Promise<PartitionOutcome>

  constructor(readonly partition: number, readonly lease: Lease, readonly job: Job, store: StateStore, group: string, runner: string) {
    job.done.then(() => { this.ended = true }, () => { this.ended = true })
    this.settled = job.done.then(async (summary): Promise<PartitionOutcome> => {
      const completed = summary.status === 'completed' && this.leaving !== 'lost'
      if (completed) await store.put(doneMarker(group, partition), new TextEncoder().encode(runner), { fence: { lease: lease.name, token: lease.token } })
      await lease.release()
      return completed ? { completed: summary } : {}
    }).catch(async (e: unknown): Promise<PartitionOutcome> => {
      await lease.release().catch(() => undefined)
      // LeaseHeldError: the previous owner's job lease is still valid (another host, within its
      // TTL) — a later round tries again. StaleFenceError on the marker: the lease was lost
      // meanwhile and its new holder finishes the partition. Neither fails the runner.
      const expected = e instanceof LeaseHeldError || e instanceof StaleFenceError || this.leaving !== undefined
      return expected ? {} : { failure: e }
    })
  }

  /** Stops the job gracefully (a final checkpoint) for `why`; false when it is already leaving, or ended. */
  leave(why: PartitionEvent['kind']): boolean {
    if (this.leaving || this.ended) return false
    this.leaving = why
    void this.job.stop().catch(() => undefined)
    return true
  }

  /**
   * The checkpoint the job restored (undefined: a fresh start), once it knows: when it leaves
   * 'starting'. No time limit — on a loaded machine opening and restoring can take long, and an
   * answer given before the restore would say "fresh" wrongly. Null when the job never ran: it was
   * refused at start because the partition's pipeline lease is still held (LeaseHeldError; a later
   * round tries again) — the runner then reports no 'acquired'.
   */
  async restoredFrom(): Promise<number | undefined | null> {
    for (;;) {
      const m = this.job.metrics()
      if (m.status !== 'starting' || this.ended) {
        if (m.status === 'failed' && m.restore === undefined && await this.job.done.then(() => false, (e: unknown) => e instanceof LeaseHeldError)) return null
        return m.restore?.checkpointId
      }
      await sleep(25)
    }
  }
}
