/**
 * A list of keys in a compact form for snapshots: strings as one text plus their lengths, numbers
 * as a Float64Array (v8.serialize copies both as one block), any other mix as the keys
 * themselves. 1M string keys serialize as one 7 MB string instead of 1M strings.
 *
 * @example
 * const table: KeyTable = { text: 'u1u22', lengths: new Uint32Array([2, 3]) } // ['u1', 'u22']
 */
export type KeyTable =
  | { readonly text: string; readonly lengths: Uint32Array }
  | { readonly numbers: Float64Array }
  | { readonly values: unknown[] }

/**
 * Packs `keys` (the table owns the array from then on when it has to keep it as values).
 *
 * @example
 * packKeys(['a', 'bc']) // { text: 'abc', lengths: Uint32Array [1, 2] }
 */
export function packKeys(keys: unknown[]): KeyTable {
  const table = new KeyTableBuilder(keys)
  table.pack(keys.length)
  return table.build()
}

/**
 * Packs a list of keys a slice at a time, as the list grows (a capture gathering 1M keys packs
 * the text of each slice between two of the actor's tasks, then joins the slices' texts once):
 * the same table as packKeys.
 *
 * @example
 * const b = new KeyTableBuilder(keys); keys.push('a'); b.pack(1); keys.push('bc'); b.pack(2); b.build()
 */
export class KeyTableBuilder {
  private strings = true
  private numbers = true
  private readonly texts: string[] = []
  private readonly lengths: Uint32Array
  private packed = 0

  /** `keys`: the list being packed, read up to the count `pack` is given, which never passes `capacity`. */
  constructor(private readonly keys: unknown[], capacity = keys.length) {
    this.lengths = new Uint32Array(capacity)
  }

  /** Packs the keys added since the last call, up to (not including) `end`. */
  pack(end: number): void {
    const { keys, lengths } = this
    const start = this.packed
    this.packed = end
    if (this.strings) {
      for (let i = start; i < end; i++) {
        const k = keys[i]
        if (typeof k !== 'string') { this.strings = false; break }
        lengths[i] = k.length
      }
      if (this.strings) {
        if (end > start) this.texts.push(start === 0 && end === keys.length ? (keys as string[]).join('') : (keys as string[]).slice(start, end).join(''))
        return
      }
    }
    if (this.numbers) for (let i = start; i < end && this.numbers; i++) if (typeof keys[i] !== 'number') this.numbers = false
  }

  /** The table of the keys packed. */
  build(): KeyTable {
    const n = this.packed
    if (n > 0 && this.strings) {
      return { text: this.texts.length === 1 ? this.texts[0]! : this.texts.join(''), lengths: n === this.lengths.length ? this.lengths : this.lengths.slice(0, n) }
    }
    // A list of strings that turned out mixed was checked for numbers only from where it stopped being strings.
    const keys = this.keys.length === n ? this.keys : this.keys.slice(0, n)
    if (n > 0 && this.numbers && keys.every((k) => typeof k === 'number')) return { numbers: Float64Array.from(keys as number[]) }
    return { values: keys }
  }
}

/**
 * The keys of a table, in order.
 *
 * @example
 * unpackKeys({ text: 'abc', lengths: new Uint32Array([1, 2]) }) // ['a', 'bc']
 */
export function unpackKeys(table: KeyTable): unknown[] {
  if ('values' in table) return table.values
  if ('numbers' in table) return Array.from(table.numbers)
  const { text, lengths } = table
  const keys = new Array<string>(lengths.length)
  let at = 0
  for (let i = 0; i < lengths.length; i++) {
    keys[i] = text.slice(at, at + lengths[i])
    at += lengths[i]
  }
  if (at !== text.length) throw new RangeError(`key table: the lengths add up to ${at} characters, the text has ${text.length}`)
  return keys
}

/**
 * Whether `value` has a key table's shape (restores check snapshots before trusting them).
 *
 * @example
 * isKeyTable({ values: [] }) // true
 */
export function isKeyTable(value: unknown): value is KeyTable {
  const t = value as Record<string, unknown> | null
  if (typeof t !== 'object' || t === null) return false
  if (Array.isArray(t.values)) return true
  if (t.numbers instanceof Float64Array) return true
  return typeof t.text === 'string' && t.lengths instanceof Uint32Array
}
