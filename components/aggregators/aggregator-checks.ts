import { InvalidOptionError } from '../../runtime/errors/invalid-option-error.ts'
import { OxiflowError } from '../../runtime/errors/oxiflow-error.ts'
import { shown } from '../../runtime/option-checks.ts'

/**
 * Throws InvalidOptionError unless `fn` is a function — called when an aggregator is built, so a
 * wrong argument fails at pipeline definition rather than at the first record.
 *
 * @example
 * requireFunction('sum', fn) // throws: agg.sum: fn must be a function
 */
export function requireFunction(kind: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new InvalidOptionError('fn', `agg.${kind}: fn must be a function`)
}

/**
 * `fn(record)` when it is a finite number, with -0 read as 0; otherwise an OxiflowError with code
 * ERR_AGGREGATE_VALUE. NaN or ±Infinity would stick: once in a running sum, subtracting it again
 * gives NaN, so the window could never recover — failing loudly names the record instead.
 *
 * @example
 * finiteNumberOf('sum', r => r.value, { value: 2 }) // 2
 */
export function finiteNumberOf<R>(kind: string, fn: (record: R) => number, record: R): number {
  const v = fn(record)
  if (typeof v !== 'number' || !Number.isFinite(v)) throw valueError(kind, 'a finite number', v)
  // -0 + 0 is +0: min/max/percentile then return the same zero whatever order zeros came in.
  return v + 0
}

/**
 * What `distinctCount` counts: values a Map compares by value and v8 serializes as such.
 *
 * @example
 * const userId: DistinctValue = 'u-42'
 */
export type DistinctValue = string | number | bigint | boolean | null | undefined

/**
 * `fn(record)` when it is a primitive `distinctCount` can count; objects are refused because a Map
 * counts them by identity, and identity does not survive a snapshot.
 *
 * @example
 * distinctValueOf('distinctCount', r => r.user, { user: 'ann' }) // 'ann'
 */
export function distinctValueOf<R>(kind: string, fn: (record: R) => DistinctValue, record: R): DistinctValue {
  const v = fn(record)
  if ((typeof v === 'object' && v !== null) || typeof v === 'function' || typeof v === 'symbol') {
    throw valueError(kind, 'a string, number, bigint, boolean, null or undefined', v)
  }
  return v
}

/**
 * The error for a value `fn` returned that the aggregator cannot use.
 *
 * @example
 * throw valueError('stddev', 'a finite number with |x| <= 1e100', 1e200)
 */
export function valueError(kind: string, rule: string, got: unknown): OxiflowError {
  return new OxiflowError('ERR_AGGREGATE_VALUE',
    `agg.${kind}: fn must return ${rule} (got ${shown(got)}); convert the value inside fn ` +
    `(e.g. r => Number(r.x)) or filter such records out before the window`)
}

/**
 * The error for an `evict` that breaks the FIFO contract — a bug in the caller, not in the data.
 *
 * @example
 * throw evictError('count', 'nothing to evict, the accumulator is empty')
 */
export function evictError(kind: string, what: string): OxiflowError {
  return new OxiflowError('ERR_AGGREGATE_EVICT',
    `agg.${kind}: ${what}; evict must get the oldest record still in the accumulator, once per added record`)
}
