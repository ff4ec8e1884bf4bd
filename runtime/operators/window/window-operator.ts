import type { StateHolder } from '../../../persistence/state-holder.ts'
import type { Window, WindowHost } from '../../contracts/window.ts'
import { PartialAggregateError } from './partial-aggregate-error.ts'
import { StepError } from '../../errors/step-error.ts'
import type { KeySelector, StepSpec } from '../../graph/step-spec.ts'
import { keyGroupCache, keyGroupOf } from '../../key-groups/key-group-assignment.ts'
import { andThen, type Maybe } from '../../maybe.ts'
import { windowAccumulation } from './window-accumulators.ts'
import { WindowClock } from './window-clock.ts'
import { eventTimeOf } from './event-time.ts'
import type { WindowStateCodec } from './window-columns.ts'
import { RowWindows } from './row-windows.ts'
import { ParkedKeys } from './parked-keys.ts'
import { adoptObjectForm } from './adopt-object-form.ts'
import { windowHost } from './window-host.ts'
import type { KernelState, RowKernel } from './row-kernel.ts'
import { WindowLateRecords } from './window-late-records.ts'
import { WindowTimers } from './window-timers.ts'
import { WindowKeys } from './window-keys.ts'
import { fireDue } from './fire-due.ts'
import { windowIdentity, type WindowIdentity } from './window-snapshot.ts'
import { WindowChanges } from './window-changes.ts'
import { windowHolder, type WindowHolderStep } from './window-holder.ts'
import { inputOffset, type Operator, type OperatorContext, type Output } from '../operator.ts'

type WindowSpec = Extract<StepSpec, { kind: 'window' }>

/**
 * A window step: `.window(name, windows.x(...))` followed by `.aggregate`, `.reduce` or
 * `.collect`. Keeps one state per key in columns (WindowKeys: key → slot, one lookup per record;
 * the key group is computed once per new key), fires windows through the window's logic, and
 * outputs `{ key, windowStart, windowEnd, ...fields }`.
 *
 * Event time: the watermark is the higher of the one generated from the records this instance
 * handles (highest event time − maxOutOfOrderness − 1, advanced after each record, so output does
 * not depend on how input was cut into batches) and the one received in band (+∞ at the end of
 * a bounded input). Processing time: the job clock, checked at each batch and by one timer for
 * the earliest due window. End of bounded input fires every open window; a stop fires nothing.
 *
 * @example
 * const op = new WindowOperator(ctx, step.spec as WindowSpec, next)
 */
export class WindowOperator implements Operator {
  private readonly keys: WindowKeys
  private readonly timers: WindowTimers
  private readonly groupOf: (key: unknown) => number
  private readonly window: Window
  private readonly host: WindowHost
  private readonly keyOf: KeySelector | undefined
  private readonly timeOf: ((record: unknown) => number) | undefined
  private readonly delay: number
  private readonly timed: boolean
  private readonly processing: boolean
  private nextOrd = 0
  /** The event-time watermark and highest event time seen; the kernel advances them too. */
  private readonly progress: KernelState = { wm: -Infinity, maxEventTime: -Infinity, at: -1 }
  private out: unknown[] = []
  private readonly late: WindowLateRecords
  private readonly clock: WindowClock
  private readonly identity: WindowIdentity
  /** Snapshots keys as raw columns when the state lives in columns (rowWindows). */
  private readonly columns: WindowStateCodec | undefined
  /** The window's state in a RowTable, when it lives in columns. */
  private readonly rowWindows: RowWindows | undefined
  private readonly changes = new WindowChanges(() => 2 * this.keys.size + 1024)
  /**
   * Fixed (tumbling, sliding) windows in rows: a record lowers its key's due only by opening a
   * window, i.e. a new row — otherwise the due is not recomputed (it walked the key's rows for
   * every record: 13 ns of ~190 per record on the window-hot-path tumbling case).
   */
  private readonly fixedRows: RowWindows | undefined
  /** The generated loop of the common case (tumbling and count windows in rows: row-kernel.ts). */
  private readonly kernel: RowKernel | undefined
  /** Tumbling windows in rows: keys whose last window fired, kept for the kernel to open their next one. */
  private readonly parked: ParkedKeys | undefined

