import { parseSemver } from '../../persistence/checkpoints/parse-semver.ts'
import { checkKnownOptions, checkObject, invalidOption } from '../option-checks.ts'

/**
 * How long a key's state lives after its last write. `time: 'processing'` (default) counts on the
 * job's clock (`ctx.now()`, virtual in tests); `time: 'event'` counts in event time: a write is
 * stamped with `timestamp(record)`, and the entry is expired for a record whose own time is at
 * stamp + ms or later, or once the step's watermark is; the step's highest record time less ms
 * expires the entries of keys that stopped coming. An expired entry is invisible on access and
 * dropped at the next snapshot.
 *
 * @example
 * const ttl: StateTtl = { ms: 60_000 }
 * const byEvent: StateTtl<{ ts: number }> = { ms: 5_000, time: 'event', timestamp: (r) => r.ts }
 */
export interface StateTtl<R = any> {
  readonly ms: number
  readonly time?: 'processing' | 'event'
  /** Event time of a record (epoch ms); required with `time: 'event'`. */
  readonly timestamp?: (record: R) => number
}

/**
 * Options of `ctx.state.value/map/list`. `version` is the semver of what the state holds
 * (default '1.0.0'): a snapshot of the same major and an older minor is migrated by `migrate`
 * (or read as it is without one); another major, or a newer minor, is refused with
 * StateVersionError. `migrate` gets one stored unit at a time: the value (value state), one map
 * value (map state) or one element (list state).
 *
 * @example
 * ctx.state.value<number>('count', { version: '1.1.0', migrate: (v, from) => Number(v), ttl: { ms: 60_000 } })
 */
export interface StateOptions<T = unknown, R = any> {
  readonly version?: string
  readonly ttl?: StateTtl<R>
  readonly migrate?: (value: unknown, fromVersion: string) => T
}

/** State names: the same characters as step names (they become part of a blob key). */
const NAME = /^[A-Za-z0-9_-]+$/

/**
 * Checks a state declaration's name and options; the message names the step, the state and the rule.
 *
 * @example
 * checkStateOptions('count', 'n', { ttl: { ms: -1 } }) // throws: options.ttl.ms must be a positive number (got -1)
 */
export function checkStateOptions(step: string, name: unknown, options: StateOptions | undefined): void {
  const where = `step '${step}': ctx.state`
  if (typeof name !== 'string' || !NAME.test(name)) throw invalidOption(where, 'name', 'a state name matching [A-Za-z0-9_-]+', name, 'name')
  if (options === undefined) return
  const at = `${where} '${name}'`
  checkObject(at, options, "{ version: '1.0.0', ttl: { ms: 60_000 } }", { version: true, ttl: true, migrate: true } satisfies Record<keyof StateOptions, true>)
  const { version, ttl, migrate } = options
  if (version !== undefined && (typeof version !== 'string' || parseSemver(version) === null)) {
    throw invalidOption(at, 'version', "a semver version like '1.0.0'", version)
  }
  if (migrate !== undefined && typeof migrate !== 'function') throw invalidOption(at, 'migrate', 'a function (value, fromVersion) => value', migrate)
  if (ttl === undefined) return
  checkObject(at, ttl, '{ ms: 60_000 }')
  checkKnownOptions(`${at}: options.ttl`, ttl, { ms: true, time: true, timestamp: true } satisfies Record<keyof StateTtl, true>)
  if (!(typeof ttl.ms === 'number' && ttl.ms > 0 && ttl.ms <= Number.MAX_SAFE_INTEGER)) throw invalidOption(at, 'ttl.ms', 'a positive number of milliseconds', ttl.ms)
  if (ttl.time !== undefined && ttl.time !== 'processing' && ttl.time !== 'event') throw invalidOption(at, 'ttl.time', "'processing' or 'event'", ttl.time)
  if (ttl.time === 'event' && typeof ttl.timestamp !== 'function') {
    throw invalidOption(at, 'ttl.timestamp', "a function (record) => event time in ms (event-time TTL stamps each write with its record's time)", ttl.timestamp)
  }
}
