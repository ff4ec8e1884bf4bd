/**
 * A list of plain values as a tree of columns by shape (issue 16's compact encoding of object
 * state): the numbers at one place of every value in one Float64Array (an Int32Array when they all
 * are int32), its strings in one list, the lengths of its arrays and the sizes of its Maps in one
 * Uint32Array, each plain object's fields as columns of their own (one set of columns per set of
 * keys, in key order), the elements of every array at a place as one column, the keys and values
 * of every Map as two. Window states of one step all have one shape, so a slice of 1024 of them
 * becomes a few dozen typed arrays instead of 1024 object graphs: `v8.serialize` copies typed
 * arrays, and reading them back builds the values without v8's per-object decoding (about 3× faster
 * on the keyed-state bench's distinctCount, length, percentile and sort states).
 *
 * What it keeps: numbers (−0 and NaN included), strings, booleans, null, undefined, plain objects
 * (their own enumerable keys in order), arrays without holes, Maps; any other value (a Date, a Set,
 * a bigint, a typed array, an object of a class or with a null prototype) is kept as it is in
 * `other`, for `v8.serialize`. What it does not keep: identity. An object reached twice becomes two
 * equal objects, and an array's own non-index properties are dropped. So it is used for state whose
 * contract is plain data without shared parts (`.aggregate`'s accumulators and the records windows
 * hold); `encodeValues` gives up (undefined) on an array with holes or values nested deeper than
 * 64 (a cycle), and the caller serializes the list with v8 instead.
 *
 * @example
 * const columns = encodeValues(states)           // undefined: use v8.serialize(states)
 * const again = decodeValues(v8.deserialize(v8.serialize(columns))) // value-columns-reader.ts
 */
export interface ValueColumns {
  /** How many values this column holds. */
  readonly n: number
  /** Each value's kind (a Kind), or the one kind of all of them. */
  readonly kinds: number | Uint8Array
  readonly numbers?: Float64Array | Int32Array
  readonly strings?: string[]
  /** The length of each array and the size of each Map, in the order they occur. */
  readonly lengths?: Uint32Array
  /** The elements of every array, one after another. */
  readonly items?: ValueColumns
  readonly mapKeys?: ValueColumns
  readonly mapValues?: ValueColumns
  /** Each set of object keys met, in order of first use. */
  readonly shapes?: string[][]
  /** Per object, the index of its keys in `shapes` (absent: all use the first). */
  readonly shapeOf?: Uint16Array
  /** Per shape, a column per key. */
  readonly fields?: ValueColumns[][]
  /** Values kept as they are. */
  readonly other?: unknown[]
}

/** A value's kind, in `kinds`. */
export const Kind = { Undefined: 0, Null: 1, False: 2, True: 3, Number: 4, String: 5, Array: 6, Map: 7, Object: 8, Other: 9 } as const
export const KINDS = 10
/** Deeper than this is taken for a cycle. */
export const MAX_DEPTH = 64

/**
 * `list` as columns, or undefined when it holds an array with holes or a value nested deeper than
 * 64 levels (the caller falls back to `v8.serialize`). `list` is not changed.
 *
 * @example
 * const columns = encodeValues([{ n: 1, seen: new Map([['a', 2]]) }])
 */
export function encodeValues(list: readonly unknown[]): ValueColumns | undefined {
  const root = new ColumnBuilder()
  try {
    for (let i = 0; i < list.length; i++) root.add(list[i], 0)
  } catch (e) {
    if (e === GIVE_UP) return undefined
    throw e
  }
  return root.build()
}

const GIVE_UP = Symbol('give up')

class ColumnBuilder {
  private n = 0
  private kinds = new Uint8Array(16)
  private numbers = new Float64Array(16)
  private nNumbers = 0
  private int32 = true
  private readonly strings: string[] = []
  private lengths = new Uint32Array(16)
  private nLengths = 0
  private items: ColumnBuilder | undefined
  private mapKeys: ColumnBuilder | undefined
  private mapValues: ColumnBuilder | undefined
  private readonly shapes: string[][] = []
  private readonly shapeOf: number[] = []
  private readonly fields: ColumnBuilder[][] = []
  /** Per shape, its fields' adds (generated: a named load per key, not a keyed load by a variable name). */
  private readonly adders: Adder[] = []
  /** The shape of the last object: the next one most likely has its keys. */
  private lastShape = -1
  private readonly other: unknown[] = []

