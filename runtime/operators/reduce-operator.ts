import type { KeyGroup, StateHolder } from '../../persistence/state-holder.ts'
import { keyGroupCache } from '../key-groups/key-group-assignment.ts'
import type { Maybe } from '../maybe.ts'
import type { KeyedStateSnapshot } from '../state/keyed-snapshot.ts'
import { KeyedStateHolder } from '../state/keyed-state-holder.ts'
import { collectEach } from './each-record.ts'
import type { OperatorContext, Output } from './operator.ts'
import { Pipe } from './pipe.ts'

/**
 * `.reduce(name, fn, init)` on a keyed stream: per key, `acc = fn(acc, record)` starting from
 * `init()`, emitting `{ key, value: acc }` after each record. The accumulators are keyed state the
 * runtime owns (a KeyedStateHolder, id `${step}/accumulators`): split and merged by key group
 * when the parallelism changes, and written as changes by incremental checkpoints.
 */
export class ReduceOperator extends Pipe {
  private readonly state: KeyedStateHolder

  constructor(
    private readonly ctx: OperatorContext,
    private readonly fn: (acc: unknown, record: unknown) => unknown,
    private readonly init: () => unknown,
    next: Output,
  ) {
    super(next)
    this.state = new KeyedStateHolder({
      step: ctx.step.name, name: 'accumulators', stateId: `${ctx.step.name}/accumulators`, keyOf: ctx.step.key!, sameRecordSameKey: true,
      groupOf: keyGroupCache(ctx.maxKeyGroups), now: () => ctx.clock.now(), watermark: () => -Infinity, options: { version: '1.1.0' },
    })
  }

  override batch(records: readonly unknown[]): Maybe<void> {
    const state = this.state
    return collectEach(this.ctx, records, this.next, (r, out) => {
      const key = state.keyOf(r)
      const value = this.fn(state.has(r) ? state.get(r) : this.init(), r)
      state.set(r, value)
      out.push({ key, value })
    })
  }

  holders(): StateHolder[] {
    const state = this.state
    return [{
      stateId: state.stateId,
      stateVersion: state.stateVersion,
      keyed: true,
      snapshot: (id) => state.snapshot(id),
      capture: (id, since) => state.capture(id, since),
      snapshotChanges: (since, id) => state.snapshotChanges(since, id),
      applyChanges: (full, changes) => state.applyChanges(full, changes),
      // 1.0 kept `[key, acc][]` per key group; 1.1 is the keyed state's columns.
      restore: (snapshot, fromVersion) => state.restore(fromVersion.startsWith('1.0.') ? fromPairs(snapshot) : snapshot, fromVersion.startsWith('1.0.') ? '1.1.0' : fromVersion),
    } satisfies StateHolder<KeyedStateSnapshot>]
  }
}

/** A 1.0 snapshot (`Map<KeyGroup, [key, acc][]>`) as keyed state columns; anything else as it is (restore refuses it). */
function fromPairs(snapshot: unknown): KeyedStateSnapshot {
  if (!(snapshot instanceof Map)) return snapshot as KeyedStateSnapshot
  const out: KeyedStateSnapshot = new Map()
  for (const [g, pairs] of snapshot as Map<KeyGroup, [unknown, unknown][]>) {
    if (!Array.isArray(pairs)) return snapshot as KeyedStateSnapshot
    out.set(g, { keys: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) })
  }
  return out
}
