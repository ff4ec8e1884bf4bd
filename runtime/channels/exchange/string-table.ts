import type { StringList } from './encoded-batch.ts'
import { StringIdIndex } from './string-id-index.ts'

/**
 * Limits of a channel's string table. Defaults: 65,536 strings (so ids fit 16 bits) and 2^22
 * UTF-16 code units (8 MiB of characters on each end).
 *
 * @example
 * const limits: StringTableLimits = { maxStrings: 1024, maxChars: 65_536 }
 */
export interface StringTableLimits {
  /** The table is cleared at the start of a batch once it holds this many strings. */
  readonly maxStrings?: number
  /** The table is cleared at the start of a batch once its strings hold this many code units. */
  readonly maxChars?: number
}

/**
 * What the receiver applies to its table before a batch (see ChannelBatch).
 *
 * @example
 * const update: TableUpdate = { keep: 1, added: ['a'], size: 2 } // cleared, then 'a' as id 1
 */
export interface TableUpdate {
  readonly keep: number
  readonly added: StringList | null
  readonly size: number
}

/**
 * The sending end's string table of one channel: string → id for every string the receiver has
 * been sent and still holds, so a string crosses once and then travels as a 1–4 byte id. With
 * records over 1000 keys in batches of 1024, nearly every key is new to a per-batch dictionary,
 * and copying and rebuilding each one cost 20–40 ns (see bench/exchange-codec.ts).
 *
 * Bounded: at the start of a batch (never inside one, so no id of a batch refers to a string
 * dropped before it), a table past either limit is cleared, and the batch tells the receiver to
 * clear its own. A batch adds at most its own distinct strings past the limits.
 *
 * Strings that never come back are kept out too: when a batch's strings turned out mostly new
 * again (see BatchEncoder), the next batch rolls the table back to where that batch started, on
 * both ends. Measured (scratch, across threads, batches of 1024 and 4096): with unique string
 * ids, keeping them until the limit cleared the table cost the receiver 6–9 ns per record more
 * than encodeBatch (the garbage collector marking up to 65,536 strings); rolling back, nothing.
 *
 * @example
 * const table = new StringTable(); table.start()
 * if (table.index.find('a') < 0) table.add('a') // id 1 (0 is null)
 * table.take() // { keep: 1, added: ['a'], size: 2 }: what the receiver applies before the batch
 */
export class StringTable {
  /** By id; null at 0, so that a string column's nulls need no mark of their own. */
  private readonly strings: (string | null)[] = [null]
  /** string → id, read by ColumnBuilder on every row; written only through add(). */
  readonly index = new StringIdIndex(this.strings)
  private chars = 0
  /** Entries the receiver has: its size after the last take(); strings[sent…] are unsent. */
  private sent = 1
  /** Entries of its table the receiver keeps before the next additions (≤ sent). */
  private keep = 1
  /** Size when this batch started; rollBack() makes the next start return to it. */
  private batchStart = 1
  private rollBackTo = -1
  private readonly maxStrings: number
  private readonly maxChars: number

  constructor(limits: StringTableLimits = {}) {
    this.maxStrings = limits.maxStrings ?? 65_536
    this.maxChars = limits.maxChars ?? 1 << 22
    if (!Number.isInteger(this.maxStrings) || this.maxStrings < 1) throw new RangeError(`options.maxStrings must be a positive integer, got ${String(limits.maxStrings)}`)
    if (!Number.isInteger(this.maxChars) || this.maxChars < 1) throw new RangeError(`options.maxChars must be a positive integer, got ${String(limits.maxChars)}`)
  }

  /** Entries, null included: every id is below this. */
  get size(): number {
    return this.strings.length
  }

  /** Called before each batch: clears the table past a limit, or rolls back the last batch. */
  start(): void {
    if (this.strings.length - 1 >= this.maxStrings || this.chars >= this.maxChars) this.clear()
    else if (this.rollBackTo >= 0) this.truncate(this.rollBackTo)
    this.rollBackTo = -1
    this.batchStart = this.strings.length
  }

  /** Has the next batch drop what this batch added: its strings were mostly new again. */
  rollBack(): void {
    this.rollBackTo = this.batchStart
  }

  /**
   * Clears the table, and has the next update tell the receiver to: at a limit, or when a
   * batch was encoded but never reached the receiver (its strings are not there).
   */
  clear(): void {
    this.index.clear()
    this.strings.length = 1
    this.chars = 0
    this.sent = 1
    this.keep = 1
  }

  /** Adds a string, returning its id; only right after index.find(value) returned -1. */
  add(value: string): number {
    const id = this.strings.length
    this.strings.push(value)
    this.index.insert(value, id)
    this.chars += value.length
    return id
  }

  /** The string (or null) of `id`. */
  at(id: number): string | null {
    return this.strings[id]!
  }

  /** The strings added since the last take(), to lay out with a batch; empty when none. */
  unsent(): (string | null)[] {
    return this.sent === this.strings.length ? [] : this.strings.slice(this.sent)
  }

  /**
   * Marks everything added as sent and returns the update due. `added`, when given, is the
   * unsent strings as laid out; otherwise they go as an array (batches that fell back).
   */
  take(added?: StringList): TableUpdate {
    const size = this.strings.length
    const update = { keep: this.keep, added: added ?? (this.sent === size ? null : this.strings.slice(this.sent)), size }
    this.sent = size
    this.keep = size
    return update
  }

  private truncate(to: number): void {
    this.index.truncate(to)
    for (let id = to; id < this.strings.length; id++) this.chars -= this.strings[id]!.length
    this.strings.length = to
    this.sent = Math.min(this.sent, to)
    this.keep = Math.min(this.keep, to)
  }
}
