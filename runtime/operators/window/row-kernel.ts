import type { AccumulatorColumns } from '../../contracts/aggregator.ts'
import type { KeySlots } from './key-slots.ts'
import type { RowTable } from './row-table.ts'

/**
 * A window step's event-time progress, which its kernel reads and advances: the watermark and the
 * highest event time seen, and the record the kernel stopped at when a function threw.
 *
 * @example
 * const st: KernelState = { wm: -Infinity, maxEventTime: -Infinity, at: 0 }
 */
export interface KernelState {
  wm: number
  maxEventTime: number
  /** The record a throw came from (set only when the kernel throws). */
  at: number
}

/**
 * The pieces of one window step a kernel is generated for.
 *
 * @example
 * const parts: KernelParts = { keyOf, userKey: userKeyFunction(keyOf), slotOf: keys.slotMap, fields, count: 3, offsets, slots, table }
 */
export interface KernelParts {
  readonly keyOf: (record: unknown) => unknown
  /** The user's key function `keyOf` wraps, when it is a keySelector: called directly (see keyLookup). */
  readonly userKey?: (record: unknown) => unknown
  /** key → slot of the step's keys (the step's own map). */
  readonly slotOf: ReadonlyMap<unknown, number>
  readonly fields: readonly AccumulatorColumns<unknown>[]
  /** Offset of the row's count of values (the fields' `n`). */
  readonly count: number
  /** Offset of each field's accumulator in the row (the row's own fields come before). */
  readonly offsets: readonly number[]
  readonly slots: KeySlots
  readonly table: RowTable
  /** Emits the window in `row` of `key` (the step's host.emit: a throw there is a StepError). */
  readonly emit: (key: unknown, windowStart: number, windowEnd: number, row: number) => void
  /** Tumbling windows: key → slot of keys whose last window fired (ParkedKeys), and how one opens its next window. */
  readonly parked?: ReadonlyMap<unknown, number>
  readonly reopen?: (k: number, start: number, end: number) => number
}

/**
 * Runs `records[from..]` through the step's common case and returns the index of the first record
 * it did not take (records.length: all of them). It takes a record only when that record does
 * exactly what the step's general path would do and no more than add to an open row — so the
 * step hands the record it stopped at to that path (a new key, a new window, a window that fires,
 * a value or time it refuses) and calls the kernel again after it.
 *
 * @example
 * for (let i = 0; i < records.length; i++) { i = kernel(records, i, epoch, timers.next, st); if (i < records.length) handle(records[i]) }
 */
export type RowKernel = (records: readonly unknown[], from: number, epoch: number, timersNext: number, st: KernelState) => number

let generated = 0

/**
 * Compiles a kernel: `body` (the kernel's text, after each field's `f<i>`/`v<i>`/`m<i>` constants) with
 * the step's pieces in scope. The text holds only field indexes and offsets (numbers), never user
 * input; the counter makes each step's source its own, so V8 does not share one function's
 * feedback between steps (its cache of compiled sources would).
 */
function compile(parts: KernelParts, scope: Record<string, unknown>, body: string): RowKernel {
  const consts = parts.fields.map((_, i) => `const f${i} = fields[${i}], v${i} = f${i}.finite ?? f${i}.value, m${i} = f${i}.maxAbs`).join('\n')
  const names = ['fields', 'keyOf', 'userKey', 'slotOf', 'slots', 'table', 'emit', 'parked', 'reopen', ...Object.keys(scope)]
  const make = new Function(...names, `// window step kernel ${++generated}\n${consts}\nreturn ${body}`) as (...args: unknown[]) => RowKernel
  return make(parts.fields, parts.keyOf, parts.userKey, parts.slotOf, parts.slots, parts.table, parts.emit, parts.parked ?? new Map(), parts.reopen,
    ...Object.values(scope))
}

/** Each field's add of `x<i>` into the row whose first field is `d[at]`, then the row's count. */
function adds(parts: KernelParts): string {
  return [`const n = d[at + ${parts.count}]`, ...parts.fields.map((_, i) => `f${i}.add(d, at + ${parts.offsets[i]}, x${i}, n)`), `d[at + ${parts.count}] = n + 1`]
    .join('\n      ')
}

/** The row's count and each field's accumulator at `d[at]…` emptied (RowAccumulation.init, one call site per field). */
function inits(parts: KernelParts): string {
  return [`d[at + ${parts.count}] = 0`, ...parts.fields.map((_, i) => `f${i}.init(d, at + ${parts.offsets[i]})`)].join('\n        ')
}

/**
 * The slot `k` of record `r`'s key. With the user's own key function its result needs no check:
 * the map holds only keys the selector let through (a Map finds −0 as 0), so anything else is
 * not found and goes to the general path, whose selector raises the error — as it does for a
 * throw, which ends the loop there too.
 */
function keyLookup(parts: KernelParts, stop = 'break'): string {
  if (parts.userKey === undefined) return 'const key = keyOf(r)\n      const k = slotOf.get(key)'
  return `let key
      try {
        key = userKey(r)
      } catch {
        ${stop}
      }
      const k = slotOf.get(key)`
}

/**
 * Each field's value of record `r` as `x<i>`: a field with a raw value function (`finite`) is
 * called directly and a value it refuses ends the loop there (the general path then throws its
 * error), beyond its `maxAbs` as well; the others through their checked `value`.
 */
