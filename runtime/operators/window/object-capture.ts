import { serialize } from 'node:v8'
import type { SnapshotCapture } from '../../../persistence/snapshot-capture.ts'
import { KeyTableBuilder } from './key-table.ts'
import type { WindowStatesPart } from './window-states-part.ts'
import { packSlice } from './slice-records.ts'

/**
 * What a capture reads of a step's keys (WindowKeys), by slot: key, key group, creation order
 * (−1: a free slot), the epoch its state last changed in, the state.
 *
 * @example
 * const slots: StateSlots = keys // a WindowKeys
 */
export interface StateSlots {
  readonly slotCount: number
  readonly keyAt: readonly unknown[]
  readonly states: readonly unknown[]
  readonly groups: Int32Array
  readonly ords: Float64Array
  readonly epochs: Float64Array
}

/** A slot's key and state as they were at the barrier, kept because the step changed it before it was gathered. */
interface Kept {
  readonly key: unknown
  readonly group: number
  readonly ord: number
  /** The state's own `v8.serialize` bytes. */
  readonly bytes: Uint8Array
}

/**
 * The states of a window step kept in objects (WindowKeys) as they were at a barrier — the keys
 * whose epoch is after `since` and at most the barrier's — gathered afterwards in slices while
 * the step goes on, copy-on-write by slot: the step calls `keep(k)` before it changes (adds to,
 * fires, drops) slot k's state, and a slot not gathered yet is serialized first. Slots taken by
 * keys after the barrier carry a later epoch and are not part of it. The mark at the barrier is
 * constant time; each step serializes a slice of states (`v8.serialize` of their array), so the
 * part is typed arrays that move to the encode pool. `done` is called once the part is built.
 * Assumes, as snapshots at the barrier did, that only the step changes its states (records kept
 * in a window are not changed by the steps they are emitted to).
 *
 * @example
 * const capture = new ObjectCapture(keys, since, changes.epoch) // then step() until it returns the part
 */
export class ObjectCapture implements SnapshotCapture<WindowStatesPart> {
  /** Slots gathered per step: a few milliseconds of serializing between two of the actor's tasks (~2–3 ms for 1024 keys of the keyed-state bench), tests lower it. */
  static slice = 1024
  /** The first slot not gathered yet. */
  private at = 0
  private readonly top: number
  private readonly kept = new Map<number, Kept>()
  /** The first error keeping a state (v8.serialize refused it): thrown by the next step, not into the step's record. */
  private failure: unknown
  private keys: unknown[] = []
  private keyTable: KeyTableBuilder | undefined
  private groups = new Int32Array(0)
  private ords = new Float64Array(0)
  private n = 0
  private readonly counts: number[] = []
  private readonly slices: Uint8Array[] = []
  private readonly keptAt: number[] = []
  private part: WindowStatesPart | undefined

  /** `epoch`: the epoch the barrier closed — a slot whose epoch is higher changed after it. */
  /** `byShape`: the states are plain data without shared parts, written as value columns (packSlice). */
  constructor(private readonly slots: StateSlots, private readonly since: number, private readonly epoch: number, private readonly done?: () => void,
    private readonly byShape = false) {
    this.top = slots.slotCount
  }

  /** Slot `k` is about to change: its state is serialized when the part needs it and has not gathered it. */
  keep(k: number): void {
    if (this.part !== undefined || k < this.at || k >= this.top || this.kept.has(k) || !this.wanted(k)) return
    const { slots } = this
    let bytes: Uint8Array
    try {
      bytes = own(serialize(slots.states[k]))
    } catch (e) {
      this.failure ??= e
      bytes = new Uint8Array(0)
    }
    this.kept.set(k, { key: slots.keyAt[k], group: slots.groups[k]!, ord: slots.ords[k]!, bytes })
  }

  /** Gathers a slice of slots (a step each), then builds the part. */
  step(): WindowStatesPart | undefined {
    if (this.part !== undefined) return this.part
    try {
      if (this.failure !== undefined) throw this.failure
      return this.next()
    } catch (e) {
      // A capture that failed fails its checkpoint and ends: the step stops keeping for it.
      this.failure ??= e
      this.at = this.top
      this.done?.()
      throw e
    }
  }

  private next(): WindowStatesPart | undefined {
    if (this.keyTable === undefined) {
      this.keyTable = new KeyTableBuilder(this.keys = new Array(this.top))
      this.groups = new Int32Array(this.top)
      this.ords = new Float64Array(this.top)
    }
    if (this.at < this.top) {
      this.gather(Math.min(this.top, this.at + ObjectCapture.slice))
      this.keyTable.pack(this.n)
      return undefined
    }
    const n = this.n
    this.part = {
      keys: this.keyTable.build(), groups: this.groups.slice(0, n), ords: this.ords.slice(0, n), counts: Uint32Array.from(this.counts),
      slices: this.slices, kept: Uint32Array.from(this.keptAt),
    }
    this.keys = []
    this.done?.()
    return this.part
  }

  /** A live slot, unchanged since the barrier, changed after `since`. */
  private wanted(k: number): boolean {
    const e = this.slots.epochs[k]!
    return this.slots.ords[k]! >= 0 && e > this.since && e <= this.epoch
  }

  /** Gathers slots [at, end): their keys, and their states serialized as one array (a kept one as its bytes). */
  private gather(end: number): void {
    const { keyAt, groups, ords, states } = this.slots
    const list: unknown[] = []
    for (let k = this.at; k < end; k++) {
      const kept = this.kept.size === 0 ? undefined : this.kept.get(k)
      if (kept !== undefined) {
        this.kept.delete(k)
        this.keptAt.push(this.n)
        this.add(kept.key, kept.group, kept.ord)
        list.push(kept.bytes)
      } else if (this.wanted(k)) {
        this.add(keyAt[k], groups[k]!, ords[k]!)
        list.push(states[k])
      }
    }
    this.at = end
    if (list.length === 0) return
    this.slices.push(own(serialize(packSlice(list, this.byShape))))
    this.counts.push(list.length)
  }

  private add(key: unknown, group: number, ord: number): void {
    const i = this.n++
    this.keys[i] = key
    this.groups[i] = group
    this.ords[i] = ord
  }
}

/** A Uint8Array over the whole of a buffer of its own (a Buffer would come back as one; a view into a pool could not move). */
function own(bytes: Buffer): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return new Uint8Array(bytes.buffer as ArrayBuffer)
  return new Uint8Array(bytes)
}
