import { decodeBatch, encodeBatch, type EncodedBatch } from '../../channels/exchange/columnar-codec.ts'
import type { RecordQueue } from './record-queue.ts'
import { encodeValues, type ValueColumns } from './value-columns.ts'
import { decodeValues } from './value-columns-reader.ts'

/**
 * A slice of window states whose record queues (`records: { items, head }` of `length` and
 * `time` windows) travel as one batch of the exchange's columnar codec: flat records become a
 * few typed arrays and string dictionaries instead of an object each. Measured with
 * bench/object-state-encoding.ts (100k keys of length(10), 3 records each): 23.3 instead of
 * 31.8 MB, written ~10 % and read back ~20 % faster than `v8.serialize` of the states.
 *
 * @example
 * const slice: ColumnarSlice = { states: [{ seq: 1, records: { items: [], head: 0 }, acc }], queued: Int32Array.of(1), records }
 */
export interface ColumnarSlice {
  /** The states, each one whose queue was taken with `records.items` empty (its head kept). */
  readonly states: unknown[]
  /** Per state: how many items its queue had (dead ones before `head` included), −1 when none was taken. */
  readonly queued: Int32Array
  /** Every taken item, state after state. */
  readonly records: EncodedBatch
}

/**
 * A slice of window states as value columns (value-columns.ts), since state version 1.2.0 of count
 * and processing-time windows and 1.4.0 of event-time ones.
 */
export interface ValueSlice {
  readonly values: ValueColumns
}

/**
 * The slice as it is serialized. States that are plain data without shared parts (`byShape`:
 * `.aggregate`'s and `.collect`'s windows) become value columns (a ValueSlice) unless they hold
 * a cycle or an array with holes. Otherwise, and for `.reduce`'s states, whose accumulator is the
 * user's own value: `list` itself when no state has a record queue or the records are not flat
 * (irregular values: v8.serialize is the fallback), else a ColumnarSlice. The states are not
 * changed (a state whose queue is taken is copied, shallowly).
 *
 * @example
 * v8.serialize(packSlice(states, true))
 */
export function packSlice(list: readonly unknown[], byShape = false): unknown[] | ColumnarSlice | ValueSlice {
  if (byShape) {
    const values = encodeValues(list)
    if (values !== undefined) return { values }
  }
  const queued = new Int32Array(list.length).fill(-1)
  const records: unknown[] = []
  let states: unknown[] | undefined
  for (let i = 0; i < list.length; i++) {
    const s = list[i] as { records?: unknown } | null
    if (typeof s !== 'object' || s === null || Object.getPrototypeOf(s) !== Object.prototype || !isQueue(s.records)) continue
    const { items, head } = s.records
    for (const r of items) records.push(r)
    queued[i] = items.length
    states ??= list.slice()
    states[i] = { ...s, records: { items: [], head } }
  }
  if (states === undefined) return list as unknown[]
  const { batch } = encodeBatch(records)
  if (batch.kind === 'clone') return list as unknown[]
  return { states, queued, records: batch }
}

/**
 * The states of a slice packSlice wrote (a RangeError when it is malformed).
 *
 * @example
 * const states = unpackSlice(v8.deserialize(bytes))
 */
export function unpackSlice(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'object' && value !== null && 'values' in value) return decodeValues((value as ValueSlice).values)
  const slice = value as ColumnarSlice | null
  if (typeof slice !== 'object' || slice === null || !Array.isArray(slice.states) || !(slice.queued instanceof Int32Array) ||
    slice.queued.length !== slice.states.length || typeof slice.records !== 'object' || slice.records === null) {
    throw new RangeError('expected a list of states or { states, queued: Int32Array (one per state), records }')
  }
  const records = decodeBatch(slice.records)
  let at = 0
  for (let i = 0; i < slice.states.length; i++) {
    const n = slice.queued[i]!
    if (n < 0) continue
    const queue = (slice.states[i] as { records?: unknown } | null)?.records
    if (!isQueue(queue) || at + n > records.length) throw new RangeError(`state ${i}: no record queue for its ${n} records, or fewer records than the queues take`)
    queue.items = records.slice(at, at += n)
  }
  if (at !== records.length) throw new RangeError(`the queues take ${at} records, the slice has ${records.length}`)
  return slice.states
}

/** Exactly a RecordQueue: `{ items: [], head }` and nothing else. */
function isQueue(v: unknown): v is RecordQueue {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false
  const q = v as Partial<RecordQueue>
  return Array.isArray(q.items) && typeof q.head === 'number' && Object.keys(q).length === 2
}
