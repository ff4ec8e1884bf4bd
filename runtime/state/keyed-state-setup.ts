import type { KeyGroup } from '../../persistence/state-holder.ts'
import type { KeyGroupRange } from '../../persistence/key-group-range.ts'
import type { StateOptions } from './state-options.ts'
import { KeyedStateRestoreError } from './keyed-state-restore-error.ts'
import { shown } from '../../persistence/shown.ts'

/**
 * The key groups a step instance owns, and which instance of how many it is (for the refusal's message).
 *
 * @example
 * const owned: OwnedKeyGroups = { range: { start: 0, end: 63 }, instance: 0, parallelism: 2 }
 */
export interface OwnedKeyGroups {
  readonly range: KeyGroupRange
  readonly instance: number
  readonly parallelism: number
}

/**
 * What a keyed state holder is built from: where it is (step, name), how a record's key and
 * key group are found, the step's clocks, and the declaration's options.
 *
 * @example
 * const setup: KeyedStateSetup = { step: 'count', name: 'n', keyOf: (r) => r.user, groupOf: (k) => keyGroupOf(k, 128),
 *   now: () => clock.now(), watermark: () => -Infinity, options: {} }
 */
export interface KeyedStateSetup {
  readonly step: string
  readonly name: string
  /** What the step declared (`ctx.state.value/map/list`; default value): what its writes' checks look at. */
  readonly kind?: 'value' | 'map' | 'list'
  readonly keyOf: (record: unknown) => unknown
  /** The state is addressed with the step's own input records, whose keys do not change: the last one's key is remembered (`.reduce`). */
  readonly sameRecordSameKey?: boolean
  readonly groupOf: (key: unknown) => KeyGroup
  /** The key groups the step's instance owns (a key outside them is refused); none: every key is the instance's. */
  readonly owned?: OwnedKeyGroups
  /** Processing time (the job clock). */
  readonly now: () => number
  /** The highest watermark the step received. */
  readonly watermark: () => number
  /** Event-time TTL: the step's highest record time (EventClock), shared by its states. */
  readonly eventClock?: { observe(time: number): void; seen(): number }
  readonly options: StateOptions
  /** The holder's state id when not `${step}/state.${name}` (a step's built-in state, e.g. `.reduce`'s). */
  readonly stateId?: string
  /** Applies `options.migrate` to one stored value (a whole map or list: each of its units). */
  readonly migrateValue?: (value: unknown, migrate: (unit: unknown) => unknown) => unknown
  /** Snapshots pack key groups from this many keys on (default PACK_FROM; tests pack every group with 1). */
  readonly packFrom?: number
}

/**
 * A stored value of `key` through the setup's `options.migrate` (from `fromVersion` to
 * `version`); a throw becomes a KeyedStateRestoreError naming the key and the versions.
 *
 * @example
 * holder.values[slot] = migrated(setup, 'count/state.n', '1.1.0', 'u1', 3, '1.0.0')
 */
export function migrated(setup: KeyedStateSetup, stateId: string, version: string, key: unknown, value: unknown, fromVersion: string): unknown {
  const migrate = setup.options.migrate!
  try {
    return setup.migrateValue!(value, (unit) => migrate(unit, fromVersion))
  } catch (e) {
    throw new KeyedStateRestoreError(setup.step, stateId, `options.migrate threw on the value of key ${shown(key)} ` +
      `(version ${fromVersion} → ${version}): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} — fix migrate, or restore without this state`)
  }
}
