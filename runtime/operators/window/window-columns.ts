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
}

/**
 * Writes states as columns and reads them back: the window's rows with the step's accumulator
 * in the columns after the window's fields.
 *
 * @example
 * const codec = new WindowColumnsCodec(window.columns!, accumulation.columns!)
 */
export class WindowColumnsCodec {
  private readonly width: number
  private readonly fields: number

  constructor(private readonly window: WindowStateColumns<unknown>, private readonly acc: AccumulatorColumns<unknown>) {
    this.fields = window.fields.length
    this.width = this.fields + acc.width
  }

  /** Rows `state` takes (for sizing the columns). */
  rows(state: unknown): number {
    return this.window.rows(state)
  }

  /**
   * A part for `keys` and their `states` (same order); `totalRows` is the sum of their rows.
   * Takes ownership of `keys`.
   */
  write(keys: unknown[], states: readonly unknown[], totalRows: number): WindowColumnsPart {
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

  /** `[key, state]` of every key of `part`, in order; a RangeError when the part is malformed. */
  read(part: WindowColumnsPart): [unknown, unknown][] {
    if (!isKeyTable(part.keys) || !(part.rows instanceof Uint32Array) || !Array.isArray(part.cols) ||
      part.cols.length !== this.width || !part.cols.every((c) => c instanceof Float64Array)) {
      throw new RangeError(`expected { keys, rows: Uint32Array, cols: ${this.width} Float64Arrays }`)
    }
    const keys = unpackKeys(part.keys)
    if (keys.length !== part.rows.length) throw new RangeError(`${keys.length} keys but ${part.rows.length} row counts`)
    const { cols, rows } = part
    const { acc, fields } = this
    const readAcc = (row: number): unknown => acc.read(cols, fields, row)
    const out = new Array<[unknown, unknown]>(keys.length)
    let row = 0
    for (let i = 0; i < keys.length; i++) {
      if (row + rows[i] > (cols[0]?.length ?? 0)) throw new RangeError(`key ${i} needs rows up to ${row + rows[i]}, the columns have ${cols[0]?.length ?? 0}`)
      out[i] = [keys[i], this.window.read(cols, row, rows[i], readAcc)]
      row += rows[i]
    }
    return out
  }
}
