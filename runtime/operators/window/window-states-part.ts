import { deserialize } from 'node:v8'
import { isKeyTable, unpackKeys, type KeyTable } from './key-table.ts'
import { unpackSlice } from './slice-records.ts'

/**
 * Window states kept in objects, as a capture gathered them after a barrier (since state version
 * 1.1.0 of count and processing-time windows, 1.3.0 of event-time ones): the keys in slot order,
 * each one's key group and creation order, and the states serialized a slice of keys at a time
 * (`v8.serialize` of the slice's array of states, its record queues as columns when their records
 * are flat: slice-records.ts) — typed arrays, so the snapshot moves to the
 * encode pool without a `v8.serialize` of every state on the actor's thread. A state the step
 * changed before its slice was gathered was serialized on its own first: its slice holds those
 * bytes (a Uint8Array) in its place, and `kept` lists it. Every key group of the instance shares
 * one part (`states` of WindowGroupState), as state in columns shares a WindowColumnsPart.
 *
 * @example
 * const part: WindowStatesPart = { keys: { text: 'ab', lengths: new Uint32Array([1, 1]) }, groups, ords, counts: new Uint32Array([2]), slices: [bytes], kept: new Uint32Array(0) }
 */
export interface WindowStatesPart {
  readonly keys: KeyTable
  readonly groups: Int32Array
  readonly ords: Float64Array
  /** Keys per slice, in order: they add up to the number of keys. */
  readonly counts: Uint32Array
  /** Each slice's states, serialized as one array. */
  readonly slices: Uint8Array[]
  /** Ascending indices (among the part's keys) whose state is its own serialized bytes. */
  readonly kept: Uint32Array
}

/**
 * A part read back: its keys, key groups, creation orders and states, in the part's order.
 *
 * @example
 * const { keys, states } = readStatesPart(group.states)
 */
export interface ReadStates {
  readonly keys: unknown[]
  readonly groups: Int32Array
  readonly ords: Float64Array
  readonly states: unknown[]
}

/**
 * Reads a WindowStatesPart: a RangeError when it is malformed (the caller names the state). Only
 * the states of the keys `take` wants (all without it) are deserialized: a rescale reads other
 * instances' parts for a few of their key groups — a slice is read when one of its keys is wanted.
 *
 * @example
 * const read = readStatesPart(part, (i) => wanted.has(part.groups[i]))
 */
export function readStatesPart(part: WindowStatesPart, take?: (i: number) => boolean): ReadStates {
  if (!isKeyTable(part?.keys)) throw new RangeError('expected a key table { text, lengths }, { numbers } or { values }')
  const { groups, ords, counts, slices, kept } = part
  if (!(groups instanceof Int32Array) || !(ords instanceof Float64Array) || !(counts instanceof Uint32Array) || !(kept instanceof Uint32Array) ||
    !Array.isArray(slices) || slices.length !== counts.length || !slices.every((s) => s instanceof Uint8Array)) {
    throw new RangeError('expected { keys, groups: Int32Array, ords: Float64Array, counts: Uint32Array, slices: Uint8Array[] (one per count), kept: Uint32Array }')
  }
  const keys = unpackKeys(part.keys)
  if (groups.length !== keys.length || ords.length !== keys.length) throw new RangeError(`${keys.length} keys but ${groups.length} groups and ${ords.length} orders`)
  const states = new Array<unknown>(keys.length)
  let at = 0
  let next = 0
  for (let s = 0; s < slices.length; s++) {
    const n = counts[s]
    const end = at + n
    let wanted = take === undefined
    for (let i = at; i < end && !wanted; i++) wanted = take!(i)
    if (wanted) {
      const list = unpackSlice(deserialize(slices[s]!))
      if (!Array.isArray(list) || list.length !== n) throw new RangeError(`slice ${s} holds ${Array.isArray(list) ? list.length : 'no list of'} states, expected ${n}`)
      for (let i = at; i < end; i++) states[i] = list[i - at]
    }
    // Kept states: their own bytes in their slice's place.
    for (; next < kept.length && kept[next]! < end; next++) {
      const i = kept[next]!
      if (i < at) throw new RangeError('kept indices are not ascending')
      if (!wanted || (take !== undefined && !take(i))) { states[i] = undefined; continue }
      if (!(states[i] instanceof Uint8Array)) throw new RangeError(`kept state ${i} is not serialized bytes`)
      states[i] = deserialize(states[i] as Uint8Array)
    }
    at = end
  }
  if (at !== keys.length) throw new RangeError(`the slices hold ${at} states, the part has ${keys.length} keys`)
  if (next !== kept.length) throw new RangeError(`a kept index is past the ${keys.length} keys`)
  return { keys, groups, ords, states }
}
