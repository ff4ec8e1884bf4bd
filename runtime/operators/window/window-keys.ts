import type { KeyGroup } from '../../../persistence/state-holder.ts'
import { finishCaptureNow } from '../../../persistence/snapshot-capture.ts'
import { ObjectCapture } from './object-capture.ts'
import type { KeyEntry } from './window-timers.ts'

/**
 * The keys of a window step instance in columns: key → slot (the one hash lookup per record),
 * and by slot the key, its key group, its creation order, its live timer's time (`dues`,
 * Infinity: none), the epoch its state last changed in, and its window state — typed arrays grown
 * by doubling, slots reused from a free list. No object per key: a restore of 1M keys made a
 * KeyEntry, a Map entry and a timer object per key, and a checkpoint then spent ~330 ms in a
 * major GC of that heap.
 *
 * Row windows (RowWindows) number their keys themselves — a key's state is its KeySlots slot —
 * so with `external` the table takes that number as the key's slot (one slot space for both) and
 * keeps no free list of its own.
 *
 * It is also a read-only `Map<key, KeyEntry>` for snapshots and holders: `get`, `values`… make
 * each entry on demand (a copy: changing it changes nothing).
 *
 * States in objects are captured at a barrier (`captureStates`) and gathered after it: while a
 * capture runs (`capture`), the step calls `capture.keep(k)` before it changes slot k's state.
 *
 * @example
 * const keys = new WindowKeys(false); const k = keys.add('u1', 17, 0, state, 1); keys.states[k] // state
 */
export class WindowKeys implements ReadonlyMap<unknown, KeyEntry> {
  private readonly slots = new Map<unknown, number>()
  keyAt: unknown[] = []
  states: unknown[] = []
  groups = new Int32Array(1024)
  ords = new Float64Array(1024)
  dues = new Float64Array(1024)
  /**
   * The epoch each key's state last changed in, read by snapshots of states in objects. Not kept
   * up to date for row windows (external slots): their generated loop does not write it, and
   * their snapshots read the epochs of their KeySlots instead.
   */
  epochs = new Float64Array(1024)
  private free: number[] = []
  private top = 0
  /** The capture of the states at a barrier being gathered (copy-on-write), if any: undefined for row windows. */
  capture: ObjectCapture | undefined

  /** @param external slots are given by the caller (`add`'s state is the slot), not taken from a free list. */
  constructor(private readonly external: boolean) {}

  /** Slots ever taken (live or free): slots are numbered below it. */
  get slotCount(): number {
    return this.top
  }

  get size(): number {
    return this.slots.size
  }

  /** key → slot, read-only (a generated loop looks keys up in it directly). */
  get slotMap(): ReadonlyMap<unknown, number> {
    return this.slots
  }

  /** The key's slot, undefined when it has none. */
  slotOf(key: unknown): number | undefined {
    return this.slots.get(key)
  }

  /** Registers `key` (no timer yet); its slot is `state` itself for external slots. */
  add(key: unknown, group: KeyGroup, ord: number, state: unknown, epoch: number): number {
    let k: number
    if (this.external) {
      k = state as number
      while (k >= this.groups.length) this.grow()
    } else {
      const reused = this.free.pop()
      if (reused !== undefined) k = reused
      else {
        if (this.top === this.groups.length) this.grow()
        k = this.top++
      }
      this.states[k] = state
    }
    this.keyAt[k] = key
    this.groups[k] = group
    this.ords[k] = ord
    this.dues[k] = Infinity
    this.epochs[k] = epoch
    this.slots.set(key, k)
    return k
  }

  /** The window state of slot `k`. */
  state(k: number): unknown {
    return this.external ? k : this.states[k]
  }

  /** Forgets the key of slot `k`: its queued timers become stale (its order no longer matches theirs). */
  drop(k: number): void {
    this.capture?.keep(k)
    this.slots.delete(this.keyAt[k])
    this.keyAt[k] = undefined
    this.dues[k] = Infinity
    this.ords[k] = -1
    if (!this.external) {
      this.states[k] = undefined
      this.free.push(k)
    }
  }

  /** Row windows: slot `k`'s key leaves the live keys but keeps its slot, key and group (ParkedKeys). */
  park(k: number): void {
    this.slots.delete(this.keyAt[k])
    this.dues[k] = Infinity
    this.ords[k] = -1
  }