  add(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'number': this.kind(Kind.Number); this.number(v); return
      case 'string': this.kind(Kind.String); this.strings.push(v); return
      case 'boolean': this.kind(v ? Kind.True : Kind.False); return
      case 'undefined': this.kind(Kind.Undefined); return
      case 'object': {
        if (v === null) { this.kind(Kind.Null); return }
        if (depth >= MAX_DEPTH) throw GIVE_UP
        const proto = Object.getPrototypeOf(v)
        if (proto === Array.prototype) { this.array(v as unknown[], depth); return }
        if (proto === Object.prototype) { this.object(v, depth); return }
        if (proto === Map.prototype) { this.map(v as Map<unknown, unknown>, depth); return }
      }
    }
    this.kind(Kind.Other)
    this.other.push(v)
  }

  build(): ValueColumns {
    const kinds = this.kinds.subarray(0, this.n)
    let one = this.n > 0 ? kinds[0]! : Kind.Undefined
    for (let i = 1; i < kinds.length; i++) if (kinds[i] !== one) { one = -1; break }
    const numbers = this.nNumbers === 0 ? undefined : this.int32 ? Int32Array.from(this.numbers.subarray(0, this.nNumbers)) : this.numbers.slice(0, this.nNumbers)
    return {
      n: this.n,
      kinds: one >= 0 ? one : kinds.slice(),
      ...(numbers !== undefined && { numbers }),
      ...(this.strings.length > 0 && { strings: this.strings }),
      ...(this.nLengths > 0 && { lengths: this.lengths.slice(0, this.nLengths) }),
      ...(this.items !== undefined && { items: this.items.build() }),
      ...(this.mapKeys !== undefined && { mapKeys: this.mapKeys.build(), mapValues: this.mapValues!.build() }),
      ...(this.shapes.length > 0 && {
        shapes: this.shapes,
        // A shape is added only when an object has other keys: more than one, and objects differ.
        ...(this.shapes.length > 1 && { shapeOf: Uint16Array.from(this.shapeOf) }),
        fields: this.fields.map((f) => f.map((c) => c.build())),
      }),
      ...(this.other.length > 0 && { other: this.other }),
    }
  }

  private array(a: unknown[], depth: number): void {
    const n = a.length
    const items = this.items ??= new ColumnBuilder()
    for (let i = 0; i < n; i++) {
      const x = a[i]
      if (x === undefined && !(i in a)) throw GIVE_UP
      items.add(x, depth + 1)
    }
    this.kind(Kind.Array)
    this.length(n)
  }

  private object(o: object, depth: number): void {
    let s = this.lastShape
    if (s < 0 || !hasKeys(o, this.shapes[s]!)) s = this.shapeIndex(Object.keys(o))
    this.lastShape = s
    this.adders[s]!(o, this.fields[s]!, depth + 1)
    this.kind(Kind.Object)
    this.shapeOf.push(s)
  }

  private map(m: Map<unknown, unknown>, depth: number): void {
    const keys = this.mapKeys ??= new ColumnBuilder()
    const values = this.mapValues ??= new ColumnBuilder()
    m.forEach((value, key) => {
      keys.add(key, depth + 1)
      values.add(value, depth + 1)
    })
    this.kind(Kind.Map)
    this.length(m.size)
  }

  private shapeIndex(keys: string[]): number {
    for (let s = 0; s < this.shapes.length; s++) if (sameKeys(this.shapes[s]!, keys)) return s
    if (this.shapes.length > 0xffff) throw GIVE_UP
    this.shapes.push(keys)
    this.fields.push(keys.map(() => new ColumnBuilder()))
    this.adders.push(adderOf(keys))
    return this.shapes.length - 1
  }

  private kind(k: number): void {
    if (this.n === this.kinds.length) this.kinds = grown(this.kinds, new Uint8Array(this.n * 2))
    this.kinds[this.n++] = k
  }

  private number(v: number): void {
    if (this.nNumbers === this.numbers.length) this.numbers = grown(this.numbers, new Float64Array(this.nNumbers * 2))
    this.numbers[this.nNumbers++] = v
    if (this.int32 && ((v | 0) !== v || Object.is(v, -0))) this.int32 = false
  }

  private length(n: number): void {
    if (this.nLengths === this.lengths.length) this.lengths = grown(this.lengths, new Uint32Array(this.nLengths * 2))
    this.lengths[this.nLengths++] = n
  }
}

function grown<T extends Uint8Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never)
  return to
}

/** `o`'s own enumerable keys are `keys`, in order (for…in: no array of keys per object). */
function hasKeys(o: object, keys: readonly string[]): boolean {
  let i = 0
  for (const k in o) if (k !== keys[i++] || !Object.hasOwn(o, k)) return false
  return i === keys.length
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

type Adder = (o: object, fields: ColumnBuilder[], depth: number) => void

/** Generated code is cached by its keys: every slice of a step meets the same few shapes (value-columns-reader.ts caches its makers the same way). */
const adders = new Map<string, Adder>()

/** Adds each of an object's fields to its column: `fields[0].add(o["a"], depth); …`. */
function adderOf(keys: readonly string[]): Adder {
  const id = JSON.stringify(keys)
  let adder = adders.get(id)
  if (adder === undefined) {
    const body = keys.map((k, i) => `fields[${i}].add(o[${JSON.stringify(k)}], depth)`).join('\n')
    adder = new Function('o', 'fields', 'depth', body) as Adder
    if (adders.size < 1024) adders.set(id, adder)
  }
  return adder
}
