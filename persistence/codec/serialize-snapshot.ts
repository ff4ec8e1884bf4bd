import { serialize } from 'node:v8'

/**
 * `v8.serialize` of a holder's snapshot — synchronous, at the barrier (a live object cannot
 * leave its thread for less). Map, Set, typed arrays, BigInt, Date and RegExp survive; class
 * prototypes, functions and symbols do not (functions and symbols throw): snapshot plain data.
 *
 * @example
 * const raw = serializeSnapshot(holder.snapshot())
 */
export function serializeSnapshot(value: unknown): Uint8Array {
  return serialize(value)
}
