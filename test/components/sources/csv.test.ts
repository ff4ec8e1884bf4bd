import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import test from 'ava'
import fc from 'fast-check'
import { InvalidOptionError } from '../../../runtime/errors/invalid-option-error.ts'
import { RecordParseError } from '../../../runtime/errors/record-parse-error.ts'
import { csv, type CsvOptions } from '../../../components/sources/csv.ts'
import { parseCsvRow } from '../../../components/sources/csv-row.ts'
import { readAll, sourceContext, withTempDir } from '../../fixtures/components/contexts.ts'

/** Writes `text` to a temp file, reads it all with `options`, and closes the reader. */
async function readCsv(text: string, options: CsvOptions, policy: 'fail' | 'skip' = 'skip', max = 1024) {
  return withTempDir(async (dir) => {
    const path = join(dir, 'in.csv')
    await writeFile(path, text)
    const { ctx, rejected } = sourceContext({ policy })
    const reader = await csv(path, options).open(ctx)
    try {
      return { path, records: await readAll<unknown>(reader, max), rejected, position: reader.position() }
    } finally {
      await reader.close!()
    }
  })
}

test('header: true gives objects of strings keyed by the header names', async (t) => {
  const { records } = await readCsv('name,age\r\nada,36\nalan,41', { header: true })
  t.deepEqual(records, [{ name: 'ada', age: '36' }, { name: 'alan', age: '41' }])
})

test('header defaults to true', async (t) => {
  t.deepEqual((await readCsv('a\n1\n', {})).records, [{ a: '1' }])
})

test('header: false gives string arrays, the header-like first row included', async (t) => {
  const { records } = await readCsv('a,b\n1,2\n', { header: false })
  t.deepEqual(records, [['a', 'b'], ['1', '2']])
})

test('quoted fields hold delimiters and "" escapes; empty fields are kept', async (t) => {
  const { records } = await readCsv('x,y,z\n"a,b","say ""hi""",\n"",plain,"é, ü"\n', { header: false }, 'fail')
  t.deepEqual(records, [['x', 'y', 'z'], ['a,b', 'say "hi"', ''], ['', 'plain', 'é, ü']])
})

test('another delimiter: semicolons and tabs', async (t) => {
  t.deepEqual((await readCsv('a;b\n"1;2";3\n', { delimiter: ';' })).records, [{ a: '1;2', b: '3' }])
  t.deepEqual((await readCsv('a\tb\n1\t2\n', { delimiter: '\t' })).records, [{ a: '1', b: '2' }])
})

test('a row with the wrong column count is rejected with its file, line and byte; the others are read', async (t) => {
  const { path, records, rejected } = await readCsv('a,b\n1,2\n\n3\n4,5,6\n7,8\n', { header: true })
  t.deepEqual(records, [{ a: '1', b: '2' }, { a: '7', b: '8' }])
  t.deepEqual(rejected.map((r) => [(r.error as RecordParseError).line, (r.error as RecordParseError).byteOffset, r.raw, r.offset]), [
    [4, 9, '3', `${path} line 4 byte 9`],
    [5, 11, '4,5,6', `${path} line 5 byte 11`],
  ])
  t.regex(rejected[0].error.message, /line 4 \(byte 9\): expected 2 columns \(as in the header\), found 1$/)
})

test("under 'fail' a wrong column count throws a RecordParseError naming the line", async (t) => {
  const e = await t.throwsAsync(readCsv('1,2\n3,4\n5\n', { header: false }, 'fail'), { instanceOf: RecordParseError })
  t.is(e!.line, 3)
  t.is(e!.byteOffset, 8)
  t.regex(e!.message, /in\.csv: malformed record at line 3 \(byte 8\): expected 2 columns \(as in the first row\), found 1$/)
})

test('a quoted newline makes both halves of its row malformed, not a row of their own', async (t) => {
  const { records, rejected } = await readCsv('a,b\n"multi\nline",x\n1,2\n', { header: true })
  t.deepEqual(records, [{ a: '1', b: '2' }])
  t.deepEqual(rejected.map((r) => (r.error as RecordParseError).line), [2, 3])
  t.regex(rejected[0].error.message, /unclosed quote in column 1 \(quoted fields cannot span lines\)$/)
  t.regex(rejected[1].error.message, /unexpected '"' inside unquoted column 1/)
})

test('text after a closing quote makes the row malformed', async (t) => {
  const { rejected } = await readCsv('a,b\n"x"y,1\n', { header: true })
  t.regex(rejected[0].error.message, /unexpected "y" after the closing quote of column 1; write a quote inside a quoted field as ""$/)
})

test('restore continues after the last row read, never re-reading the header', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.csv')
    await writeFile(path, 'k,v\na,1\nb,2\nc,3\n')
    const first = await csv(path).open(sourceContext().ctx)
    t.deepEqual(await first.read(1), [{ k: 'a', v: '1' }])
    const state = first.holders!()[0].snapshot()
    await first.close!()
    t.deepEqual(state, { byte: 8, line: 3 })
    for (const [at, expected] of [[state, ['b', 'c']], [{ byte: 0, line: 1 }, ['a', 'b', 'c']]] as const) {
      const second = await csv(path).open(sourceContext().ctx)
      second.holders!()[0].restore(at, '1.0.0')
      t.deepEqual((await readAll(second)).map((r) => r.k), expected)
      await second.close!()
    }
  })
})

test('an empty file gives no records, with or without header', async (t) => {
  t.deepEqual((await readCsv('', { header: true })).records, [])
  t.deepEqual((await readCsv('\n\n', { header: false })).records, [])
})

test('a malformed header or a duplicate or __proto__ column name fails the open', async (t) => {
  for (const [text, reason] of [['a,a\n1,2\n', 'duplicate column name "a"'], ['"a\n', 'unclosed quote'], ['__proto__\n1\n', "column name '__proto__'"]]) {
    const e = await t.throwsAsync(readCsv(text, { header: true }), { instanceOf: RecordParseError })
    t.true(e!.message.includes(`line 1 (byte 0): header: ${reason}`), e!.message)
  }
})

test('parseCsvRow reads back any row of fields quoted the RFC 4180 way', (t) => {
  const field = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', ' ', ';', '🙂') })
  fc.assert(fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), fc.boolean(), (fields, quoteAll) => {
    const row = fields.map((f) => quoteAll || /[",]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f).join(',')
    t.deepEqual(parseCsvRow(row, ','), fields)
  }), { numRuns: 500 })
})

const invalid: Array<[string, unknown, string]> = [
  ['delimiter of two characters', { delimiter: ';;' }, `csv: options.delimiter must be a single character other than '"', '\\r' and '\\n' (got ";;")`],
  ['delimiter a quote', { delimiter: '"' }, `csv: options.delimiter must be a single character other than '"', '\\r' and '\\n' (got "\\"")`],
  ['header not a boolean', { header: 'yes' }, 'csv: options.header must be true or false (got yes)'],
  ['chunk size fractional', { chunkSize: 1.5 }, 'csv: options.chunkSize must be an integer number of bytes in [1, 2^30] (got 1.5)'],
]
for (const [what, options, message] of invalid) {
  test(`invalid options are refused up front: ${what}`, (t) => {
    const e = t.throws(() => csv('in.csv', options as CsvOptions), { instanceOf: InvalidOptionError })
    t.is(e!.message, message)
  })
}
