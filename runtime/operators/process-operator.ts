import { checkHolders } from '../../persistence/registry/check-holders.ts'
import type { StateHolder } from '../../persistence/state-holder.ts'
import type { Oxi, OxiContext } from '../contracts/oxi.ts'
import { EmitOutsideCallbackError } from './emit-outside-callback-error.ts'
import { andThen, type Maybe } from '../maybe.ts'
import { releaseOxi } from './oxi-instances.ts'
import { keyGroupCache, rangeOf } from '../key-groups/key-group-assignment.ts'
import { DeclaredStates } from '../state/oxi-state.ts'
import { inputOffset, type OperatorContext, type Output } from './operator.ts'
import { Pipe } from './pipe.ts'

/**
 * `.process`: runs a user Oxi. Emits are buffered and sent as one batch after each callback.
 * Under `onError: 'fail'` onBatch takes whole batches. Under any other policy it takes one record
 * at a time, so that a failure is that record's: the policy retries, skips or dead-letters it
 * alone (a retry calls onBatch again with it, what the failed call emitted discarded). Applied to
 * a whole batch, skip dropped the good records with the bad one — as many as the batch held, so
 * the output depended on the batch size and the worker count.
 * `ctx.emit` works only while onBatch, onWatermark or onEnd runs (until its promise settles):
 * anywhere else the record could never be sent, so it throws EmitOutsideCallbackError.
 * `ctx.state` declares per-key state in `open` (runtime/state/); its holders come before the Oxi's own.
 */
export class ProcessOperator extends Pipe {
  private out: unknown[] = []
  private readonly oxiCtx: OxiContext<unknown>
  /** Where the Oxi is: emits are taken only `inCallback`. */
  private phase: 'opening' | 'idle' | 'inCallback' | 'ended' = 'opening'
  private readonly states: DeclaredStates
  /** The highest watermark received: event time for event-time TTL. */
  private wm = -Infinity

  constructor(private readonly ctx: OperatorContext, private readonly oxi: Oxi, next: Output) {
    super(next)
    const key = ctx.step.key
    this.states = new DeclaredStates({ step: ctx.step.name, keyOf: key, groupOf: keyGroupCache(ctx.maxKeyGroups),
      owned: { range: rangeOf(ctx.instance, ctx.maxKeyGroups, ctx.parallelism), instance: ctx.instance, parallelism: ctx.parallelism },
      now: () => ctx.clock.now(), watermark: () => this.wm })
    this.oxiCtx = {
      pipelineId: ctx.pipelineId,
      step: ctx.step.name,
      instance: ctx.instance,
      emit: (record) => {
        if (this.phase !== 'inCallback') throw new EmitOutsideCallbackError(ctx.step.name, WHEN[this.phase])
        this.out.push(record)
      },
      key: key ? (record) => key(record) : () => null,
      now: () => ctx.clock.now(),
      state: this.states,
    }
  }

  open(): Maybe<void> {
    return andThen(this.oxi.open?.(this.oxiCtx), () => {
      this.phase = 'idle'
      this.states.close()
    })
  }

  override batch(records: readonly unknown[]): Maybe<void> {
    const c = this.ctx.counters
    const base = c.recordsIn
    c.recordsIn += records.length
    if (!this.ctx.failures.failsStep && records.length > 1) return this.oneByOne(records, base, 0)
    // The common case, an onBatch that neither throws nor rejects, makes no closure and no offset text.
    let r: Maybe<void>
    try {
      r = this.onBatch(records)
    } catch (e) {
      return andThen(this.failed(records, base, e), () => this.flush())
    }
    if (r instanceof Promise) return r.then(() => this.flush(), (e: unknown) => andThen(this.failed(records, base, e), () => this.flush()))
    return this.flush()
  }

  override watermark(time: number): Maybe<void> {
    if (time > this.wm) this.wm = time
    return andThen(this.during(() => this.oxi.onWatermark?.(time, this.oxiCtx)), () => andThen(this.flush(), () => this.next.watermark(time)))
  }