  constructor(private readonly ctx: OperatorContext, private readonly spec: WindowSpec, private readonly next: Output) {
    const accumulation = windowAccumulation(ctx.step.name, spec.output, spec.window.mode)
    const rows = accumulation.rows
    // Windows given as data (event-time and count windows) whose aggregates work in place keep their state in columns (no object per window).
    const shape = spec.window.shape
    this.rowWindows = shape && rows && (shape.kind === 'count' || spec.window.eventTime) ? new RowWindows(spec.window, rows, this.changes) : undefined
    this.window = this.rowWindows ?? spec.window
    // A row window's state is its KeySlots slot: the step's key columns use the same number.
    this.keys = new WindowKeys(this.rowWindows !== undefined)
    this.fixedRows = this.rowWindows?.shape.kind === 'fixed' ? this.rowWindows : undefined
    this.timers = new WindowTimers(this.keys)
    this.groupOf = keyGroupCache(ctx.maxKeyGroups)
    this.keyOf = ctx.step.key
    this.timeOf = spec.window.eventTime?.time
    this.delay = spec.window.eventTime?.maxOutOfOrderness ?? 0
    this.timed = spec.window.time !== 'count'
    this.processing = spec.window.time === 'processing'
    this.late = new WindowLateRecords(ctx)
    this.identity = windowIdentity(spec.window, spec.output)
    this.columns = this.rowWindows?.codec()
    this.clock = new WindowClock(ctx, () => {
      this.fireDue(this.ctx.clock.now())
      return this.flush()
    })
    this.host = windowHost(ctx.step.name, accumulation, this.rowWindows, (out) => this.out.push(out), (record) => this.late.add(record))
    this.parked = ParkedKeys.forTumbling(this.fixedRows, this.keys, this.timers, this.changes, () => this.nextOrd++)
    this.kernel = this.rowWindows?.kernel(this.keyOf ?? (() => null), this.keys.slotMap, this.host, this.parked)
  }

  batch(records: readonly unknown[]): Maybe<void> {
    const c = this.ctx.counters
    const base = c.recordsIn
    c.recordsIn += records.length
    let now = 0
    if (this.processing) {
      now = this.ctx.clock.now()
      // A due window fires before records that arrived after its end (its timer may still be queued).
      if (this.timers.next <= now) this.fireDue(now)
    }
    return this.handleFrom(records, base, 0, now)
  }

  watermark(time: number): Maybe<void> {
    if (this.timeOf && time > this.progress.wm) {
      this.progress.wm = time
      this.fireDue(time)
    }
    return andThen(this.flush(), () => this.next.watermark(time))
  }

  end(final: boolean): Maybe<void> {
    this.clock.disarm()
    if (final) {
      // Every state may change now: a capture still gathering finishes first.
      this.keys.finishCapture()
      if (this.timeOf && this.progress.wm < Infinity) this.fireDue(this.progress.wm = Infinity)
      if (this.processing) this.fireDue(this.ctx.clock.now())
      // What is still open fires in (key group, key order): the same after a restore.
      const { keys } = this
      try {
        for (const k of keys.inKeyOrder()) this.window.flush(this.host, keys.keyAt[k], keys.state(k))
        // Every state changed: a snapshot after the end is a full one.
        this.changes.reset()
      } catch (e) {
        throw e instanceof StepError ? e : new StepError(this.ctx.step.name, 'firing windows at the end of input', e, '; fix the function that threw')
      }
    }
    return andThen(this.flush(), () => this.next.end(final))
  }

  close(): void {
    this.clock.disarm()
  }

  holders(): StateHolder[] {
    const step: WindowHolderStep = {
      // Uncached: a restore checks every key once (a cache of 64k keys would only churn).
      ctx: this.ctx, identity: this.identity, codec: this.columns, changes: this.changes, keys: this.keys, groupOf: (key) => keyGroupOf(key, this.ctx.maxKeyGroups),
      objects: this.columns ? undefined : { capture: (since) => this.keys.captureStates(since, this.changes.epoch, this.spec.output.kind !== 'reduce'), changed: (since) => this.keys.changedSince(since) },
      watermark: () => this.progress.wm,
      maxEventTime: () => this.progress.maxEventTime,
      // Rows are re-created while the snapshot is read: the table is emptied first.
      clear: () => this.rowWindows?.clear(),
      load: (restored) => {
        this.keys.clear()
        this.parked?.reset()
        this.timers.clear()
        this.nextOrd = 0
        this.progress.wm = restored.watermark
        this.progress.maxEventTime = restored.maxEventTime
        const { keys, groups, states } = restored
        this.keys.reserve(keys.length)
        if (this.timed) this.timers.reserve(keys.length)
        const rowWindows = this.rowWindows
        for (let i = 0; i < keys.length; i++) {
          // A snapshot of the window's object form (an older state version) into rows.
          const s = rowWindows && typeof states[i] !== 'number' ? adoptObjectForm(rowWindows, keys[i], states[i], `${this.ctx.step.name}/${this.spec.windowName}`) : states[i]
          const due = this.timed ? this.window.due(s) : Infinity
          if (this.timed && due === Infinity) { this.window.release?.(s); continue }
          this.register(keys[i], groups[i], s, due)
        }
        if (this.processing) this.clock.arm(this.timers.next)
      },
      release: (state) => this.window.release?.(state),
    }
    return [windowHolder(`${this.ctx.step.name}/${this.spec.windowName}`, this.window.stateVersion, step)]
  }

