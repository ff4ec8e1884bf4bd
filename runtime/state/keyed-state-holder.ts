import { checkStateVersion } from '../../persistence/checkpoints/check-state-version.ts'
import type { KeyGroup, StateHolder } from '../../persistence/state-holder.ts'
import { ChangeEpochs } from './change-epochs.ts'
import { foldKeyedChanges, packGroup, unpackGroup, type KeyedGroupState, type KeyedStateSnapshot, type PackedKeyedGroup } from './keyed-snapshot.ts'
import { shown } from '../../persistence/shown.ts'
import { KeyedStateRestoreError } from './keyed-state-restore-error.ts'
import { SlotTable } from './slot-table.ts'
import { KeyedCapture } from './keyed-capture.ts'
import { finishCaptureNow, type SnapshotCapture } from '../../persistence/snapshot-capture.ts'
import type { StateTtl } from './state-options.ts'
import { migrated, type KeyedStateSetup } from './keyed-state-setup.ts'
import { eventTimeOf } from '../operators/window/event-time.ts'
import { sweepExpired, SWEEP_PER_WRITE } from './expiry-sweep.ts'
import { StateChecks } from './state-checks.ts'
import { copiedChanges } from './keyed-state-copy.ts'

/**
 * Per-key state a step's runtime owns (one per `ctx.state.value/map/list` declaration): keys in
 * a SlotTable, one value per slot, TTL stamps in a Float64Array. A StateHolder with id
 * `${step}/state.${name}`, keyed (snapshot by key group, any subset restores), with incremental
 * snapshots (`snapshotChanges`: the keys touched since a snapshot of this run). Expired entries
 * are invisible to `get`, dropped by every snapshot and, a few slots per write, by the writes.
 * An object handed out (`get`, `entries`) counts as changed — the step may change it in place
 * without a `set` — so incremental snapshots include it. A key outside the instance's key groups
 * is refused (StateKeyError), and so is a value that is or holds a function, symbol, WeakMap…
 * (StateValueError).
 *
 * @example
 * const h = new KeyedStateHolder(setup); h.set(record, 1); h.get(record) // 1
 */
export class KeyedStateHolder implements StateHolder<KeyedStateSnapshot> {
  readonly stateId: string
  readonly stateVersion: string
  readonly keyed = true
  private readonly table: SlotTable
  private values: unknown[] = []
  private stamps: Float64Array | undefined
  private readonly epochs: ChangeEpochs
  private lastRecord: unknown = undefined
  private lastKey: unknown = undefined
  private readonly ttlMs: number
  /** The TTL when it counts in event time. */
  private readonly eventTtl: StateTtl | undefined
  /** The capture of a barrier still being gathered, if any. */
  private running: KeyedCapture | undefined
  private sweepAt = 0 // where the next write's sweep of expired entries starts (sweepExpired)
  private readonly checks: StateChecks
  private readonly dropSlot = (slot: number): void => this.drop(slot, this.table.keyAt(slot))

  constructor(readonly setup: KeyedStateSetup) {
    this.stateId = setup.stateId ?? `${setup.step}/state.${setup.name}`
    this.stateVersion = setup.options.version ?? '1.0.0'
    this.table = new SlotTable(setup.groupOf)
    this.checks = new StateChecks(setup)
    this.ttlMs = setup.options.ttl?.ms ?? Infinity
    if (setup.options.ttl) this.stamps = new Float64Array(16)
    this.eventTtl = setup.options.ttl?.time === 'event' ? setup.options.ttl : undefined
    // Touched keys beyond twice the live ones (and a floor): a full snapshot is cheaper than changes that large.
    this.epochs = new ChangeEpochs(() => 2 * this.table.size + 1024)
  }

  /**
   * The key of `record` (the step's keyBy key), computed at each call: an Oxi may address its state
   * with one object whose key field it changes. Only a step that addresses it with its own input
   * records (`sameRecordSameKey`: `.reduce`) has the last record's key remembered (a get then a set).
   */
  keyOf(record: unknown): unknown {
    if (!this.setup.sameRecordSameKey) return this.setup.keyOf(record)
    if (record !== this.lastRecord || this.lastRecord === undefined) {
      this.lastKey = this.setup.keyOf(record)
      this.lastRecord = record
    }
    return this.lastKey
  }

  /** The live value of `record`'s key; undefined when it has none or it expired (then it is removed). */
  get(record: unknown): unknown {
    const now = this.clockFor(record)
    const key = this.keyOf(record)
    const slot = this.table.slotOf(key)
    if (slot < 0) {
      this.checks.owned(key)
      return undefined
    }
    if (this.expired(slot, now)) {
      this.drop(slot, key)
      return undefined
    }
    const value = this.values[slot]
    if (typeof value === 'object' && value !== null) this.handingOut(slot, key, value)
    return value
  }

