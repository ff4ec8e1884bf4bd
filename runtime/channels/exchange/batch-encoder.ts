import { BoundedCache } from './bounded-cache.ts'
import { ColumnBuilder, type BuiltColumn } from './column-builder.ts'
import { layOutColumns } from './column-layout.ts'
import type { EncodedBatch, EncodedColumn, StringList } from './encoded-batch.ts'
import { plainBatchesAfter } from './plain-strings.ts'
import { rowEncoder, type RowEncoder } from './row-encoder.ts'
import type { StringTable } from './string-table.ts'

/** Records wider than this travel by structured clone: each column keeps scratch arrays. */
const MAX_COLUMNS = 128

/**
 * A batch encoded columnar, with the transfer list; `added`: the table's new strings, laid out
 * in the same buffer (null without a table or when there were none).
 *
 * @example
 * const { batch, transfer } = encoded; port.postMessage(batch, transfer)
 */
export interface ColumnarBatch {
  readonly batch: EncodedBatch
  readonly transfer: ArrayBuffer[]
  readonly added: StringList | null
}

/**
 * Encodes batches columnar with scratch of its own: column builders reused from batch to batch,
 * and per record shape and column how many batches strings go plain (see plainBatchesAfter).
 * With a channel's StringTable, string columns go by id into it; without, by a dictionary per
 * batch. The stateless codec keeps one for the thread; each ChannelEncoder has its own, since
 * its plain-or-table decisions are about its own table.
 *
 * @example
 * const encoder = new BatchEncoder(null)
 * const encoded = encoder.encode(records) ?? { batch: { kind: 'clone', records }, transfer: [], added: null }
 */
export class BatchEncoder {
  private readonly builders: ColumnBuilder[] = []
  /**
   * Per record shape (the RowEncoder of its key list), for each of its m columns: at j, how
   * many more batches send its strings plain (see plainBatchesAfter); at m + j, how many of its
   * probes of the table in a row found mostly new strings.
   */
  private readonly rowsPlainLeft = new BoundedCache<RowEncoder, Uint8Array>(256)
  /** The same, for batches of primitives (one column). */
  private readonly valuesPlainLeft = new Uint8Array(2)
  /** Set while encoding: a getter on a record that encodes a batch itself must not share scratch. */
  private encoding = false

  constructor(private readonly table: StringTable | null) {}

  /**
   * The batch columnar: every record a plain object with the same own enumerable keys in the
   * same order and flat values, or every record such a primitive. Undefined otherwise, for the
   * caller to send the records by structured clone (then strings this attempt added to the
   * table are still there, and must be sent with that batch: see StringTable.take).
   */
  encode(records: readonly unknown[]): ColumnarBatch | undefined {
    if (records.length === 0 || this.encoding) return undefined
    this.encoding = true
    try {
      const first = records[0]
      return typeof first === 'object' && first !== null ? this.encodeRows(records, first) : this.encodeValues(records)
    } finally {
      this.encoding = false
    }
  }

  private encodeRows(records: readonly unknown[], first: object): ColumnarBatch | undefined {
    // Only the first record's keys here; every record's shape (prototype, keys, order, values),
    // the first one's included, is checked inside the generated encoder, in the same pass.
    const keys = Object.keys(first)
    const m = keys.length
    if (m > MAX_COLUMNS || keys.includes('__proto__')) return undefined
    const n = records.length
    const encoder = rowEncoder(keys)
    const plainLeft = this.rowsPlainLeft.get(encoder, () => new Uint8Array(2 * m))
    const columns = this.take(m, n, plainLeft)
    if (!encoder.encode(records, columns)) return this.release(m)
    const { columns: packed, transfer, added } = this.finish(m, n, plainLeft)
    return { batch: { kind: 'rows', length: n, keys, columns: packed }, transfer, added }
  }

  private encodeValues(records: readonly unknown[]): ColumnarBatch | undefined {
    const n = records.length
    const column = this.take(1, n, this.valuesPlainLeft)[0]!
    for (let i = 0; i < n; i++) {
      if (!column.add(i, records[i])) return this.release(1)
    }
    const { columns: [packed], transfer, added } = this.finish(1, n, this.valuesPlainLeft)
    // A plain array holds the records as they are: nothing gained over cloning them.
    return packed!.kind === 'mixed' ? undefined : { batch: { kind: 'values', length: n, column: packed! }, transfer, added }
  }

  /** The first `m` builders, reset for `n` rows; `plainLeft[j] > 0`: column j sends strings plain. */
  private take(m: number, n: number, plainLeft: Uint8Array): ColumnBuilder[] {
    const builders = this.builders
    while (builders.length < m) builders.push(new ColumnBuilder())
    for (let j = 0; j < m; j++) builders[j]!.reset(n, plainLeft[j]! > 0, this.table)
    return builders
  }

  /**
   * Lays out the columns, and the table's new strings as one more plain column in the same
   * buffer (one transfer, their end offsets aligned with the rest), then updates `plainLeft`.
   * A column whose strings were mostly new to the table twice in a row has the table roll this
   * batch's strings back: the first time they are kept, since a key set larger than a batch
   * comes back a batch or two later (1000 keys in batches of 256); the second, they look like
   * ids that never repeat, which would only fill the table (see StringTable).
   */
  private finish(m: number, n: number, plainLeft: Uint8Array): { columns: EncodedColumn[]; transfer: ArrayBuffer[]; added: StringList | null } {
    const built: BuiltColumn[] = []
    for (let j = 0; j < m; j++) built.push(this.builders[j]!.finish())
    const unsent = this.table ? this.table.unsent() : []
    if (unsent.length > 0) built.push({ kind: 'plain', length: unsent.length, values: unsent })
    const { columns, transfer } = layOutColumns(built, n, this.table ? this.table.size : n)
    let added: StringList | null = null
    if (unsent.length > 0) {
      const list = columns.pop()!
      added = list.kind === 'text' ? list.strings : unsent
    }
    for (let j = 0; j < m; j++) {
      const column = built[j]!
      plainLeft[j] = plainBatchesAfter(plainLeft[j]!, column, n)
      if (column.kind !== 'ids') continue
      const missed = plainLeft[j]! > 0 ? Math.min(plainLeft[m + j]! + 1, 255) : 0
      plainLeft[m + j] = missed
      if (missed > 1) this.table!.rollBack()
    }
    this.release(m)
    return { columns, transfer, added }
  }

  private release(m: number): undefined {
    for (let j = 0; j < m; j++) this.builders[j]!.release()
    return undefined
  }
}