  /** Handles records[start..] (the kernel takes the common case); a throw goes to the step's error policy, asynchronously only when it must wait. */
  private handleFrom(records: readonly unknown[], base: number, start: number, now: number): Maybe<void> {
    const keyOf = this.keyOf
    const keys = this.keys
    const external = this.rowWindows !== undefined
    const w = this.window
    const host = this.host
    const short = !this.timed
    // Snapshots close epochs between messages, never inside this loop (a wait re-enters it).
    const epoch = this.changes.epoch
    // Captures start at barriers, between messages: none starts inside this loop either.
    const kernel = this.rowWindows?.capturing === false ? this.kernel : undefined
    const progress = this.progress
    let i = start
    while (i < records.length) {
      try {
        for (; i < records.length; i++) {
          if (kernel !== undefined && (i = kernel(records, i, epoch, this.timers.next, progress)) === records.length) break
          const r = records[i]
          const key = keyOf === undefined ? null : keyOf(r)
          const k = keys.slotOf(key)
          if (short && k !== undefined) {
            if (keys.capture !== undefined) keys.capture.keep(k)
            w.add(host, key, external ? k : keys.states[k], r, 0, -Infinity)
            keys.epochs[k] = epoch
          }
          else this.handle(r, key, now, k)
        }
      } catch (e) {
        // A throw inside the kernel: the record it came from.
        if (progress.at >= 0) i = progress.at
        progress.at = -1
        if (e instanceof StepError) throw e
        if (e instanceof PartialAggregateError) throw new StepError(this.ctx.step.name, inputOffset(base, i), e, '')
        const r = records[i]
        const kept = this.ctx.failures.handle([r], inputOffset(base, i), e, () => this.handle(r, keyOf === undefined ? null : keyOf(r), now))
        const next = ++i
        if (kept instanceof Promise) return kept.then(() => this.handleFrom(records, base, next, now))
      }
    }
    return this.flush()
  }

  /** A record of `key`, whose slot `k` the caller may have looked up already. */
  private handle(record: unknown, key: unknown, now: number, k = this.keys.slotOf(key)): void {
    const w = this.window
    const t = this.timeOf === undefined ? now : eventTimeOf(this.timeOf, this.window.description, record)
    const keys = this.keys
    if (k === undefined) {
      this.parked?.forget(key) // registered afresh: the slot it had parked is freed
      // The state joins the map only once a record went in: a throw leaves no trace.
      const state = w.create(this.host)
      try {
        w.add(this.host, key, state, record, t, this.progress.wm)
      } catch (e) {
        w.release?.(state)
        throw e
      }
      // A late record of a key with no open window.
      const due = this.timed ? w.due(state) : Infinity
      if (this.timed && due === Infinity) { w.release?.(state); return }
      this.register(key, this.groupOf(key), state, due)
    } else {
      const state = keys.state(k)
      const rows = this.fixedRows?.table
      const allocs = rows?.allocs
      keys.capture?.keep(k)
      w.add(this.host, key, state, record, t, this.progress.wm)
      keys.epochs[k] = this.changes.epoch
      if (this.timed && (rows === undefined || rows.allocs !== allocs)) this.timers.schedule(k, w.due(state))
    }
    if (this.timeOf !== undefined && t > this.progress.maxEventTime) {
      this.progress.maxEventTime = t
      const generated = t - this.delay - 1
      if (generated > this.progress.wm) {
        this.progress.wm = generated
        if (this.timers.next <= generated) this.fireDue(generated)
      }
    }
  }

  /** A new key with its state, whose due the caller computed (Infinity: none, or a count window). */
  private register(key: unknown, group: number, state: unknown, due: number): void {
    // A restored row window keeps the creation order its snapshot recorded.
    const restored = this.rowWindows?.restoredOrd(state as number) ?? -1
    const ord = restored >= 0 ? restored : this.nextOrd++
    if (ord >= this.nextOrd) this.nextOrd = ord + 1
    this.rowWindows?.bind(state as number, key, group, ord)
    const k = this.keys.add(key, group, ord, state, this.changes.epoch)
    if (due < Infinity) this.timers.schedule(k, due)
  }

  /** Fires every key whose timer is at or before `at`, in timer order; drops (or parks) keys left empty. A throw here fails the step. */
  private fireDue(at: number): void {
    try {
      fireDue(this.window, this.host, this.keys, this.timers, this.changes, at, this.parked)
    } catch (e) {
      throw e instanceof StepError ? e : new StepError(this.ctx.step.name, 'firing windows', e, '; fix the function that threw')
    }
  }

  /** Sends the late records on the side edge to the late sink's step, then the windows fired so far downstream. */
  private flush(): Maybe<void> {
    if (this.processing) this.clock.arm(this.timers.next)
    const late = this.late.flush()
    return late instanceof Promise ? late.then(() => this.send()) : this.send()
  }

  private send(): Maybe<void> {
    const out = this.out
    if (out.length === 0) return
    this.out = []
    this.ctx.counters.recordsOut += out.length
    return this.next.batch(out)
  }
}