  /** Whether `record`'s key has a live value (one that is `undefined` included). */
  has(record: unknown): boolean {
    const now = this.clockFor(record)
    const key = this.keyOf(record)
    const slot = this.table.slotOf(key)
    if (slot < 0) this.checks.owned(key)
    return slot >= 0 && !this.expired(slot, now)
  }

  /** Sets `record`'s key's value, stamps the write (TTL counts from it); checks `unit`, the part written (StateChecks.written). */
  set(record: unknown, value: unknown, unit: unknown = value, at?: unknown): void {
    const stamp = this.eventTtl ? this.eventTime(record) : this.stamps ? this.setup.now() : 0
    const key = this.keyOf(record)
    this.checks.written(key, unit, at)
    let slot = this.table.slotOf(key)
    if (slot < 0) slot = this.table.insert(key, this.checks.owned(key))
    this.values[slot] = value
    if (this.stamps) {
      if (slot >= this.stamps.length) this.grow()
      this.stamps[slot] = stamp
      this.sweepAt = sweepExpired(this.table, this.stamps, this.ttlMs, this.clockNow(), this.sweepAt, SWEEP_PER_WRITE, this.dropSlot)
    }
    this.epochs.touch(key)
  }

  /** Removes `record`'s key's value. */
  delete(record: unknown): void {
    if (this.eventTtl) this.eventTime(record)
    const key = this.keyOf(record)
    const slot = this.table.slotOf(key)
    if (slot >= 0) this.drop(slot, key)
    else this.checks.owned(key)
  }

  /** `[key, value]` of every live entry, in no particular order (expired ones are skipped). */
  *entries(): IterableIterator<[unknown, unknown]> {
    const now = this.clockNow()
    for (const slot of this.table.slots()) {
      if (this.expired(slot, now)) continue
      const key = this.table.keyAt(slot)
      const value = this.values[slot]
      if (typeof value === 'object' && value !== null) this.handingOut(slot, key, value)
      yield [key, value]
    }
  }

  /**
   * Copy-on-write: a full snapshot is marked now — the purge of expired entries and a shallow
   * copy of the slot arrays — and gathered and packed after the barrier (KeyedCapture); changes
   * (`since`) are taken now, as `snapshotChanges` does, and copied so that they are the capture's own.
   */
  capture(checkpointId: number, since?: number): SnapshotCapture<KeyedStateSnapshot> | undefined {
    if (since !== undefined) {
      const changes = this.snapshotChanges(since, checkpointId)
      if (changes === undefined) return undefined
      const own = copiedChanges({ step: this.setup.step, stateId: this.stateId }, changes)
      return { step: () => own }
    }
    this.finishCapture()
    this.purge()
    this.epochs.close(checkpointId)
    const capture: KeyedCapture = new KeyedCapture(this.table.frozen(this.values, this.stamps), { step: this.setup.step, stateId: this.stateId }, this.setup.packFrom, () => {
      if (this.running === capture) this.running = undefined
    })
    return this.running = capture
  }

  snapshot(checkpointId?: number): KeyedStateSnapshot {
    this.purge()
    this.epochs.close(checkpointId)
    const out: KeyedStateSnapshot = new Map()
    for (const [g, e] of this.table.entriesByGroup(this.values, this.stamps)) {
      out.set(g, packGroup({ keys: e.keys, values: e.values, ...(this.stamps && { stamps: Float64Array.from(e.stamps) }) }, this.setup.packFrom))
    }
    return out
  }

  snapshotChanges(since: number, checkpointId: number): KeyedStateSnapshot | undefined {
    this.purge()
    const touched = this.epochs.since(since, checkpointId)
    if (!touched) return undefined
    const written = new Map<KeyGroup, number[]>()
    const removed = new Map<KeyGroup, unknown[]>()
    for (const key of touched) {
      const slot = this.table.slotOf(key)
      const g = slot >= 0 ? this.table.groupAt(slot) : this.setup.groupOf(key)
      if (!written.has(g)) { written.set(g, []); removed.set(g, []) }
      if (slot >= 0) written.get(g)!.push(slot)
      else removed.get(g)!.push(key)
    }
    const out: KeyedStateSnapshot = new Map()
    for (const [g, slots] of written) out.set(g, this.columns(slots, removed.get(g)!))
    return out
  }

  applyChanges(full: KeyedStateSnapshot, changes: KeyedStateSnapshot): KeyedStateSnapshot {
    return foldKeyedChanges(full, changes)
  }

