import { InvalidKeyError } from './invalid-key-error.ts'
import { KeyFunctionError } from './key-function-error.ts'
import type { StepNode } from '../graph/step-spec.ts'

/**
 * What a keyBy key is: a string, a number, a boolean or a bigint. Keys are compared by value as
 * a Map compares them (SameValueZero: NaN is one key); -0 becomes 0, so 0 and -0 are one key with
 * one output. A key's key group is murmur3 of `String(key)` (key-group-assignment.ts, part of the
 * stored format), so keys that state tells apart may share a group — 1, 1n and '1' are three keys
 * in one group — but a key is never split over two instances, which is all routing needs.
 * Anything else is refused: objects are routed by `String(key)` ('[object Object]' for all of
 * them) but state would find them by identity, symbols cannot cross threads or be checkpointed.
 *
 * @example
 * const k: Key = 'user-1'
 */
export type Key = string | number | boolean | bigint

/**
 * The canonical form of a keyBy function's result, or an InvalidKeyError.
 *
 * @example
 * checkedKey(-0) // 0
 * checkedKey({ id: 1 }) // throws InvalidKeyError (keyType 'object')
 */
export function checkedKey(key: unknown): Key {
  switch (typeof key) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return key
    case 'number':
      return key === 0 ? 0 : key
    default:
      throw new InvalidKeyError(key)
  }
}

/**
 * Wraps a user's keyBy function so that every caller — the router that sends a record to the
 * instance owning its key group, and the keyed step that finds the key's state — sees the same
 * checked, canonical key. The builder wraps once, in `keyBy`, so no caller can forget. A throw
 * of the function becomes a KeyFunctionError.
 *
 * @example
 * const key = keySelector((r: { user: string }) => r.user); key({ user: 'u1' }) // 'u1'
 */
export function keySelector<T>(fn: (record: T) => unknown): (record: T) => Key {
  const selector = (record: T): Key => {
    let key: unknown
    try {
      key = fn(record)
    } catch (e) {
      // Marked, so that a keyed step fails on it whatever its onError, as the router does.
      throw new KeyFunctionError(e)
    }
    return checkedKey(key)
  }
  userFunctions.set(selector, fn as (record: unknown) => unknown)
  return selector
}

const userFunctions = new WeakMap<object, (record: unknown) => unknown>()

/**
 * The user's function a keySelector wraps (undefined for any other function): for a generated
 * loop that calls it directly, checks the key itself, and leaves a throw or an unusual key to the
 * selector, which raises the error.
 *
 * @example
 * const raw = userKeyFunction(step.key!) // (r) => r.user
 */
export function userKeyFunction(selector: (record: never) => unknown): ((record: unknown) => unknown) | undefined {
  return userFunctions.get(selector)
}

/**
 * True for a keyed step that computes the key of every record it receives (a keyed window, a
 * reduce, a keyed `.process`), so it meets an invalid key at the first such record by itself.
 * Any other step after keyBy (a map, a filter, a sink) has its keys computed by the router.
 *
 * @example
 * computesKeys(reduceStep) // true
 */
export function computesKeys(step: StepNode): boolean {
  return step.key !== undefined && (step.spec.kind === 'window' || step.spec.kind === 'reduce' || step.spec.kind === 'process')
}
