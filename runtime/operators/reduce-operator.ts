import type { KeyGroup, StateHolder } from '../../persistence/state-holder.ts'
import { keyGroupCache } from '../key-groups/key-group-assignment.ts'
import type { Maybe } from '../maybe.ts'
import { collectEach } from './each-record.ts'
import type { OperatorContext, Output } from './operator.ts'
import { Pipe } from './pipe.ts'

/**
 * `.reduce(name, fn, init)` on a keyed stream: per key, `acc = fn(acc, record)` starting from
 * `init()`, emitting `{ key, value: acc }` after each record. State is kept per key group so a
 * checkpoint can be split and merged when the parallelism changes.
 */
export class ReduceOperator extends Pipe {
  private readonly groups = new Map<KeyGroup, Map<unknown, unknown>>()
  private readonly groupOf: (key: unknown) => KeyGroup

  constructor(
    private readonly ctx: OperatorContext,
    private readonly fn: (acc: unknown, record: unknown) => unknown,
    private readonly init: () => unknown,
    next: Output,
  ) {
    super(next)
    this.groupOf = keyGroupCache(ctx.maxKeyGroups)
  }

  override batch(records: readonly unknown[]): Maybe<void> {
    const keyOf = this.ctx.step.key!
    return collectEach(this.ctx, records, this.next, (r, out) => {
      const key = keyOf(r)
      const g = this.groupOf(key)
      let accs = this.groups.get(g)
      if (!accs) this.groups.set(g, accs = new Map())
      const value = this.fn(accs.has(key) ? accs.get(key) : this.init(), r)
      accs.set(key, value)
      out.push({ key, value })
    })
  }

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