  restore(state: KeyedStateSnapshot, fromVersion: string): void {
    // A capture still gathering refers to slots by number: it is done before they are renumbered.
    this.finishCapture()
    const migrating = checkStateVersion(this.setup.step, this.stateId, fromVersion, this.stateVersion) === 'migrate'
    const migrate = migrating ? this.setup.options.migrate : undefined
    if (!(state instanceof Map)) throw new KeyedStateRestoreError(this.setup.step, this.stateId, `a ${state === null ? 'null' : typeof state}, not a Map of key groups`)
    this.table.clear()
    this.values = []
    if (this.stamps) this.stamps = new Float64Array(16)
    this.epochs.reset()
    for (const g of [...state.keys()].sort((a, b) => a - b)) {
      let group: KeyedGroupState
      try {
        group = unpackGroup(state.get(g)!)
      } catch (e) {
        throw new KeyedStateRestoreError(this.setup.step, this.stateId, `key group ${g}: ${(e as Error).message}`)
      }
      for (let i = 0; i < group.keys.length; i++) {
        const key = group.keys[i]
        if (this.setup.groupOf(key) !== g) {
          throw new KeyedStateRestoreError(this.setup.step, this.stateId, `key ${shown(key)} lies in key group ${g} but belongs to ` +
            `${this.setup.groupOf(key)}: the snapshot was taken with another maxKeyGroups — run with the value it was taken with`)
        }
        const slot = this.table.insert(key, g)
        const value = group.values[i]
        this.values[slot] = migrate ? migrated(this.setup, this.stateId, this.stateVersion, key, value, fromVersion) : value
        if (this.stamps) {
          if (slot >= this.stamps.length) this.grow()
          // State written without a TTL gets one from now on: in processing time it counts from the
          // restore; in event time (no record to stamp it with) it lives until its key is written again.
          this.stamps[slot] = group.stamps?.[i] ?? (this.setup.options.ttl?.time === 'event' ? Infinity : this.setup.now())
        }
      }
    }
  }

  private columns(slots: readonly number[], removed: unknown[]): KeyedGroupState | PackedKeyedGroup {
    const keys = slots.map((s) => this.table.keyAt(s))
    const values = slots.map((s) => this.values[s])
    const stamps = this.stamps ? Float64Array.from(slots, (s) => this.stamps![s]) : undefined
    return packGroup({ keys, values, ...(stamps ? { stamps } : {}), ...(removed.length > 0 ? { removed } : {}) }, this.setup.packFrom)
  }

  /**
   * Slot `slot`'s object goes to the step, which may change it in place without a `set`: it
   * counts as changed (incremental snapshots take it), and a capture still to write it takes a
   * copy first.
   */
  private handingOut(slot: number, key: unknown, value: object): void {
    this.epochs.touch(key)
    if (this.running !== undefined) this.running.exposing(slot, value)
  }

  private finishCapture(): void {
    if (this.running !== undefined) finishCaptureNow(this.running)
    this.running = undefined
  }

  /** Event-time TTL: `record`'s event time, checked (a record error of the step if it is no finite number), handed to the step's EventClock. */
  private eventTime(record: unknown): number {
    const t = eventTimeOf(this.eventTtl!.timestamp!, `step '${this.setup.step}': state '${this.setup.name}'`, record, 'ttl.timestamp')
    this.setup.eventClock?.observe(t)
    return t
  }

  /**
   * The time entries expire against (stamp + ms ≤ it) in entries and snapshots; an access with a
   * record takes clockFor. In processing time the job clock. In event time the highest of: the
   * step's watermark; the record's own time; and the step's highest record time less ms. So a
   * record sees its key's entry expired once its own time is ms past the write, with or without a
   * watermark; for input out of order by less than ms that depends on its key's records alone
   * (the same on any worker count); and an entry whose key stopped coming goes once the step has
   * seen a time 2 × ms past it — where no record out of order by less than ms could still see it.
   */
  private clockNow(): number {
    if (this.eventTtl === undefined) return this.setup.now()
    return Math.max(this.setup.watermark(), (this.setup.eventClock?.seen() ?? -Infinity) - this.ttlMs)
  }

  /** clockNow for an access with `record`: in event time its own time counts too. */
  private clockFor(record: unknown): number {
    if (this.eventTtl === undefined) return this.stamps === undefined ? -Infinity : this.setup.now()
    const own = this.eventTime(record)
    return Math.max(own, this.clockNow())
  }

  private expired(slot: number, now: number): boolean {
    return this.stamps !== undefined && this.stamps[slot] + this.ttlMs <= now
  }

  /** Drops every expired entry (a snapshot keeps none). */
  private purge(): void {
    if (this.stamps) sweepExpired(this.table, this.stamps, this.ttlMs, this.clockNow(), 0, this.table.capacity, this.dropSlot)
  }

  private drop(slot: number, key: unknown): void {
    this.table.remove(slot)
    this.values[slot] = undefined
    this.epochs.touch(key)
  }

  private grow(): void {
    const grown = new Float64Array(Math.max(16, this.table.capacity * 2))
    grown.set(this.stamps!)
    this.stamps = grown
  }
}
