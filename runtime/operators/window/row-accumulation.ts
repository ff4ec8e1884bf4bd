import type { AccumulatorColumns } from '../../contracts/aggregator.ts'

/**
 * The fields of `.aggregate` working in place on a row: `d[i]` is the number of values in the
 * window (one count for every field: none keeps its own), then field j's accumulator at
 * `d[i + offsets[j]]…`. A record goes in in two steps: `values` takes every field's number from it
 * — a throw there changes nothing, so no field is ever half-added — then `put` adds them and
 * counts the record (into several rows for sliding windows). `values` returns a scratch array
 * reused by the next call.
 *
 * @example
 * const xs = rows.values(record); rows.put(table.data, row * table.width + 3, xs)
 */
export interface RowAccumulation {
  /** The count and the fields' accumulators. */
  readonly width: number
  /** Each field's row form, and its accumulator's offset from the count's. */
  readonly fields: readonly AccumulatorColumns<unknown>[]
  readonly offsets: readonly number[]
  /**
   * What snapshots store, as offsets from the count: each field's count, then its accumulator's
   * fields (the object form's `{ n, … }` order, as snapshots stored it when each field kept its
   * own count).
   */
  readonly stored: readonly number[]
  init(d: Float64Array, i: number): void
  values(record: unknown): Float64Array
  put(d: Float64Array, i: number, xs: Float64Array): void
  /** Merges the fields at `d[from]…` into those at `d[into]…`. */
  merge(d: Float64Array, into: number, from: number): void
  /** Writes the object form's accumulators `acc` (one per field) at `d[i]…` (a RangeError when a field cannot, or their counts differ). */
  load(d: Float64Array, i: number, acc: unknown): void
  /** The window's output `{ key, windowStart, windowEnd, ...fields }` from the row whose count is `d[i]`. */
  output(key: unknown, windowStart: number, windowEnd: number, d: Float64Array, i: number): Record<string, unknown>
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
  const stored: number[] = []
  let width = 1
  for (const c of columns) {
    offsets.push(width)
    stored.push(0)
    for (let j = 0; j < c.width; j++) stored.push(width + j)
    width += c.width
  }
  const shape = offsets.join(',')
  let make = compiled.get(shape)
  if (!make) {
    const values = fields.map((_, i) => `xs[${i}] = f${i}.value(record)`).join('\n    ')
    const puts = fields.map((_, i) => `f${i}.add(d, i + ${offsets[i]}, xs[${i}], n)`).join('\n    ')
    // The generated text holds only field indexes and offsets, never user input.
    make = new Function('fields', 'xs', `${fields.map((_, i) => `const f${i} = fields[${i}]`).join('\n')}\n` +
      `return {\n  values(record) {\n    ${values}\n    return xs\n  },\n  put(d, i, xs) {\n    const n = d[i]\n    ${puts}\n    d[i] = n + 1\n  },\n}`) as Compiled
    compiled.set(shape, make)
  }
  const n = fields.length
  const write = (out: Record<string, unknown>, d: Float64Array, i: number): void => {
    const count = d[i]
    for (let j = 0; j < n; j++) out[names[j]] = fields[j].result(d, i + offsets[j], count)
  }
  return {
    width,
    fields,
    offsets,
    stored,
    ...make(fields, new Float64Array(n)),
    init(d, i) {
      d[i] = 0
      for (let j = 0; j < n; j++) fields[j].init(d, i + offsets[j])
    },
    merge(d, into, from) {
      const nInto = d[into]
      const nFrom = d[from]
      for (let j = 0; j < n; j++) fields[j].merge(d, into + offsets[j], from + offsets[j], nInto, nFrom)
      d[into] = nInto + nFrom
    },
    load(d, i, acc) {
      if (!Array.isArray(acc) || acc.length !== n) throw new RangeError(`an accumulator of ${n} fields (${names.join(', ')})`)
      let count = 0
      for (let j = 0; j < n; j++) {
        const load = fields[j].load
        if (load === undefined) throw new RangeError(`field '${names[j]}' cannot load an accumulator of its object form`)
        const held = load(d, i + offsets[j], acc[j])
        if (j > 0 && held !== count) throw new RangeError(`every field holding as many values as the others (field '${names[j]}' holds ${held}, '${names[0]}' ${count})`)
        count = held
      }
      d[i] = count
    },
    output: outputOf(names, fields, offsets, write),
  }
}

/** A name an object literal can hold as written: an identifier, and not the prototype's. */
const PLAIN = /^[A-Za-z_$][\w$]*$/

/**
 * The output of a window as one object literal, each field's result in its place: one allocation
 * of one shape, and each field's `result` at a call site of its own. Names that are not plain
 * identifiers are added by `write`, as before.
 */
function outputOf(names: readonly string[], fields: readonly AccumulatorColumns<unknown>[], offsets: readonly number[],
  write: (out: Record<string, unknown>, d: Float64Array, i: number) => void): RowAccumulation['output'] {
  if (!names.every((name) => PLAIN.test(name) && name !== '__proto__')) {
    return (key, windowStart, windowEnd, d, i) => {
      const out: Record<string, unknown> = { key, windowStart, windowEnd }
      write(out, d, i)
      return out
    }
  }
  // The text holds identifiers checked above, field indexes and offsets.
  const props = names.map((name, j) => `${name}: f${j}.result(d, i + ${offsets[j]}, n)`).join(',\n      ')
  return new Function('fields', `${fields.map((_, j) => `const f${j} = fields[${j}]`).join('\n')}
return function output(key, windowStart, windowEnd, d, i) {
    const n = d[i]
    return {
      key, windowStart, windowEnd,
      ${props},
    }
  }`)(fields) as RowAccumulation['output']
}