  /** Row windows: the parked key of slot `k` is live again, with creation order `ord`, changed in `epoch`. */
  unpark(k: number, ord: number, epoch: number): void {
    this.slots.set(this.keyAt[k], k)
    this.ords[k] = ord
    this.dues[k] = Infinity
    this.epochs[k] = epoch
  }

  clear(): void {
    this.finishCapture()
    this.slots.clear()
    this.keyAt = []
    this.states = []
    this.free = []
    this.top = 0
  }

  /**
   * Marks the states at a barrier (epoch `epoch` closing) whose keys changed after epoch `since`
   * (all: −∞) and returns the capture that gathers them; one still being gathered is finished
   * first (one capture at a time). `byShape`: the states are plain data without shared parts
   * (ObjectCapture).
   */
  captureStates(since: number, epoch: number, byShape = false): ObjectCapture {
    this.finishCapture()
    const capture = new ObjectCapture(this, since, epoch, () => {
      if (this.capture === capture) this.capture = undefined
    }, byShape)
    return this.capture = capture
  }

  /** Gathers the rest of a running capture now (before every state changes: a restore, the end of input). */
  finishCapture(): void {
    const capture = this.capture
    if (capture === undefined) return
    try {
      finishCaptureNow(capture)
    } catch {
      // Not lost: a failed capture keeps its error and throws it again at its checkpoint's next
      // step, failing that checkpoint — not the restore or the end of input that finished it here.
    }
  }

  /** Live keys whose state changed after epoch `since`. */
  changedSince(since: number): number {
    let n = 0
    for (let k = 0; k < this.top; k++) if (this.epochs[k]! > since && this.ords[k]! >= 0) n++
    return n
  }

  /** Slots of live keys in the order the keys were registered (a Map's order). */
  liveSlots(): IterableIterator<number> {
    return this.slots.values()
  }

  /** Slots of live keys by (key group, creation order): the same order after a restore. */
  inKeyOrder(): Int32Array {
    const { groups, ords } = this
    return Int32Array.from(this.slots.values()).sort((a, b) => groups[a] - groups[b] || ords[a] - ords[b])
  }

  get(key: unknown): KeyEntry | undefined {
    const k = this.slots.get(key)
    return k === undefined ? undefined : this.entry(k)
  }

  has(key: unknown): boolean {
    return this.slots.has(key)
  }

  forEach(fn: (value: KeyEntry, key: unknown, map: ReadonlyMap<unknown, KeyEntry>) => void, thisArg?: unknown): void {
    for (const k of this.slots.values()) fn.call(thisArg, this.entry(k), this.keyAt[k], this)
  }

  *entries(): IterableIterator<[unknown, KeyEntry]> {
    for (const k of this.slots.values()) yield [this.keyAt[k], this.entry(k)]
  }

  keys(): IterableIterator<unknown> {
    return this.slots.keys()
  }

  *values(): IterableIterator<KeyEntry> {
    for (const k of this.slots.values()) yield this.entry(k)
  }

  [Symbol.iterator](): IterableIterator<[unknown, KeyEntry]> {
    return this.entries()
  }

  private entry(k: number): KeyEntry {
    return { key: this.keyAt[k], group: this.groups[k], ord: this.ords[k], state: this.state(k), due: this.dues[k], dropped: false, epoch: this.epochs[k] }
  }

  /** Room for `keys` more slots without growing (a restore knows how many it registers). */
  reserve(keys: number): void {
    const need = (this.external ? this.keyAt.length : this.top) + keys
    if (need > this.groups.length) this.grow(need)
    // The key array too: grown an element at a time, 1M keys cost ~100–200 ms of copies, one allocation ~30.
    if (this.keyAt.length === 0 && keys > 0 && this.slots.size === 0) {
      this.keyAt = new Array(keys)
      if (!this.external) this.states = new Array(keys)
    }
  }

  private grow(to = 0): void {
    const n = Math.max(to, this.groups.length * 2)
    const grow = <A extends Int32Array | Float64Array>(a: A, wider: A): A => { wider.set(a); return wider }
    this.groups = grow(this.groups, new Int32Array(n))
    this.ords = grow(this.ords, new Float64Array(n))
    this.dues = grow(this.dues, new Float64Array(n))
    this.epochs = grow(this.epochs, new Float64Array(n))
  }
}
