import type { SnapshotCapture } from '../../persistence/snapshot-capture.ts'
import type { KeyGroup } from '../../persistence/state-holder.ts'
import { uncopiedValue } from './keyed-state-copy.ts'
import { packGroup, type KeyedGroupState, type KeyedStateSnapshot, type PackedKeyedGroup } from './keyed-snapshot.ts'

/**
 * What a keyed holder held at a barrier, copied then: by slot the key, its key group (−1: free)
 * and value, and the TTL stamps. Shallow copies — a few memcpys, not an encode.
 *
 * @example
 * const frozen: FrozenSlots = { keys, groups, values, stamps: undefined }
 */
export interface FrozenSlots {
  readonly keys: readonly unknown[]
  readonly groups: Int32Array
  readonly values: unknown[]
  readonly stamps: Float64Array | undefined
}

/** A group's entries as gathered: keys, values, stamps in slot order. */
interface Gathered { keys: unknown[]; values: unknown[]; stamps: number[] }

/**
 * The full snapshot a keyed holder would have taken at a barrier, built after it (copy-on-write):
 * at the barrier the holder copies its slot arrays (FrozenSlots); the capture then gathers them
 * by key group, a slice of slots per step, and packs the groups a few per step. Replacing,
 * removing or adding keys after the barrier changes the holder's arrays, not the copies. A value
 * the step may change in place — an object of the barrier the holder hands out (`get`,
 * `entries`) — is cloned into the capture first (`exposing`), unless its group is packed
 * already; a packed group holds its own copies (columns, or clones of values not flat).
 *
 * @example
 * const capture = new KeyedCapture(frozen, 64); holder.get(...) calls capture.exposing(slot, value)
 */
export class KeyedCapture implements SnapshotCapture<KeyedStateSnapshot> {
  /** Slots gathered per step (tests lower it). */
  static slice = 65_536
  /** Milliseconds of packing per step. */
  static packMs = 4
  private at = 0
  /** By slot: its position in its group's list once gathered. */
  private readonly pos: Int32Array
  /** By slot: 1 once its value was cloned into the capture. */
  private readonly settled: Uint8Array
  private readonly gathered = new Map<KeyGroup, Gathered>()
  private packing: KeyGroup[] | undefined
  private readonly packed = new Set<KeyGroup>()
  private readonly out: KeyedStateSnapshot = new Map()
  private failure: Error | undefined
  private done: KeyedStateSnapshot | undefined

  /** `where`: the step and state id a failure names. */
  constructor(private readonly frozen: FrozenSlots, private readonly where: { readonly step: string; readonly stateId: string },
    private readonly packFrom: number | undefined, private readonly finished?: () => void) {
    this.pos = new Int32Array(frozen.groups.length)
    this.settled = new Uint8Array(frozen.groups.length)
  }

  /**
   * The holder hands out slot `slot`'s live `value`, which the step may then change in place: an
   * object still to be packed is cloned into the capture first. A value that cannot be cloned
   * fails the capture (as a serialize would have failed the snapshot), not the step.
   */
  exposing(slot: number, value: unknown): void {
    if (typeof value !== 'object' || value === null || slot >= this.settled.length || this.settled[slot] === 1) return
    const g = this.frozen.groups[slot]
    if (g < 0 || this.packed.has(g)) return
    const gathered = slot < this.at
    const list = gathered ? this.gathered.get(g)!.values : this.frozen.values
    const at = gathered ? this.pos[slot] : slot
    // Another object than the barrier's (the key was set since): the capture does not hold it.
    if (list[at] !== value) return
    this.settled[slot] = 1
    list[at] = this.own(this.frozen.keys[slot], value)
  }

  step(): KeyedStateSnapshot | undefined {
    if (this.failure) throw this.failure
    if (this.done) return this.done
    const { keys, groups, values, stamps } = this.frozen
    const top = groups.length
    if (this.at < top) {
      const end = Math.min(top, this.at + KeyedCapture.slice)
      for (let s = this.at; s < end; s++) {
        const g = groups[s]
        if (g < 0) continue
        let e = this.gathered.get(g)
        if (!e) this.gathered.set(g, e = { keys: [], values: [], stamps: [] })
        this.pos[s] = e.keys.length
        e.keys.push(keys[s])
        e.values.push(values[s])
        if (stamps) e.stamps.push(stamps[s])
      }
      this.at = end
      return undefined
    }
    this.packing ??= [...this.gathered.keys()]
    const until = performance.now() + KeyedCapture.packMs
    while (this.packing.length > 0) {
      const g = this.packing.shift()!
      const e = this.gathered.get(g)!
      const group = { keys: e.keys, values: e.values, ...(stamps && { stamps: Float64Array.from(e.stamps) }) }
      let packed = packGroup(group, this.packFrom)
      // A group kept as a list, or packed as records as they are (not flat), still holds the live
      // objects: it gets clones of them (the step may change them before the snapshot is written).
      if (holdsValues(packed)) packed = packGroup({ ...group, values: e.values.map((v, i) => this.own(e.keys[i], v)) }, this.packFrom)
      this.out.set(g, packed)
      this.packed.add(g)
      this.gathered.delete(g)
      if (performance.now() >= until && this.packing.length > 0) return undefined
    }
    if (this.failure) throw this.failure
    this.finished?.()
    return this.done = this.out
  }

  /** `value` of `key`, or a clone of it when it is an object (one that cannot be cloned fails the capture: a StateSnapshotError). */
  private own(key: unknown, value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value
    try {
      return structuredClone(value)
    } catch (e) {
      this.failure ??= uncopiedValue(this.where, key, value, e)
      return value
    }
  }
}

/** Whether a group as packGroup returned it refers to the values themselves (a list, or records encoded as they are). */
function holdsValues(group: KeyedGroupState | PackedKeyedGroup): boolean {
  return 'encodedValues' in group ? group.encodedValues.kind === 'clone' : true
}
