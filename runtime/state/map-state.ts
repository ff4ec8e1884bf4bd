import type { KeyedStateHolder } from './keyed-state-holder.ts'
import { StateValueError } from './state-value-error.ts'
import { shown } from '../../persistence/shown.ts'

/**
 * A map per key (`ctx.state.map<K, V>(name, options)`), addressed by a record of the step's
 * input (its keyBy key, as ValueState) and a map key (a primitive: see set). TTL counts from the last write to the
 * key's map (any `set` or `delete`); when it expires, the whole map goes.
 *
 * @example
 * open(ctx) { this.seen = ctx.state.map<string, number>('seen') },
 * onBatch(rs) { for (const r of rs) this.seen.set(r, r.page, (this.seen.get(r, r.page) ?? 0) + 1) }
 */
export class MapState<K, V, R = unknown> {
  constructor(private readonly holder: KeyedStateHolder) {}

  /** The value under `mapKey` in `record`'s key's map, or undefined. */
  get(record: R, mapKey: K): V | undefined {
    return this.map(record)?.get(mapKey)
  }

  has(record: R, mapKey: K): boolean {
    return this.map(record)?.has(mapKey) ?? false
  }

  /**
   * Sets `mapKey` to `value` in `record`'s key's map. `mapKey` is a string, number, boolean,
   * bigint, null or undefined: a checkpoint keeps those by value, while an object key would be
   * found by identity only — not again after a restore (StateValueError).
   */
  set(record: R, mapKey: K, value: V): void {
    const t = typeof mapKey
    if (t === 'object' ? mapKey !== null : t === 'function' || t === 'symbol') {
      const { step, name } = this.holder.setup
      throw new StateValueError(step, name, this.holder.keyOf(record), `${t === 'symbol' ? 'a symbol' : shown(mapKey)} as a map key`,
        'a checkpoint keeps map keys that are strings, numbers, booleans, bigints, null or undefined by value, while an object is found by ' +
        'identity only, so not again after a restore (and a function or symbol cannot be kept) — use a string or number made from it (an id, or JSON.stringify)')
    }
    const m = this.map(record) ?? new Map<K, V>()
    m.set(mapKey, value)
    this.holder.set(record, m, value, mapKey)
  }

  /** Removes `mapKey` from `record`'s key's map (an emptied map goes too). */
  delete(record: R, mapKey: K): void {
    const m = this.map(record)
    if (!m?.delete(mapKey)) return
    if (m.size === 0) this.holder.delete(record)
    else this.holder.set(record, m, undefined)
  }

  /** The entries of `record`'s key's map (empty when it has none), in insertion order. */
  entries(record: R): [K, V][] {
    return [...(this.map(record) ?? [])]
  }

  /** Number of entries in `record`'s key's map. */
  size(record: R): number {
    return this.map(record)?.size ?? 0
  }

  /** Removes `record`'s key's whole map. */
  clear(record: R): void {
    this.holder.delete(record)
  }

  private map(record: R): Map<K, V> | undefined {
    return this.holder.get(record) as Map<K, V> | undefined
  }
}