function values(parts: KernelParts, stop = 'break'): string {
  return parts.fields.map((f, i) => f.finite
    ? `let x${i} = v${i}(r)\n      if (typeof x${i} !== 'number' || x${i} - x${i} !== 0${f.maxAbs === undefined ? '' : ` || x${i} > m${i} || x${i} < -m${i}`}) ${stop}\n      x${i} += 0`
    : `const x${i} = v${i}(r)`).join('\n      ')
}

/**
 * The kernel of tumbling event-time windows in rows (`RowWindows` with `slide` = `size`): per record
 * the key, its slot, the event time and every field's value, then each field's `add` on the key's
 * open row — or, for a parked key (its last window fired), on the next window it opens through
 * `reopen` — in one generated function per step. One per step, not one per shape: its call sites
 * each see one step's functions only, so V8 inlines the key, time and value functions and each
 * field's add (a shared loop made them megamorphic: 170 ns per record against a hand loop's 60).
 *
 * @example
 * const kernel = tumblingKernel(parts, (r) => r.ts, 60_000, 0)
 */
export function tumblingKernel(parts: KernelParts, timeOf: (record: unknown) => number, size: number, delay: number): RowKernel {
  // The loop takes keys with an open row only; the record of a parked key stops it and, when
  // \`open\` takes that record, the loop goes on after it. A rare path inside the loop (a call that
  // may grow the table) made every record slower than the general path it spared.
  return compile(parts, { timeOf, size, delay }, `(() => {
function loop(records, from, epoch, timersNext, st) {
  const heads = slots.heads, slotEpochs = slots.epochs, d = table.data, width = table.width
  let wm = st.wm, maxT = st.maxEventTime, i = from
  try {
    for (; i < records.length; i++) {
      const r = records[i]
      ${keyLookup(parts)}
      if (k === undefined) break
      const t = timeOf(r)
      if (typeof t !== 'number' || t - t !== 0) break
      const s = Math.floor(t / size) * size
      const w = heads[k]
      if (w === -1) break
      const at = w * width
      if (d[at] !== s || s + size - 1 <= wm) break
      let gen = wm
      if (t > maxT) {
        gen = t - delay - 1
        if (gen > wm && timersNext <= gen) break
      }
      ${values(parts)}
      ${adds(parts)}
      slotEpochs[k] = epoch
      if (t > maxT) {
        maxT = t
        if (gen > wm) wm = gen
      }
    }
  } catch (e) {
    st.at = i
    throw e
  } finally {
    st.wm = wm
    st.maxEventTime = maxT
  }
  return i
}
// Record r of a parked key opens the key's next window (registered again, its timer at the
// window's end − 1) and goes in, under the loop's conditions: returns that timer's time, or NaN
// when r is not such a record or the loop's conditions refuse it (the general path takes it).
function open(r, epoch, timersNext, st) {
  ${keyLookup(parts, 'return NaN')}
  if (k !== undefined) return NaN
  const p = parked.get(key)
  if (p === undefined) return NaN
  const wm = st.wm, maxT = st.maxEventTime
  const t = timeOf(r)
  if (typeof t !== 'number' || t - t !== 0) return NaN
  const s = Math.floor(t / size) * size
  if (s + size - 1 <= wm) return NaN
  let gen = wm
  if (t > maxT) {
    gen = t - delay - 1
    if (gen > wm && timersNext <= gen) return NaN
  }
  ${values(parts, 'return NaN')}
  const at = reopen(p, s, s + size) * table.width
  const d = table.data
  ${adds(parts)}
  slots.epochs[p] = epoch
  if (t > maxT) {
    st.maxEventTime = t
    if (gen > wm) st.wm = gen
  }
  return s + size - 1
}
return function kernel(records, from, epoch, timersNext, st) {
  let i = loop(records, from, epoch, timersNext, st)
  if (parked.size === 0) return i
  try {
    while (i < records.length) {
      const due = open(records[i], epoch, timersNext, st)
      if (due !== due) break
      if (due < timersNext) timersNext = due
      i = loop(records, i + 1, epoch, timersNext, st)
    }
  } catch (e) {
    // From open (a key, time or value function): the record it was given (the loop's own throws set st.at already).
    if (st.at < 0) st.at = i
    throw e
  }
  return i
}
})()`)
}

/**
 * The kernel of count windows in rows (lengthBatch: a key's one row is its open batch, [start, end)
 * in its record sequence numbers): per record the key, its slot and every field's value, then each
 * field's add and the batch's end moved on; a batch the record completes is emitted (its key is the
 * slot's, the canonical key the step registered) and the row emptied for the next one — the
 * general path's addToBatch and emitBatch, in place.
 *
 * @example
 * const kernel = countKernel(parts, 100)
 */
export function countKernel(parts: KernelParts, size: number): RowKernel {
  return compile(parts, { size }, `function kernel(records, from, epoch, timersNext, st) {
  const heads = slots.heads, slotEpochs = slots.epochs, keyAt = slots.keyAt, d = table.data, width = table.width
  let i = from
  try {
    for (; i < records.length; i++) {
      const r = records[i]
      ${keyLookup(parts)}
      if (k === undefined) break
      const w = heads[k]
      if (w === -1) break
      const at = w * width
      ${values(parts)}
      ${adds(parts)}
      const end = d[at + 1] + 1
      d[at + 1] = end
      slotEpochs[k] = epoch
      // ≥, not ===: a batch restored from a larger size still fires.
      if (end - d[at] >= size) {
        emit(keyAt[k], d[at], end, w)
        d[at] = end
        ${inits(parts)}
      }
    }
  } catch (e) {
    st.at = i
    throw e
  }
  return i
}`)
}