  override end(final: boolean): Maybe<void> {
    const ended = final ? this.during(() => this.oxi.onEnd?.(this.oxiCtx)) : undefined
    return andThen(ended, () => {
      this.phase = 'ended'
      return andThen(this.flush(), () => this.next.end(final))
    })
  }

  close(): void {
    releaseOxi(this.oxi)
  }

  /** onBatch on each record from `from` on, in order, a failure handled per record; then the emits go on as one batch. */
  private oneByOne(records: readonly unknown[], base: number, from: number): Maybe<void> {
    for (let i = from; i < records.length; i++) {
      const one = [records[i]]
      const kept = this.out.length
      let r: Maybe<void>
      let handled = false
      try {
        r = this.onBatch(one, kept)
      } catch (e) {
        r = this.failed(one, base + i, e, kept)
        handled = true
      }
      if (r instanceof Promise) {
        // A rejected onBatch goes to the policy; a rejected policy (retries spent) fails the step.
        const settled = handled ? r : r.then(undefined, (e: unknown) => this.failed(one, base + i, e, kept))
        return settled.then(() => this.oneByOne(records, base, i + 1))
      }
    }
    return this.flush()
  }

  holders(): StateHolder[] {
    // Checked before the spread: a non-array would fail as a TypeError from here.
    const own = this.oxi.holders ? checkHolders(this.ctx.step.name, "its Oxi's holders()", this.oxi.holders()) : []
    return [...this.states.holders(), ...own]
  }

  /**
   * One call of the Oxi's onBatch on `records`, what an earlier failed call emitted discarded
   * (the emits past `kept`: those of earlier records of the batch stay).
   * Every record's key is checked, used or not, so an invalid key fails whatever the parallelism.
   * On several instances the keyBy's router computed each record's key to pick this instance, and
   * failed there on an invalid one: no second call per record here.
   */
  private onBatch(records: readonly unknown[], kept = 0): Maybe<void> {
    if (this.out.length > kept) this.out.length = kept
    const key = this.ctx.step.key
    if (key && this.ctx.parallelism === 1) for (let i = 0; i < records.length; i++) key(records[i])
    this.phase = 'inCallback'
    let r: Maybe<void>
    try {
      r = this.oxi.onBatch(records, this.oxiCtx)
    } catch (e) {
      this.phase = 'idle'
      throw e
    }
    return this.settle(r)
  }

  /** The records from input record `base` failed with `e`: the step's error policy decides (a retry calls onBatch again); emits past `kept` are theirs. */
  private failed(records: readonly unknown[], base: number, e: unknown, kept = 0): Maybe<void> {
    const retry = (): Maybe<void> => this.onBatch(records, kept)
    const offset = records.length === 1 ? inputOffset(base, 0) : `${inputOffset(base, 0)}..${base + records.length}`
    return andThen(this.ctx.failures.handle(records, offset, e, retry), (ok) => {
      if (!ok) this.out.length = kept
    })
  }

  /** Runs one Oxi callback with emits taken until it returns (or its promise settles). */
  private during(callback: () => Maybe<void>): Maybe<void> {
    this.phase = 'inCallback'
    let r: Maybe<void>
    try {
      r = callback()
    } catch (e) {
      this.phase = 'idle'
      throw e
    }
    return this.settle(r)
  }

  /** A callback returned `r`: emits are taken until it settles. */
  private settle(r: Maybe<void>): Maybe<void> {
    if (!(r instanceof Promise)) {
      this.phase = 'idle'
      return
    }
    return r.finally(() => { this.phase = 'idle' })
  }

  private flush(): Maybe<void> {
    const out = this.out
    if (out.length === 0) return
    this.out = []
    this.ctx.counters.recordsOut += out.length
    return this.next.batch(out)
  }
}

/** How an emit outside a callback is told, by where the Oxi is. */
const WHEN = {
  opening: 'in open (nothing can be sent before the input starts)',
  idle: 'outside a callback (from a timer, or a promise onBatch/onWatermark/onEnd did not await)',
  ended: 'after the step ended (onEnd ran, or the job stopped): nothing more goes downstream',
} as const
