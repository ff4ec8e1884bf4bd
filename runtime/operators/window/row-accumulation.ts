import type { AccumulatorColumns } from '../../contracts/aggregator.ts'

/**
 * The fields of `.aggregate` working in place on a row of columns (`cols[at]…`, field i's after
 * field i − 1's). A record goes in in two steps: `values` takes every field's number from it —
 * a throw there changes nothing, so no field is ever half-added — then `put` adds them (into
 * several rows for sliding windows). `values` returns a scratch array reused by the next call.
 *
 * @example
 * const xs = rows.values(record); rows.put(table.cols, 3, row, xs)
 */
export interface RowAccumulation {
  readonly width: number
  /** Each field's column form, and its first column's offset in the row. */
  readonly fields: readonly AccumulatorColumns<unknown>[]
  readonly offsets: readonly number[]
  init(cols: readonly Float64Array[], at: number, row: number): void
  values(record: unknown): Float64Array
  put(cols: readonly Float64Array[], at: number, row: number, xs: Float64Array): void
  merge(cols: readonly Float64Array[], at: number, into: number, from: number): void
  /** Writes the object form's accumulators `acc` (one per field) into the row (a RangeError when a field cannot). */
  load(cols: readonly Float64Array[], at: number, row: number, acc: unknown): void
  /** Writes the output fields of the row's window into `out`. */
  write(out: Record<string, unknown>, cols: readonly Float64Array[], at: number, row: number): void
}

type Compiled = (fields: readonly AccumulatorColumns<unknown>[], xs: Float64Array) => Pick<RowAccumulation, 'values' | 'put'>
const compiled = new Map<string, Compiled>()

/**
 * The row form of `.aggregate` over `names` (every aggregator has its column form). `values` and
 * `put` are generated with one call site per field (as the object form's add), so V8 inlines
 * each field's function instead of a megamorphic call per field and record.
 *
 * @example
 * const rows = rowAccumulation(['n', 'total'], [count.columns!, sum.columns!])
 */
export function rowAccumulation(names: readonly string[], columns: readonly AccumulatorColumns<unknown>[]): RowAccumulation {
  const fields = columns
  const offsets: number[] = []
  let width = 0
  for (const c of columns) { offsets.push(width); width += c.width }
  const shape = offsets.join(',')
  let make = compiled.get(shape)
  if (!make) {
    const values = fields.map((_, i) => `xs[${i}] = f${i}.value(record)`).join('\n    ')
    const puts = fields.map((_, i) => `f${i}.add(cols, at + ${offsets[i]}, row, xs[${i}])`).join('\n    ')
    // The generated text holds only field indexes and offsets, never user input.
    make = new Function('fields', 'xs', `${fields.map((_, i) => `const f${i} = fields[${i}]`).join('\n')}\n` +
      `return {\n  values(record) {\n    ${values}\n    return xs\n  },\n  put(cols, at, row, xs) {\n    ${puts}\n  },\n}`) as Compiled
    compiled.set(shape, make)
  }
  const n = fields.length
  return {
    width,
    fields,
    offsets,
    ...make(fields, new Float64Array(n)),
    init(cols, at, row) {
      for (let i = 0; i < n; i++) fields[i].init(cols, at + offsets[i], row)
    },
    merge(cols, at, into, from) {
      for (let i = 0; i < n; i++) fields[i].merge(cols, at + offsets[i], into, from)
    },
    load(cols, at, row, acc) {
      if (!Array.isArray(acc) || acc.length !== n) throw new RangeError(`an accumulator of ${n} fields (${names.join(', ')})`)
      for (let i = 0; i < n; i++) {
        const load = fields[i].load
        if (load === undefined) throw new RangeError(`field '${names[i]}' cannot load an accumulator of its object form`)
        load(cols, at + offsets[i], row, acc[i])
      }
    },
    write(out, cols, at, row) {
      for (let i = 0; i < n; i++) out[names[i]] = fields[i].result(cols, at + offsets[i], row)
    },
  }
}
