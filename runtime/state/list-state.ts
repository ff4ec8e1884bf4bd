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

  /** `record`'s key's list (empty when it has none). Read-only: change it with add, update or clear. */
  get(record: R): readonly T[] {
    return (this.holder.get(record) as T[] | undefined) ?? EMPTY
  }

  /** Appends `value` to `record`'s key's list. */
  add(record: R, value: T): void {
    const list = this.holder.get(record) as T[] | undefined
    if (list) list.push(value)
    this.holder.set(record, list ?? [value], value, list ? list.length - 1 : 0)
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
