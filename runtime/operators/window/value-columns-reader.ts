import { Kind, KINDS, MAX_DEPTH, type ValueColumns } from './value-columns.ts'

/**
 * The values `encodeValues` wrote, in order (a RangeError when `columns` is malformed: counts that
 * do not add up, an unknown kind, a shape out of range).
 *
 * @example
 * const states = decodeValues(v8.deserialize(bytes))
 */
export function decodeValues(columns: ValueColumns): unknown[] {
  const reader = new ColumnReader(columns, 0)
  const out = new Array<unknown>(reader.n)
  for (let i = 0; i < out.length; i++) out[i] = reader.next()
  reader.finish()
  return out
}

type Maker = (fields: ColumnReader[]) => Record<string, unknown>

const makers = new Map<string, Maker>()

/**
 * Builds an object of `keys` from its fields' columns as one literal (`{ "a": fields[0].next(), … }`),
 * an own `__proto__` key as a computed one, which defines a property instead of setting the prototype.
 */
function makerOf(keys: readonly string[]): Maker {
  const id = JSON.stringify(keys)
  let maker = makers.get(id)
  if (maker === undefined) {
    const props = keys.map((k, i) => `${k === '__proto__' ? '["__proto__"]' : JSON.stringify(k)}: fields[${i}].next()`)
    maker = new Function('fields', `return { ${props.join(', ')} }`) as Maker
    if (makers.size < 1024) makers.set(id, maker)
  }
  return maker
}

class ColumnReader {
  readonly n: number
  private at = 0
  private readonly kinds: number | Uint8Array
  private readonly numbers: Float64Array | Int32Array | undefined
  private nextNumber = 0
  private readonly strings: unknown[] | undefined
  private nextString = 0
  private readonly lengths: Uint32Array | undefined
  private nextLength = 0
  private readonly items: ColumnReader | undefined
  private readonly mapKeys: ColumnReader | undefined
  private readonly mapValues: ColumnReader | undefined
  private readonly makers: Maker[] | undefined
  private readonly shapeOf: Uint16Array | undefined
  private nextObject = 0
  private readonly fields: ColumnReader[][] | undefined
  private readonly other: unknown[] | undefined
  private nextOther = 0

  constructor(c: ValueColumns, depth: number) {
    if (typeof c !== 'object' || c === null || !Number.isSafeInteger(c.n) || c.n < 0) throw new RangeError('expected value columns { n, kinds, … }')
    if (depth > MAX_DEPTH) throw new RangeError(`value columns nested deeper than ${MAX_DEPTH}`)
    const { kinds } = c
    if (!(kinds instanceof Uint8Array ? kinds.length === c.n : Number.isInteger(kinds) && (kinds as number) >= 0 && (kinds as number) < KINDS)) {
      throw new RangeError(`expected ${c.n} kinds or one kind below ${KINDS}`)
    }
    this.n = c.n
    this.kinds = kinds
    this.numbers = optional(c.numbers, (x) => x instanceof Float64Array || x instanceof Int32Array, 'numbers: a Float64Array or an Int32Array')
    this.strings = optional(c.strings, Array.isArray, 'strings: a list')
    this.lengths = optional(c.lengths, (x) => x instanceof Uint32Array, 'lengths: a Uint32Array')
    this.items = c.items === undefined ? undefined : new ColumnReader(c.items, depth + 1)
    this.mapKeys = c.mapKeys === undefined ? undefined : new ColumnReader(c.mapKeys, depth + 1)
    this.mapValues = c.mapValues === undefined ? undefined : new ColumnReader(c.mapValues, depth + 1)
    const shapes = optional(c.shapes, (x) => Array.isArray(x) && x.every((keys) => Array.isArray(keys) && keys.every((k) => typeof k === 'string') &&
      new Set(keys).size === keys.length), 'shapes: lists of distinct keys')
    this.makers = shapes?.map(makerOf)
    this.shapeOf = optional(c.shapeOf, (x) => x instanceof Uint16Array, 'shapeOf: a Uint16Array')
    const fields = optional(c.fields, (x) => Array.isArray(x) && x.length === shapes?.length &&
      x.every((f, s) => Array.isArray(f) && f.length === shapes[s]!.length), 'fields: a list of columns per key of each shape')
    this.fields = fields?.map((f) => f.map((col) => new ColumnReader(col, depth + 1)))
    this.other = optional(c.other, Array.isArray, 'other: a list')
  }

  next(): unknown {
    if (this.at >= this.n) throw new RangeError(`a column of ${this.n} values is read past its end`)
    const kind = typeof this.kinds === 'number' ? this.kinds : this.kinds[this.at]!
    this.at++
    switch (kind) {
      case Kind.Number: return take(this.numbers, this.nextNumber++, 'numbers')
      case Kind.String: return take(this.strings, this.nextString++, 'strings')
      case Kind.Undefined: return undefined
      case Kind.Null: return null
      case Kind.False: return false
      case Kind.True: return true
      case Kind.Array: {
        const n = take(this.lengths, this.nextLength++, 'lengths') as number
        const items = need(this.items, 'items')
        const a = new Array<unknown>(n)
        for (let i = 0; i < n; i++) a[i] = items.next()
        return a
      }
      case Kind.Map: {
        const n = take(this.lengths, this.nextLength++, 'lengths') as number
        const keys = need(this.mapKeys, 'mapKeys')
        const values = need(this.mapValues, 'mapValues')
        const m = new Map<unknown, unknown>()
        for (let i = 0; i < n; i++) m.set(keys.next(), values.next())
        return m
      }
      case Kind.Object: return this.object()
      case Kind.Other: return take(this.other, this.nextOther++, 'other')
      default: throw new RangeError(`unknown kind ${kind}`)
    }
  }

  /** Every part read to its end: nothing left over. */
  finish(): void {
    const left = this.at !== this.n || this.nextNumber !== (this.numbers?.length ?? 0) || this.nextString !== (this.strings?.length ?? 0) ||
      this.nextLength !== (this.lengths?.length ?? 0) || this.nextOther !== (this.other?.length ?? 0) ||
      (this.shapeOf !== undefined && this.nextObject !== this.shapeOf.length)
    if (left) throw new RangeError('value columns hold more values than their kinds take')
    this.items?.finish()
    this.mapKeys?.finish()
    this.mapValues?.finish()
    this.fields?.forEach((f) => f.forEach((c) => c.finish()))
  }

  private object(): Record<string, unknown> {
    const makers = need(this.makers, 'shapes')
    const s = this.shapeOf === undefined ? 0 : take(this.shapeOf, this.nextObject, 'shapeOf') as number
    this.nextObject++
    if (s >= makers.length) throw new RangeError(`shape ${s} of ${makers.length}`)
    return makers[s]!(this.fields![s]!)
  }
}

function optional<T>(v: T | undefined, ok: (v: unknown) => boolean, what: string): T | undefined {
  if (v !== undefined && !ok(v)) throw new RangeError(`expected ${what}`)
  return v
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new RangeError(`a value needs ${what}, which the columns do not have`)
  return v
}

function take(list: ArrayLike<unknown> | undefined, i: number, what: string): unknown {
  if (list === undefined || i >= list.length) throw new RangeError(`more values need ${what} than the columns hold`)
  return list[i]
}
