import { BoundedCache } from './bounded-cache.ts'
import type { ColumnBuilder } from './column-builder.ts'

/**
 * What the encoder keeps per key list: the generated function. An object rather than the bare
 * function, so that a BatchEncoder can key what it learns of a shape's columns on it.
 *
 * @example
 * const encoder = rowEncoder(['key', 'value']); if (!encoder.encode(records, builders)) fallBack()
 */
export interface RowEncoder {
  /**
   * Feeds every record of a batch into one column builder per key, row by row; false at the
   * first record that is not a plain object with exactly these own enumerable keys in this
   * order, or that holds a value no column takes (the caller then falls back to structured clone).
   */
  readonly encode: (records: readonly unknown[], columns: readonly ColumnBuilder[]) => boolean
}

const encoders = new BoundedCache<string, RowEncoder>(256)

/**
 * The encoder for records with these keys: a function generated once per key list that reads
 * each value by its literal name, so the loads stay monomorphic on records that share a hidden
 * class, and checks the shape by walking the record's keys with for-in, which V8 serves from the
 * map's enum cache without allocating. for-in leaves out what structured clone leaves out
 * (symbol keys, keys not enumerable) except keys inherited: so it decides only while
 * Object.prototype has no enumerable key, checked per record (a getter could add one midway);
 * otherwise Object.keys does, which lists own keys alone. The values are read before the
 * prototype and key checks: that order measured 14 ns per record against 25 ns with Object.keys
 * first (scratch measurement), likely because the loads establish the map the optimiser then
 * folds the prototype check on.
 *
 * bench/exchange-codec.ts (shape check and value reads into the columns, batches of 1024):
 * generated with Object.keys per record 24–32 ns per record, a generic loop (for-in over the
 * keys, keyed loads) 38–48 ns, generated with for-in 22 ns (two runs, medians; the array
 * Object.keys allocates per record also fed the garbage collector: 46–150 ns in a scratch
 * measurement that built fresh records per pass, for-in 18–20).
 *
 * @example
 * const ok = rowEncoder(Object.keys(records[0])).encode(records, builders)
 */
export function rowEncoder(keys: readonly string[]): RowEncoder {
  return encoders.get(JSON.stringify(keys), () => generate(keys))
}

function generate(keys: readonly string[]): RowEncoder {
  // JSON.stringify quotes a key as a string literal whatever it holds (lone surrogates included).
  const quoted = keys.map((k) => JSON.stringify(k))
  const m = keys.length
  const body = `
return function encodeRows(records, columns) {
  ${quoted.map((_, j) => `const c${j} = columns[${j}];`).join(' ')}
  for (let i = 0, n = records.length; i < n; i++) {
    const r = records[i];
    if (typeof r !== 'object' || r === null) return false;
    ${quoted.map((k, j) => `const v${j} = r[${k}];`).join(' ')}
    const proto = getPrototypeOf(r);
    if (proto !== objectPrototype && proto !== null) return false;
    let inherited = false;
    for (const _ in empty) { inherited = true; break; }
    if (!inherited) {
      let j = 0;
      for (const k in r) { if (k !== K[j]) return false; j++; }
      if (j !== ${m}) return false;
    } else {
      const own = keysOf(r);
      if (own.length !== ${m}${quoted.map((k, j) => ` || own[${j}] !== ${k}`).join('')}) return false;
    }
    if (${m === 0 ? 'false' : quoted.map((_, j) => `!c${j}.add(i, v${j})`).join(' || ')}) return false;
  }
  return true;
}`
  // K: the keys, in an array of the function's own; empty: a plain object whose for-in lists
  // exactly what Object.prototype has enumerable (nothing, unless something added it).
  const encode = new Function('getPrototypeOf', 'objectPrototype', 'keysOf', 'K', 'empty', body)(Object.getPrototypeOf, Object.prototype, Object.keys, keys.slice(), {}) as RowEncoder['encode']
  return { encode }
}
