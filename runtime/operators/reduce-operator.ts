import type { KeyGroup, StateHolder } from '../../persistence/state-holder.ts'
import { keyGroupCache } from '../key-groups/key-group-assignment.ts'
import { andThen, type Maybe } from '../maybe.ts'
import { eachRecord } from './each-record.ts'
import type { Operator, OperatorContext, Output } from './operator.ts'

/**
 * `.reduce(name, fn, init)` on a keyed stream: per key, `acc = fn(acc, record)` starting from
 * `init()`, emitting `{ key, value: acc }` after each record. State is kept per key group so a
 * checkpoint can be split and merged when the parallelism changes.
 */
export class ReduceOperator implements Operator {
  private readonly groups = new Map<KeyGroup, Map<unknown, unknown>>()
  private readonly groupOf: (key: unknown) => KeyGroup

  constructor(
    private readonly ctx: OperatorContext,
    private readonly fn: (acc: unknown, record: unknown) => unknown,
    private readonly init: () => unknown,
    private readonly next: Output,
  ) {
    this.groupOf = keyGroupCache(ctx.maxKeyGroups)
  }

  batch(records: readonly unknown[]): Maybe<void> {
    const c = this.ctx.counters
    const base = c.recordsIn
    c.recordsIn += records.length
    const keyOf = this.ctx.step.key!
    const out: unknown[] = []
    return andThen(eachRecord(this.ctx, records, base, (r) => {
      const key = keyOf(r)
      const g = this.groupOf(key)
      let accs = this.groups.get(g)
      if (!accs) this.groups.set(g, accs = new Map())
      const value = this.fn(accs.has(key) ? accs.get(key) : this.init(), r)
      accs.set(key, value)
      out.push({ key, value })
    }), () => {
      c.recordsOut += out.length
      return out.length > 0 ? this.next.batch(out) : undefined
    })
  }

  watermark(time: number): Maybe<void> { return this.next.watermark(time) }
  end(final: boolean): Maybe<void> { return this.next.end(final) }

  holders(): StateHolder[] {
    return [{
      stateId: `${this.ctx.step.name}/accumulators`,
      stateVersion: '1.0.0',
      keyed: true,
      snapshot: () => new Map([...this.groups].map(([g, accs]) => [g, [...accs]])),
      restore: (state: unknown) => {
        this.groups.clear()
        for (const [g, entries] of state as Map<KeyGroup, [unknown, unknown][]>) this.groups.set(g, new Map(entries))
      },
    }]
  }
}
