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
  let strings = true
  let numbers = true
  for (let i = 0; i < keys.length && (strings || numbers); i++) {
    const t = typeof keys[i]
    if (t !== 'string') strings = false
    if (t !== 'number') numbers = false
  }
  if (keys.length > 0 && strings) {
    const lengths = new Uint32Array(keys.length)
    for (let i = 0; i < keys.length; i++) lengths[i] = (keys[i] as string).length
    return { text: (keys as string[]).join(''), lengths }
  }
  if (keys.length > 0 && numbers) return { numbers: Float64Array.from(keys as number[]) }
  return { values: keys }
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
