import type { StringList } from './encoded-batch.ts'
import { joinStrings, joinedSize } from './string-list.ts'

/** Where a string last went into a dictionary: `index` in the dictionary of batch `generation`. */
interface Entry {
  generation: number
  index: number
}

/**
 * Past this many remembered strings the dictionary forgets them all: unique ids would grow it
 * without end. Room for the key sets streams repeat (thousands), per column.
 */
const REMEMBERED = 8_192
/** A batch's distinct strings are kept (scratch) only up to this many. */
const KEPT = 16_384

/**
 * The distinct strings of one column of one batch, numbered in order of first appearance, with a
 * memory of the strings seen in earlier batches: stream keys repeat across batches (1000 keys
 * over millions of events), so an entry made once is found again and only relabelled. A fresh
 * Map per batch spent 43 ns per row growing and rehashing; this one 23 ns (batches of 1024 over
 * 1000 keys). Null is a value like the strings, so a string column with nulls needs no bitmap.
 *
 * @example
 * const d = new StringDictionary(); d.start(); d.indexOf('a') // 0
 * d.indexOf('b'); d.indexOf('a') // 0 again; d.values() → ['a', 'b']
 */
export class StringDictionary {
  private readonly seen = new Map<string | null, Entry>()
  private generation = 0
  /**
   * This batch's values are the first `size`. One array reused rather than a fresh one per
   * batch: a fresh `[]` changes elements kind on its first string, and V8 then calls the push
   * builtin (7 % of encode time) instead of inlining the store.
   */
  private words: (string | null)[] = []
  size = 0

  /** Starts an empty dictionary for a new batch. */
  start(): void {
    this.generation++
    this.size = 0
    if (this.seen.size > REMEMBERED) this.seen.clear()
  }

  /** The index of `value` in this batch's dictionary, adding it on its first appearance. */
  indexOf(value: string | null): number {
    let entry = this.seen.get(value)
    if (entry === undefined) {
      entry = { generation: 0, index: 0 }
      this.seen.set(value, entry)
    }
    if (entry.generation !== this.generation) {
      entry.generation = this.generation
      entry.index = this.size
      this.words[this.size++] = value
    }
    return entry.index
  }

  /** The value at `index` of this batch's dictionary. */
  at(index: number): string | null {
    return this.words[index]!
  }

  /** Bytes of end offsets this batch's values need joined; -1 when they go as an array. */
  joinedSize(): number {
    return joinedSize(this.words, this.size)
  }

  /**
   * This batch's distinct values in order of first appearance, to send: joined, their end
   * offsets written to `ends`, when joinedSize allowed it, else as an array.
   */
  list(ends: Uint32Array | null): StringList {
    const list = ends ? joinStrings(this.words, this.size, ends) : this.words.slice(0, this.size)
    if (this.words.length > KEPT) this.words = []
    return list
  }
}
