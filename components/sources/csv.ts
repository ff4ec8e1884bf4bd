import type { Source } from '../../runtime/contracts/source.ts'
import { checkBoolean, checkKnownOptions, invalidOption } from '../../runtime/option-checks.ts'
import { RecordParseError } from '../../runtime/errors/record-parse-error.ts'
import { parseCsvRow } from './csv-row.ts'
import type { LineReader } from './line-reader.ts'
import { checkLineOptions, lineSource } from './line-source.ts'
import { isBlank, type LineParser } from './split-reader.ts'

/** Options of `sources.csv`. */
export interface CsvOptions {
  /** True (default): the first line names the columns and records are objects of strings; false: string arrays. */
  readonly header?: boolean
  /** One character other than `"`, `\r`, `\n` (default `,`). */
  readonly delimiter?: string
  /** Bytes per chunk (default 64 KiB): the unit of a read, of parallel splits and of positions, as in `sources.jsonl`. */
  readonly chunkSize?: number
}

/**
 * A bounded, splittable source of the rows of a CSV file (RFC 4180 quoting: `"a,b"`, `""` for a quote).
 *
 * With `header: true` (the default) the first non-blank line names the columns and each record
 * is an object of strings keyed by those names; with `header: false` records are string arrays
 * and the first row fixes the column count. A row with another column count, or a bad quote, is
 * a RecordParseError (file, line, byte) handed to the step's error policy. Quoted fields cannot
 * span lines: a quoted newline makes its row malformed. Blank lines are skipped. A malformed
 * header, a duplicate column name or `__proto__` fails the open. Every split reads the header
 * (and, without header, the first well-formed row) when it opens. Chunks, reads, offsets,
 * position() and the `<step>/position` StateHolder are as in `sources.jsonl`.
 *
 * @example
 * pipeline('p').source('rows', sources.csv('data/users.csv', { header: true })).sink('out', sinks.collect())
 */
export function csv(path: string, options: CsvOptions & { header: false }): Source<string[]>
export function csv(path: string, options?: CsvOptions & { header?: true }): Source<Record<string, string>>
export function csv(path: string, options?: CsvOptions): Source<Record<string, string> | string[]>
export function csv(path: string, options: CsvOptions = {}): Source<Record<string, string> | string[]> {
  checkKnownOptions('csv', options, { header: true, delimiter: true, chunkSize: true } satisfies Record<keyof CsvOptions, true>)
  const chunkSize = checkLineOptions('csv', path, options?.chunkSize)
  const { header = true, delimiter = ',' } = options ?? {}
  checkBoolean('csv', 'header', header)
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || '"\r\n'.includes(delimiter)) {
    throw invalidOption('csv', 'delimiter', `a single character other than '"', '\\r' and '\\n'`, delimiter)
  }
  return lineSource<Record<string, string> | string[]>('csv', path, chunkSize, (lines) =>
    header ? withHeader(lines, path, delimiter) : withoutHeader(lines, delimiter))
}

/** The first non-blank line at or after byte `at` (line number `line`), its number, and where the next line starts. */
async function nonBlankLine(lines: LineReader, at: number, line: number) {
  for (;;) {
    const l = await lines.line(at)
    if (l === undefined) return undefined
    if (!isBlank(l.text)) return { ...l, byte: at, line }
    at = l.next
    line++
  }
}

async function withHeader(lines: LineReader, path: string, delimiter: string): Promise<LineParser<Record<string, string>>> {
  const head = await nonBlankLine(lines, 0, 1)
  // An empty file has no header and no rows: parse is never called.
  if (head === undefined) return { parse: () => ({}) }
  const fail = (why: string) => new RecordParseError(path, head.line, head.byte, `header: ${why}`)
  let names: string[]
  try {
    names = parseCsvRow(head.text, delimiter)
  } catch (e) {
    throw fail((e as Error).message)
  }
  const seen = new Set<string>()
  for (const name of names) {
    // `__proto__` as a key would set the record's prototype instead of a field.
    if (name === '__proto__') throw fail("column name '__proto__' is not allowed; rename the column")
    if (seen.has(name)) throw fail(`duplicate column name ${JSON.stringify(name)}; column names must be unique`)
    seen.add(name)
  }
  const width = names.length
  return {
    firstRecord: head.next,
    keepsText: true,
    parse(text) {
      const fields = parseCsvRow(text, delimiter)
      if (fields.length !== width) throw new Error(`expected ${width} columns (as in the header), found ${fields.length}`)
      const record: Record<string, string> = {}
      for (let i = 0; i < width; i++) record[names[i]] = fields[i]
      return record
    },
  }
}

async function withoutHeader(lines: LineReader, delimiter: string): Promise<LineParser<string[]>> {
  // The first well-formed row fixes the column count. Every split finds it at open, so each
  // checks the same count, wherever in the file it reads (a malformed row before it is rejected
  // by whichever split reads it). In a file of only malformed rows this reads the whole file.
  let width: number | undefined
  for (let row = await nonBlankLine(lines, 0, 1); row !== undefined && width === undefined; row = await nonBlankLine(lines, row.next, row.line + 1)) {
    try {
      width = parseCsvRow(row.text, delimiter).length
    } catch {
      // Malformed: read() rejects it at its line; the next row may fix the count.
    }
  }
  return {
    keepsText: true,
    parse(text) {
      const fields = parseCsvRow(text, delimiter)
      if (fields.length !== width) throw new Error(`expected ${width} columns (as in the first row), found ${fields.length}`)
      return fields
    },
  }
}
