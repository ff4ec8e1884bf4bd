import type { StateHolder } from '../../persistence/state-holder.ts'
import { KeyedStateRestoreError } from './keyed-state-restore-error.ts'

/**
 * The highest event time (`ttl.timestamp`) of the records a step's event-time TTL states were
 * given: what expires the entries of keys that stopped coming (KeyedStateHolder's clock), also
 * where no watermark reaches the step — after `.keyBy` straight from a source, none comes
 * before its input ends.
 *
 * Checkpointed (`${step}/event-time`): a restored step goes on from the time it had at the
 * barrier (a record out of order by more than the TTL sees what it would have seen). With
 * another parallelism each new instance starts from the lowest time of the old instances that
 * had seen any (no entry expires sooner than it would have on its old instance).
 *
 * @example
 * const clock = new EventClock('count'); clock.observe(1_000); clock.seen() // 1000
 */
export class EventClock implements StateHolder<number> {
  readonly stateId: string
  readonly stateVersion = '1.0.0'
  private highest = -Infinity

  constructor(private readonly step: string) {
    this.stateId = `${step}/event-time`
  }

  /** A record's event time, as a state was given it. */
  observe(time: number): void {
    if (time > this.highest) this.highest = time
  }

  seen(): number {
    return this.highest
  }

  snapshot(): number {
    return this.highest
  }

  restore(state: number): void {
    if (typeof state !== 'number' || Number.isNaN(state)) {
      throw new KeyedStateRestoreError(this.step, this.stateId, `${typeof state === 'number' ? 'NaN' : `a ${state === null ? 'null' : typeof state}`}, not an event time`)
    }
    this.highest = state
  }

  rescale(snapshots: readonly number[]): number {
    const seen = snapshots.filter((t) => t > -Infinity)
    return seen.length === 0 ? -Infinity : Math.min(...seen)
  }
}
