import type { KeyGroup } from '../../persistence/state-holder.ts'
import { contains } from '../../persistence/key-group-range.ts'
import { findNonPlain } from '../../persistence/codec/find-non-plain.ts'
import { shown } from '../../persistence/shown.ts'
import { findUnsnapshottable, type Unsnapshottable } from './find-unsnapshottable.ts'
import { StateKeyError } from './state-key-error.ts'
import { StateValueError } from './state-value-error.ts'
import type { KeyedStateSetup } from './keyed-state-setup.ts'

/** Values of a state looked at for class instances until one is found (bounded: writes stay cheap). */
const LOOKED_AT = 1_000

/** Where a state is, what kind it is and what its instance owns: the part of its setup the checks read. */
type CheckedState = Pick<KeyedStateSetup, 'step' | 'name' | 'kind' | 'groupOf' | 'owned'>

/**
 * What a keyed state refuses or warns about when the step uses it: a key outside the instance's
 * key groups (StateKeyError: on several instances each would keep its own copy of it, merged by a
 * restore on another worker count), a value that is or holds a function, a symbol, a WeakMap…
 * (StateValueError naming where in the value: no checkpoint can hold it), and — a warning once
 * per state, from a bounded look at its first values — class instances, which come back from a
 * checkpoint as plain objects.
 *
 * @example
 * const checks = new StateChecks(setup); checks.written(key, value); table.insert(key, checks.owned(key))
 */
export class StateChecks {
  /** Values still to look at for class instances (0: the state was warned about). */
  private toLookAt = LOOKED_AT

  constructor(private readonly state: CheckedState) {}

  /** `key`'s key group, after checking that the instance owns it. Called where the key has no slot (new keys, misses): owned keys with slots were checked when they got it. */
  owned(key: unknown): KeyGroup {
    const g = this.state.groupOf(key)
    const owned = this.state.owned
    if (owned !== undefined && !contains(owned.range, g)) {
      throw new StateKeyError(this.state.step, this.state.name, key, g, owned.instance, owned.parallelism, owned.range)
    }
    return g
  }

  /**
   * Checks `unit` written for `key`: the value, or for a map the value under map key `at`, for a
   * list the element at index `at` (`at` undefined: the whole list, element by element). Walks
   * objects only, bounded (findUnsnapshottable): a write of a number or string costs a typeof.
   */
  written(key: unknown, unit: unknown, at?: unknown): void {
    const t = typeof unit
    if (t === 'object' ? unit === null : t !== 'function' && t !== 'symbol') return
    if (at === undefined && this.state.kind === 'list' && Array.isArray(unit)) {
      for (let i = 0; i < unit.length; i++) this.written(key, unit[i], i)
      return
    }
    const found = findUnsnapshottable(unit)
    if (found) throw new StateValueError(this.state.step, this.state.name, key, this.described(found, at))
    if (this.toLookAt > 0) this.lookAt(unit as object)
  }

  /** What was found and where: in the value, or in the map value or list element `at`. */
  private described(found: Unsnapshottable, at: unknown): string {
    const where = at === undefined ? '' : this.state.kind === 'map' ? `the value of map key ${shown(at)}` : `list element ${String(at)}`
    if (found.path === '') return where === '' ? found.what : `${found.what} as ${where}`
    return `${found.what} at ${found.path}${where === '' ? '' : ` of ${where}`}`
  }

  /** Looks at a value for class instances (a walk of at most 64 of its parts): warns once. */
  private lookAt(value: object): void {
    const found = findNonPlain(value, 64)
    this.toLookAt = found?.serializable ? 0 : this.toLookAt - 1
    if (!found?.serializable) return
    process.emitWarning(`step '${this.state.step}': state '${this.state.name}' was given ${found.what} at ${found.path === '(the snapshot)' ? 'the value' : found.path}; ` +
      'checkpoints keep its fields only, so after a restore it is a plain object without its methods — keep plain data in state', { code: 'OXIFLOW_SNAPSHOT_CLASS_INSTANCE' })
  }
}
