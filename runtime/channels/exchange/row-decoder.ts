import { BoundedCache } from './bounded-cache.ts'
import type { EncodedColumn } from './encoded-batch.ts'
import { splitStrings } from './string-list.ts'

/**
 * Builds `length` records from the columns of a `rows` batch; `table`: the channel's string
 * table, which `ids` columns index (null outside a channel: decodeRecords refuses such columns
 * before calling a decoder).
 *
 * @example
 * const decode: RowDecoder = rowDecoder(batch.keys, batch.columns); decode(batch.columns, batch.length, null)
 */
export type RowDecoder = (columns: readonly EncodedColumn[], length: number, table: readonly (string | null)[] | null) => unknown[]

/** Decoders by signature (column kinds and keys). */
const decoders = new BoundedCache<string, RowDecoder>(256)

const LETTER: Record<EncodedColumn['kind'], string> = { null: 'z', number: 'n', boolean: 'b', string: 's', ids: 'i', text: 't', mixed: 'm' }

/**
 * The decoder for these keys and column kinds: a function generated once per signature whose
 * loop builds every record with one object literal listing the keys in order, so all records of
 * a batch (and of every batch of that shape) share one hidden class and code reading them
 * downstream stays monomorphic. Keys are quoted with JSON.stringify, which escapes every
 * character that could end the string literal (lone surrogates included).
 *
 * Measured in bench/exchange-codec.ts (batches of 1024 `{ key, value, ts }`): generated
 * 40–57 ns per record, a generic loop assigning keys one by one 83–126 ns; decoding and then
 * reading `value` from each record, 43–77 ns against 89–134 ns.
 *
 * @example
 * const records = rowDecoder(batch.keys, batch.columns)(batch.columns, batch.length, null)
 */
export function rowDecoder(keys: readonly string[], columns: readonly EncodedColumn[]): RowDecoder {
  let signature = ''
  for (const column of columns) signature += column.kind === 'number' && column.nulls ? 'N' : LETTER[column.kind]
  signature += JSON.stringify(keys)
  return decoders.get(signature, () => generate(keys, columns))
}

function generate(keys: readonly string[], columns: readonly EncodedColumn[]): RowDecoder {
  if (keys.length !== columns.length) {
    throw new TypeError(`A rows batch has ${keys.length} keys but ${columns.length} columns: it was not made by encodeBatch, or was altered on the way`)
  }
  const setup: string[] = []
  const fields: string[] = []
  columns.forEach((column, j) => {
    const key = keys[j]!
    // A quoted "__proto__" in an object literal sets the prototype instead of adding a key;
    // encodeBatch sends such records by structured clone, so this batch is not one of ours.
    if (key === '__proto__') throw new TypeError('A rows batch has the key "__proto__": such records travel by structured clone; the batch was not made by encodeBatch')
    let value: string
    switch (column.kind) {
      case 'null':
        value = 'null'
        break
      case 'number':
        setup.push(`const v${j} = columns[${j}].values;`)
        if (column.nulls) {
          setup.push(`const n${j} = columns[${j}].nulls;`)
          value = `n${j}[i] === 1 ? null : v${j}[i]`
        } else {
          value = `v${j}[i]`
        }
        break
      case 'boolean':
        setup.push(`const v${j} = columns[${j}].values;`)
        value = `v${j}[i] === 2 ? null : v${j}[i] === 1`
        break
      case 'string':
        setup.push(`const d${j} = split(columns[${j}].dictionary), x${j} = columns[${j}].indices;`)
        value = `d${j}[x${j}[i]]`
        break
      case 'ids':
        setup.push(`const x${j} = columns[${j}].indices;`)
        value = `table[x${j}[i]]`
        break
      case 'text':
        setup.push(`const s${j} = split(columns[${j}].strings);`)
        value = `s${j}[i]`
        break
      case 'mixed':
        setup.push(`const v${j} = columns[${j}].values;`)
        value = `v${j}[i]`
        break
      default:
        throw new TypeError(`A rows batch has a column of unknown kind ${JSON.stringify((column as { kind: unknown }).kind)}: it was not made by this version of encodeBatch`)
    }
    fields.push(`${JSON.stringify(key)}: ${value}`)
  })
  const body = `${setup.join('\n')}
const out = [];
for (let i = 0; i < length; i++) out.push({ ${fields.join(', ')} });
return out;`
  return new Function('split', `return function decodeRows(columns, length, table) {\n${body}\n}`)(splitStrings) as RowDecoder
}
