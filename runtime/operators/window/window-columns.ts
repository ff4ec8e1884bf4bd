import type { AccumulatorColumns } from '../../contracts/aggregator.ts'
import type { WindowStateColumns } from '../../contracts/window.ts'
import { isKeyTable, packKeys, unpackKeys, type KeyTable } from './key-table.ts'

/**
 * The keys of one key group as raw columns: the key table (in key creation order), the number of
 * rows each key's state takes, and the rows' columns — the window's fields, then the
 * accumulator's. No object per key or window, so `v8.serialize` copies it as a few blocks.
 *
 * @example
 * const part: WindowColumnsPart = { keys: { text: 'u1', lengths: new Uint32Array([2]) }, rows: new Uint32Array([1]), cols: [start, end, fired, n] }
 */
export interface WindowColumnsPart {
  readonly keys: KeyTable
  readonly rows: Uint32Array
  readonly cols: Float64Array[]
  /** The keys' creation order in the step (written when keys are not in that order); absent: the order of `keys`. */
  readonly ords?: Float64Array
  /** Each key's key group, when the part holds several groups (shared by their entries). */
  readonly groups?: Int32Array
}

/**
 * How a window step writes its keys' states as a part and reads them back: on objects
 * (WindowColumnsCodec) or from the rows the states live in (RowWindows).
 *
 * @example
 * const part = codec.write(keys, states)
 */
export interface WindowStateCodec {
  /** A part for `keys` and their `states` (same order), one key group's. Takes ownership of `keys`. */
  write?(keys: unknown[], states: readonly unknown[]): WindowColumnsPart
  /**
   * Instead of `write`: the step's keys that changed after epoch `since` (all: −∞) as one part
   * with each key's `groups`, from the codec's own storage; every key group's entry shares it.
   */
  writeAll?(since: number): WindowColumnsPart
  /**
   * The states of the part's `keys` (from partKeys), in order; with `take`, only of the keys it
   * wants (the others' are undefined). A RangeError when the part is malformed.
   */
  read(part: WindowColumnsPart, keys: readonly unknown[], take?: (i: number) => boolean): unknown[]
}

/**
 * Writes states as columns and reads them back: the window's rows with the step's accumulator
 * in the columns after the window's fields.
 *
 * @example
 * const codec = new WindowColumnsCodec(window.columns!, accumulation.columns!)
 */
export class WindowColumnsCodec implements WindowStateCodec {
  private readonly width: number
  private readonly fields: number

  constructor(private readonly window: WindowStateColumns<unknown>, private readonly acc: AccumulatorColumns<unknown>) {
    this.fields = window.fields.length
    this.width = this.fields + acc.width
  }

  /** A part for `keys` and their `states` (same order). Takes ownership of `keys`. */
  write(keys: unknown[], states: readonly unknown[]): WindowColumnsPart {
    let totalRows = 0
    for (const state of states) totalRows += this.window.rows(state)
    const cols = Array.from({ length: this.width }, () => new Float64Array(totalRows))
    const rows = new Uint32Array(states.length)
    const { acc, fields } = this
    const writeAcc = (a: unknown, row: number): void => acc.write(a, cols, fields, row)
    let row = 0
    for (let i = 0; i < states.length; i++) {
      const n = this.window.rows(states[i])
      this.window.write(states[i], cols, row, writeAcc)
      rows[i] = n
      row += n
    }
    return { keys: packKeys(keys), rows, cols }
  }

  /** The state of every key of `part`, in order; a RangeError when the part is malformed. */
  read(part: WindowColumnsPart, keys: readonly unknown[], take: (i: number) => boolean = () => true): unknown[] {
    checkColumnsPart(part, this.width, keys.length)
    const { cols, rows } = part
    const { acc, fields } = this
    const readAcc = (row: number): unknown => acc.read(cols, fields, row)
    const out = new Array<unknown>(keys.length)
    let row = 0
    for (let i = 0; i < keys.length; i++) {
      if (take(i)) out[i] = this.window.read(cols, row, rows[i], readAcc)
      row += rows[i]
    }
    return out
  }
}

/**
 * The keys of a part (a RangeError when its key table is malformed).
 *
 * @example
 * const keys = partKeys(group.columns)
 */
export function partKeys(part: WindowColumnsPart): unknown[] {
  if (!isKeyTable(part?.keys)) throw new RangeError('expected a key table { text, lengths }, { numbers } or { values }')
  return unpackKeys(part.keys)
}

/**
 * Throws a RangeError unless `part` has `width` Float64Array columns, a row count per key
 * (`keys` of them) and columns as long as the rows add up to.
 *
 * @example
 * checkColumnsPart(part, 8, keys.length)
 */
export function checkColumnsPart(part: WindowColumnsPart, width: number, keys: number): void {
  if (!(part.rows instanceof Uint32Array) || !Array.isArray(part.cols) || part.cols.length !== width || !part.cols.every((c) => c instanceof Float64Array)) {
    throw new RangeError(`expected { keys, rows: Uint32Array, cols: ${width} Float64Arrays }`)
  }
  if (keys !== part.rows.length) throw new RangeError(`${keys} keys but ${part.rows.length} row counts`)
  let total = 0
  for (const n of part.rows) total += n
  for (const c of part.cols) if (c.length !== total) throw new RangeError(`the rows add up to ${total}, a column has ${c.length}`)
}
