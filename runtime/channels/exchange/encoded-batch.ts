/**
 * The shapes a batch of records takes between threads. Types only: the encoder (sender side)
 * and the decoder (receiver side) both import this file and nothing else of each other.
 *
 * Every shape is structured-cloneable (plain objects, arrays, typed arrays; no functions, no class
 * instances). The typed arrays of one batch are views into a single ArrayBuffer, listed in the
 * transfer list, so postMessage moves it instead of copying. The format lives only as long as one
 * message inside one process, so it carries no version.
 */

/**
 * Strings joined into one, `ends[i]` the offset where string i ends (UTF-16 code units): one
 * string clones as one copy, where an array clones string by string (see string-list.ts).
 *
 * @example
 * const list: JoinedStrings = { text: 'abc', ends: new Uint32Array([1, 3]) } // 'a', 'bc'
 */
export interface JoinedStrings {
  readonly text: string
  readonly ends: Uint32Array
}

/**
 * Strings (or nulls) as an array, or joined when they are all short strings.
 *
 * @example
 * const list: StringList = ['a', null]
 */
export type StringList = readonly (string | null)[] | JoinedStrings

/**
 * One column of a columnar batch: the values of one key across all records (or of the records
 * themselves in a batch of primitives), `length` values long.
 *
 * @example
 * const keys: EncodedColumn = { kind: 'string', dictionary: ['a', 'b'], indices: new Uint8Array([0, 1, 0]) } // a, b, a
 */
export type EncodedColumn =
  /** Every value is null. */
  | { readonly kind: 'null' }
  /** Numbers as float64 (so -0, NaN and ±Infinity survive); `nulls[i] === 1` marks a null. */
  | { readonly kind: 'number'; readonly values: Float64Array; readonly nulls: Uint8Array | null }
  /** Booleans and nulls: 0 false, 1 true, 2 null. */
  | { readonly kind: 'boolean'; readonly values: Uint8Array }
  /** Strings (and nulls) by index into the distinct values, in order of first appearance. */
  | {
    readonly kind: 'string'
    readonly dictionary: StringList
    readonly indices: Uint8Array | Uint16Array | Uint32Array
  }
  /**
   * Strings (and nulls) by id into the channel's string table (see ChannelBatch): only in
   * batches of a ChannelEncoder, which decodeBatch refuses. Id 0 is null.
   */
  | { readonly kind: 'ids'; readonly indices: Uint8Array | Uint16Array | Uint32Array }
  /** Short strings, one per row, joined: strings found mostly distinct (see plainBatchesAfter). */
  | { readonly kind: 'text'; readonly strings: JoinedStrings }
  /**
   * A plain array, structured-cloned: values of several types, or strings found mostly distinct
   * that are not all short (a dictionary would cost more than it saves).
   */
  | { readonly kind: 'mixed'; readonly values: readonly (number | string | boolean | null)[] }

/**
 * A batch in a form postMessage can move: typed-array columns are transferred, not copied.
 *
 * - `rows`: records that are plain objects with the same keys in the same order and flat values,
 *   one column per key (`keys[j]` ↔ `columns[j]`);
 * - `values`: a batch of primitives (numbers, strings, booleans, null), as one column;
 * - `clone`: anything else, the records themselves, copied by structured clone.
 *
 * @example
 * const batch: EncodedBatch = { kind: 'values', length: 2, column: { kind: 'number', values: new Float64Array([1, 2]), nulls: null } }
 */
export type EncodedBatch =
  | {
    readonly kind: 'rows'
    readonly length: number
    readonly keys: readonly string[]
    readonly columns: readonly EncodedColumn[]
  }
  | { readonly kind: 'values'; readonly length: number; readonly column: EncodedColumn }
  | { readonly kind: 'clone'; readonly records: readonly unknown[] }

/**
 * A batch on one channel whose two ends keep a string table (ChannelEncoder, ChannelDecoder):
 * the update to apply to the receiver's table, then the batch, whose `ids` columns index that
 * table. Channels deliver in order, so the receiver's table after each update is the sender's.
 *
 * - `keep`: how many entries of its table (null, id 0, included) the receiver keeps before
 *   adding `added`, dropping the rest: 1 when the sender cleared its table, fewer than it has
 *   when the sender rolled back the strings of a batch that will not come back;
 * - `added`: strings new to the receiver, taking the next ids in order (null: none);
 * - `size`: how many entries the table holds after the update: a check that both ends agree,
 *   since an id past the end would decode as undefined.
 *
 * `keep` and `size` are -1 on a batch that neither updates nor uses the table (one encoded
 * re-entrantly, from a record's getter).
 *
 * @example
 * const message: ChannelBatch = { keep: 1, added: ['a'], size: 2, batch: { kind: 'values', length: 2, column: { kind: 'ids', indices: new Uint8Array([1, 0]) } } } // 'a', null
 */
export interface ChannelBatch {
  readonly keep: number
  readonly added: StringList | null
  readonly size: number
  readonly batch: EncodedBatch
}
