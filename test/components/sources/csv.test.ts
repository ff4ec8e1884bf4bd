import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import test from 'ava'
import fc from 'fast-check'
import { InvalidOptionError } from '../../../runtime/errors/invalid-option-error.ts'
import { RecordParseError } from '../../../runtime/errors/record-parse-error.ts'
import { csv, type CsvOptions } from '../../../components/sources/csv.ts'
import { parseCsvRow } from '../../../components/sources/csv-row.ts'
import { crc32 } from '../../../persistence/codec/crc32.ts'
import { readAll, sourceContext, withTempDir } from '../../fixtures/components/contexts.ts'
import { expectedChunks, openSplit, readChunks, readSplits, rejections, type OracleLine, type SplitsRead } from '../../fixtures/components/line-files.ts'

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

test('restore continues after the last chunk read, never re-reading the header', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.csv')
    await writeFile(path, 'k,v\na,1\nb,2\nc,3\n')
    const first = await csv(path, { chunkSize: 8 }).open(sourceContext().ctx)
    t.deepEqual(await first.read(1), [{ k: 'a', v: '1' }])
    const state = first.holders!()[0].snapshot()
    await first.close!()
    t.deepEqual(state, { chunk: 1, chunkSize: 8, byte: 8, line: 3, seen: [{ byte: 8, length: 8, crc: crc32(Buffer.from('k,v\na,1\n')) }] })
    const restores: Array<[unknown, string, string[]]> = [
      [state, '2.1.0', ['b', 'c']], [{ chunk: 1, chunkSize: 8, byte: 8, line: 3 }, '2.0.0', ['b', 'c']], [{ chunk: 0 }, '2.0.0', ['a', 'b', 'c']], [{ byte: 0, line: 1 }, '1.0.0', ['a', 'b', 'c']], [{ byte: 8, line: 3 }, '1.0.0', ['b', 'c']],
    ]
    for (const [at, version, expected] of restores) {
      const second = await csv(path, { chunkSize: 8 }).open(sourceContext().ctx)
      second.holders!()[0].restore(at, version)
      t.deepEqual((await readAll(second)).map((r) => r.k), expected)
      await second.close!()
    }
  })
})

test('every split reads the header at open; only the chunk holding it skips it', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.csv')
    await writeFile(path, '\n\nname,n\r\nada,1\r\nalan,2\r\n')
    const rows: Array<{ chunk: number; records: readonly unknown[] }> = []
    for (let index = 0; index < 3; index++) {
      const { reader } = await openSplit(csv(path, { chunkSize: 4 }), index, 3)
      rows.push(...await readChunks(reader, index, 3))
      await reader.close!()
    }
    t.deepEqual(rows.sort((a, b) => a.chunk - b.chunk).flatMap((r) => r.records), [{ name: 'ada', n: '1' }, { name: 'alan', n: '2' }])
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

/** A field of any text the generator writes, quoted the RFC 4180 way when it must be (or at random). */
const field = fc.record({ text: fc.string({ unit: fc.constantFrom('a', 'é', '🙂', ' ', ',', '"'), maxLength: 8 }), quote: fc.boolean() })
  .map(({ text, quote }) => quote || /[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text)
const long = fc.string({ unit: fc.constantFrom('é', '🙂', 'x'), minLength: 40, maxLength: 100 })

/** A CSV file of `width` columns: a header maybe after blank lines, rows good, long, blank or malformed, `\n` or `\r\n` ends. */
const csvFile = (header: boolean) => fc.integer({ min: 1, max: 4 }).chain((width) => fc.record({
  bom: fc.boolean(),
  blanksBefore: fc.nat(2),
  rows: fc.array(fc.oneof(
    { weight: 6, arbitrary: fc.array(field, { minLength: width, maxLength: width }).map((f) => f.join(',')) },
    { weight: 1, arbitrary: fc.array(long, { minLength: width, maxLength: width }).map((f) => f.join(',')) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t') },
    { weight: 1, arbitrary: fc.constantFrom(Array(width + 1).fill('x').join(','), '"x"y' + ',z'.repeat(width - 1), 'a"b' + ',c'.repeat(width - 1), '"é') },
  ), { maxLength: 20 }),
  ends: fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 24, maxLength: 24 }),
  lastEnds: fc.boolean(),
}).map(({ bom, blanksBefore, rows, ends, lastEnds }) => {
  const lines = [...Array(blanksBefore).fill(''), ...(header ? [Array.from({ length: width }, (_, i) => `c${i}`).join(',')] : []), ...rows]
  return (bom ? '\uFEFF' : '') + lines.map((l, i) => l + (i === lines.length - 1 && !lastEnds ? '' : ends[i % ends.length])).join('')
}))

/** The oracle's outcome of each line, reading the file from the start: the header (or first well-formed row) fixes the width. */
function csvOutcome(text: string, header: boolean): (line: OracleLine) => 'skip' | 'bad' | { value: unknown } {
  const parse = (t: string) => { try { return parseCsvRow(t, ',') } catch { return undefined } }
  const lines = text === '' ? [] : text.split('\n').map((l, i) => (i === 0 ? l.replace(/^\uFEFF/, '') : l).replace(/\r$/, ''))
  const first = lines.findIndex((l) => l.trim() !== '' && (header || parse(l) !== undefined))
  const names = first === -1 ? [] : parse(lines[first])!
  return (line) => {
    if (line.text.trim() === '' || (header && line.line <= first + 1)) return 'skip'
    const fields = parse(line.text)
    if (fields === undefined || fields.length !== names.length) return 'bad'
    return { value: header ? Object.fromEntries(names.map((n, i) => [n, fields[i]])) : fields }
  }
}

for (const header of [true, false]) {
  test(`header: ${header}: the P splits together read every chunk once and give, chunk by chunk, the rows of the file read line by line; a restore at chunk C with another P reads the rest`, async (t) => {
    await withTempDir(async (dir) => {
      let n = 0
      await fc.assert(fc.asyncProperty(csvFile(header), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.nat(),
        async (text, chunkSize, before, after, at) => {
          const path = join(dir, `in-${n++}.csv`)
          await writeFile(path, text)
          const expected = expectedChunks(text, chunkSize, csvOutcome(text, header))
          const whole: SplitsRead<unknown> = { chunks: [], rejected: [] }
          await readSplits(csv(path, { header, chunkSize }), before, whole)
          assert.deepEqual(whole.chunks, expected.chunks)
          assert.deepEqual(rejections(path, whole.rejected), expected.bad)
          const chunk = at % (expected.chunks.length + 2)
          const resumed: SplitsRead<unknown> = { chunks: [], rejected: [] }
          await readSplits(csv(path, { header, chunkSize }), before, resumed, { until: chunk })
          await readSplits(csv(path, { header, chunkSize }), after, resumed, { restore: { chunk } })
          assert.deepEqual(resumed.chunks, expected.chunks)
          assert.deepEqual(rejections(path, resumed.rejected), expected.bad)
        }), { numRuns: 200 })
      t.pass()
    })
  })
}

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
  ['header not a boolean', { header: 'yes' }, 'csv: options.header must be true or false (got "yes")'],
  ['chunk size fractional', { chunkSize: 1.5 }, 'csv: options.chunkSize must be an integer number of bytes in [1, 2^30] (got 1.5)'],
]
for (const [what, options, message] of invalid) {
  test(`invalid options are refused up front: ${what}`, (t) => {
    const e = t.throws(() => csv('in.csv', options as CsvOptions), { instanceOf: InvalidOptionError })
    t.is(e!.message, message)
  })
}
