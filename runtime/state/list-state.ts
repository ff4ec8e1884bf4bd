import type { KeyedStateHolder } from './keyed-state-holder.ts'
import { StateValueError } from './state-value-error.ts'
import { shown } from '../../persistence/shown.ts'

/**
 * A list per key (`ctx.state.list<T>(name, options)`), addressed by a record of the step's
 * input (its keyBy key, as ValueState). TTL counts from the last write to the key's list.
 *
 * @example
 * open(ctx) { this.last = ctx.state.list<number>('last') },
 * onBatch(rs) { for (const r of rs) { this.last.add(r, r.v); if (this.last.get(r).length > 3) this.last.update(r, this.last.get(r).slice(1)) } }
 */
export class ListState<T, R = unknown> {
  constructor(private readonly holder: KeyedStateHolder) {}

  /**
   * `record`'s key's list (empty when it has none), frozen: it never changes after it is handed
   * out — an Oxi may emit it or keep it — so the next add copies it (O(length)); adds
   * with no get between them append in place (O(1) amortized).
   */
  get(record: R): readonly T[] {
    const list = this.holder.get(record) as T[] | undefined
    if (list === undefined) return EMPTY
    // Found from outside: add pushed onto the array get had returned, so an emitted list grew after
    // the emit (with --batch-size 1 a step emitted [0], by default [0, 4, 18], for the same record).
    return Object.isFrozen(list) ? list : Object.freeze(list)
  }

  /** Appends `value` to `record`'s key's list (a copy of it when get handed it out). */
  add(record: R, value: T): void {
    const list = this.holder.get(record) as T[] | undefined
    if (list === undefined) return this.holder.set(record, [value], value, 0)
    const own = Object.isFrozen(list) ? list.slice() : list
    own.push(value)
    this.holder.set(record, own, value, own.length - 1)
  }

  /** Replaces `record`'s key's list (a copy of `values`, an array, is kept; an empty list removes the key). */
  update(record: R, values: readonly T[]): void {
    if (!Array.isArray(values)) {
      const { step, name } = this.holder.setup
      throw new StateValueError(step, name, this.holder.keyOf(record), `${shown(values)}${typeof values === 'number' || typeof values === 'boolean' ? ` (a ${typeof values})` : ''}, not an array, as the list of update(record, values)`,
        'ListState.update takes an array of the list\'s elements — pass an array (e.g. [...values] of another iterable), or add(record, value) for one element')
    }
    if (values.length === 0) this.holder.delete(record)
    else this.holder.set(record, [...values])
  }

  /** Removes `record`'s key's list. */
  clear(record: R): void {
    this.holder.delete(record)
  }
}

const EMPTY: readonly never[] = Object.freeze([])
