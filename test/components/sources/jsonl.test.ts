import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import test from 'ava'
import fc from 'fast-check'
import type { SourceReader } from '../../../runtime/contracts/source.ts'
import { InvalidOptionError } from '../../../runtime/errors/invalid-option-error.ts'
import { isOxiflowError, type OxiflowError } from '../../../runtime/errors/oxiflow-error.ts'
import { RecordParseError } from '../../../runtime/errors/record-parse-error.ts'
import { jsonl } from '../../../components/sources/jsonl.ts'
import type { LinePosition } from '../../../components/sources/line-position.ts'
import { crc32 } from '../../../persistence/codec/crc32.ts'
import { readAll, sourceContext, withTempDir } from '../../fixtures/components/contexts.ts'
import { expectedChunks, firstOwned, openSplit, readChunks, readSplits, rejections, type OracleLine, type SplitsRead } from '../../fixtures/components/line-files.ts'

/** Lines of every kind a JSON-lines file holds: values (some longer than any chunk tried), blank and malformed lines. */
const lineText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ stringUnit: 'binary', maxDepth: 2 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('é', '🙂', 'a', '€'), minLength: 40, maxLength: 120 }).map((s) => JSON.stringify({ s })) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', ' \t ') },
  { weight: 1, arbitrary: fc.constantFrom('{', '{"é":', 'nope', '[1,]', '"ünterminated', '{"a":1}x', '🙂') },
)

/** A JSON-lines file: lines ending in `\n` or `\r\n`, the last maybe without, maybe a byte-order mark. */
const file = fc.record({
  bom: fc.boolean(),
  lines: fc.array(fc.record({ text: lineText, end: fc.constantFrom('\n', '\r\n') }), { maxLength: 25 }),
  lastEnds: fc.boolean(),
}).map(({ bom, lines, lastEnds }) => (bom ? '\uFEFF' : '') +
  lines.map((l, i) => l.text + (i === lines.length - 1 && !lastEnds ? '' : l.end)).join(''))

/** What the oracle makes of a line: blank lines are skipped, the rest is JSON.parse or malformed. */
function outcome(line: OracleLine): 'skip' | 'bad' | { value: unknown } {
  if (line.text.trim() === '') return 'skip'
  try {
    return { value: JSON.parse(line.text) }
  } catch {
    return 'bad'
  }
}

let fileNo = 0
async function writeJsonl(dir: string, text: string): Promise<string> {
  const path = join(dir, `in-${fileNo++}.jsonl`)
  await writeFile(path, text)
  return path
}

test('the P splits together read every chunk once, and chunk by chunk give the records of the file read line by line, rejecting malformed lines at their exact line and byte', async (t) => {
  await withTempDir(async (dir) => {
    await fc.assert(fc.asyncProperty(file, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 5 }), async (text, chunkSize, count) => {
      const path = await writeJsonl(dir, text)
      const expected = expectedChunks(text, chunkSize, outcome)
      const read: SplitsRead<unknown> = { chunks: [], rejected: [] }
      await readSplits(jsonl(path, { chunkSize }), count, read)
      assert.deepEqual(read.chunks, expected.chunks)
      assert.deepEqual(rejections(path, read.rejected), expected.bad)
    }), { numRuns: 300 })
    t.pass()
  })
})

test('a checkpoint at chunk C taken with P splits restores with any other number of splits: together they read exactly the chunks from C on', async (t) => {
  await withTempDir(async (dir) => {
    await fc.assert(fc.asyncProperty(file, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }),
      fc.nat(), fc.boolean(), async (text, chunkSize, before, after, at, ownSnapshot) => {
        const path = await writeJsonl(dir, text)
        const expected = expectedChunks(text, chunkSize, outcome)
        const chunk = at % (expected.chunks.length + 2)
        const read: SplitsRead<unknown> = { chunks: [], rejected: [] }
        const snapshots = await readSplits(jsonl(path, { chunkSize }), before, read, { until: chunk })
        // The runtime restores { chunk: C }; a single split's own snapshot (with byte and line) works too.
        const state = before === 1 && ownSnapshot ? snapshots[0] as { chunk: number } : { chunk }
        await readSplits(jsonl(path, { chunkSize }), after, read, { restore: state })
        assert.deepEqual(read.chunks, expected.chunks)
        assert.deepEqual(rejections(path, read.rejected), expected.bad)
      }), { numRuns: 200 })
    t.pass()
  })
})

test('restore on a reader that has read ahead moves it to the restored chunk, backwards or forwards', async (t) => {
  await withTempDir(async (dir) => {
    await fc.assert(fc.asyncProperty(file, fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 8 }), fc.nat(),
      async (text, chunkSize, count, reads, at) => {
        const path = await writeJsonl(dir, text)
        const expected = expectedChunks(text, chunkSize, outcome)
        const chunk = at % (expected.chunks.length + 1)
        for (let index = 0; index < count; index++) {
          const { reader, rejected } = await openSplit(jsonl(path, { chunkSize }), index, count)
          try {
            await readChunks(reader, index, count, index + reads * count)
            reader.holders!()[0].restore({ chunk }, '2.0.0')
            rejected.length = 0
            const first = firstOwned(chunk, index, count)
            for (const got of await readChunks(reader, first, count)) assert.deepEqual(got.records, expected.chunks[got.chunk])
            const owned = (byte: number) => Math.floor(byte / chunkSize) >= first && (Math.floor(byte / chunkSize) - index) % count === 0
            assert.deepEqual(rejections(path, rejected), expected.bad.filter((b) => owned(b.byte)))
          } finally {
            await reader.close!()
          }
        }
      }), { numRuns: 100 })
    t.pass()
  })
})

test('a state version 1 snapshot { byte, line } (the next unread line) restores exactly there, with any number of splits', async (t) => {
  await withTempDir(async (dir) => {
    const text = '{"a":1}\r\n\n"é"\n[2]\n"🙂🙂🙂🙂🙂🙂"\nnope\n3'
    const path = await writeJsonl(dir, text)
    const lines = [{ byte: 0, line: 1, rest: [{ a: 1 }, 'é', [2], '🙂🙂🙂🙂🙂🙂', 3] }, { byte: 9, line: 2, rest: ['é', [2], '🙂🙂🙂🙂🙂🙂', 3] },
      { byte: 15, line: 4, rest: [[2], '🙂🙂🙂🙂🙂🙂', 3] }, { byte: 19, line: 5, rest: ['🙂🙂🙂🙂🙂🙂', 3] }, { byte: 46, line: 6, rest: [3] }, { byte: 51, line: 7, rest: [3] }]
    for (const chunkSize of [1, 4, 7, 64]) {
      for (const count of [1, 2, 3]) {
        for (const { byte, line, rest } of lines) {
          const records: Array<{ chunk: number; records: readonly unknown[] }> = []
          const bad: number[] = []
          for (let index = 0; index < count; index++) {
            const { reader, rejected } = await openSplit(jsonl(path, { chunkSize }), index, count)
            reader.holders!()[0].restore({ byte, line }, '1.0.0')
            records.push(...await readChunks(reader, firstOwned(Math.floor(byte / chunkSize), index, count), count))
            bad.push(...rejected.map((r) => (r.error as RecordParseError).line))
            await reader.close!()
          }
          t.deepEqual(records.sort((a, b) => a.chunk - b.chunk).flatMap((r) => r.records), rest, `chunkSize ${chunkSize}, ${count} splits, byte ${byte}`)
          t.deepEqual(bad, byte <= 46 ? [6] : [])
        }
      }
    }
  })
})

test('read ignores max: each read returns exactly one chunk, none when no line starts in it, then undefined', async (t) => {
  await withTempDir(async (dir) => {
    // Lines start at bytes 0, 4 and 27; with chunks of 8 bytes they fall in chunks 0, 0 and 3.
    const path = await writeJsonl(dir, `"a"\n"${'x'.repeat(20)}"\n1\n`)
    const { reader } = await openSplit(jsonl(path, { chunkSize: 8 }), 0, 1)
    t.deepEqual(await reader.read(1), ['a', 'x'.repeat(20)])
    t.deepEqual(await reader.read(1000), [])
    t.deepEqual(await reader.read(1), [])
    t.deepEqual(await reader.read(1), [1])
    t.is(await reader.read(1), undefined)
    t.is(await reader.read(1), undefined)
    await reader.close!()
  })
})

/** A LinePosition without its `seen` marks (tested on their own). */
function unmarked(p: unknown): LinePosition {
  const { seen: _, ...rest } = p as LinePosition
  return rest
}

test('position() is the next chunk; a single split adds the byte and line of the next unread line', async (t) => {
  await withTempDir(async (dir) => {
    const path = await writeJsonl(dir, '{"a":1}\r\n\n"é"\n[2]')
    const { reader } = await openSplit(jsonl(path, { chunkSize: 4 }), 0, 1)
    t.deepEqual(unmarked(reader.position()), { chunk: 0, chunkSize: 4, byte: 0, line: 1 })
    t.deepEqual(await reader.read(1), [{ a: 1 }])
    t.deepEqual((reader.position() as LinePosition).seen, [{ byte: 9, length: 9, crc: crc32(Buffer.from('{"a":1}\r\n')) }], 'the CRC-32 of the bytes read before the position')
    t.deepEqual(unmarked(reader.position()), { chunk: 1, chunkSize: 4, byte: 9, line: 2 })
    t.deepEqual(await reader.read(1), [])
    t.deepEqual(unmarked(reader.position()), { chunk: 2, chunkSize: 4, byte: 9, line: 2 })
    t.deepEqual(await reader.read(1), ['é'])
    t.deepEqual(unmarked(reader.position()), { chunk: 3, chunkSize: 4, byte: 15, line: 4 })
    t.deepEqual(await reader.read(1), [[2]])
    t.deepEqual(unmarked(reader.position()), { chunk: 4, chunkSize: 4, byte: 18, line: 5 })
    t.deepEqual(await reader.read(1), []) // bytes 16 and 17 belong to line 4
    t.deepEqual(unmarked(reader.position()), { chunk: 5, chunkSize: 4, byte: 18, line: 5 })
    t.is(await reader.read(1), undefined)
    t.deepEqual(reader.holders!()[0].snapshot(), reader.position())
    await reader.close!()
    const second = await openSplit(jsonl(path, { chunkSize: 4 }), 1, 2)
    t.deepEqual(second.reader.position(), { chunk: 1, chunkSize: 4 })
    t.deepEqual(await second.reader.read(1), [])
    t.deepEqual(unmarked(second.reader.position()), { chunk: 3, chunkSize: 4 })
    await second.reader.close!()
  })
})

test("under 'fail' a malformed line throws a RecordParseError naming the path, line and byte", async (t) => {
  await withTempDir(async (dir) => {
    const path = await writeJsonl(dir, '{"a":1}\n"ü"\n\n{"b":\n{"c":3}\n')
    const { ctx } = sourceContext({ policy: 'fail' })
    const reader = await jsonl(path, { chunkSize: 3 }).open(ctx)
    const e = await t.throwsAsync(async () => readAll(reader as SourceReader<unknown>, 10), { instanceOf: RecordParseError })
    t.is(e!.file, path)
    t.is(e!.line, 4)
    t.is(e!.byteOffset, 14)
    t.true(e!.message.startsWith(`${path}: malformed record at line 4 (byte 14): `))
    t.is(e!.code, 'ERR_RECORD_PARSE')
    await reader.close!()
  })
})

test('a split that does not read the lines before its chunk still names the exact line of a malformed one', async (t) => {
  await withTempDir(async (dir) => {
    const lines = Array.from({ length: 5000 }, (_, i) => i % 997 === 996 ? 'bad' : i % 10 === 0 ? '' : `{"i":${i}}`)
    const path = await writeJsonl(dir, lines.join('\r\n'))
    const expected = lines.flatMap((text, i) => text === 'bad' ? [i + 1] : [])
    for (const count of [2, 3]) {
      const found: number[] = []
      for (let index = 0; index < count; index++) {
        const { reader, rejected } = await openSplit(jsonl(path, { chunkSize: 1000 }), index, count)
        await readAll(reader)
        found.push(...rejected.map((r) => (r.error as RecordParseError).line))
        await reader.close!()
      }
      t.deepEqual(found.sort((a, b) => a - b), expected)
    }
  })
})

test('when reject returns, the malformed line is skipped and reading goes on', async (t) => {
  await withTempDir(async (dir) => {
    const path = await writeJsonl(dir, '1\nnot json\n2\n')
    const { ctx, rejected } = sourceContext({ policy: 'skip' })
    const reader = await jsonl(path, { chunkSize: 64 }).open(ctx)
    t.deepEqual(await readAll(reader), [1, 2])
    t.is(rejected.length, 1)
    t.is(rejected[0].raw, 'not json')
    t.true(rejected[0].error instanceof RecordParseError)
    await reader.close!()
  })
})

test('a byte-order mark, lines longer than a chunk and multi-byte characters across chunk boundaries are read whole', async (t) => {
  await withTempDir(async (dir) => {
    const long = { s: '🙂é'.repeat(500) }
    const path = await writeJsonl(dir, '\uFEFF{"x":"€"}\n' + JSON.stringify(long) + '\n')
    const reader = await jsonl(path, { chunkSize: 5 }).open(sourceContext().ctx)
    t.deepEqual(await readAll(reader, 1), [{ x: '€' }, long])
    await reader.close!()
  })
})

test('restore refuses a snapshot of another shape, another chunk size or a newer version, saying why', async (t) => {
  await withTempDir(async (dir) => {
    const path = await writeJsonl(dir, '1\n2\n3\n')
    const { reader } = await openSplit(jsonl(path, { chunkSize: 4 }), 0, 1)
    const [holder] = reader.holders!()
    t.is(holder.stateId, 'src/position')
    t.is(holder.stateVersion, '2.1.0')
    const refused: Array<[unknown, string, string]> = [
      [{ chunk: -1 }, '2.0.0', 'src/position: cannot restore source position {"chunk":-1}: expected { chunk, … } with chunk a non-negative integer; ' +
        'the checkpoint probably belongs to a different source under the same step name'],
      [{ chunk: 1, byte: 3 }, '2.1.0', 'src/position: cannot restore source position {"chunk":1,"byte":3}: expected byte and line together, or neither; ' +
        'the checkpoint probably belongs to a different source under the same step name'],
      [{ chunk: 1, byte: 3, line: 0 }, '2.0.0', 'src/position: cannot restore source position {"chunk":1,"byte":3,"line":0}: expected byte ≥ 0 and line ≥ 1, integers; ' +
        'the checkpoint probably belongs to a different source under the same step name'],
      [{ line: 2 }, '1.0.0', 'src/position: cannot restore source position {"line":2}: expected { chunk, … } with chunk a non-negative integer; ' +
        'the checkpoint probably belongs to a different source under the same step name'],
      [{ chunk: 1, chunkSize: 8 }, '2.0.0', 'src/position: cannot restore source position {"chunk":1,"chunkSize":8}: it was taken with chunkSize 8 ' +
        'and this source reads chunks of 4 bytes, so its chunk numbers mean other lines; set options.chunkSize to 8 to resume from this checkpoint'],
      [{ chunk: 1 }, '3.0.0', 'src/position: cannot restore a source position of state version 3.0.0, 2.x expected; ' +
        'the checkpoint was probably written by an incompatible oxiflow version: restore from an older checkpoint or start fresh'],
    ]
    for (const [state, version, message] of refused) {
      const e = t.throws(() => holder.restore(state, version)) as OxiflowError
      t.is(e.code, version === '3.0.0' ? 'ERR_STATE_VERSION' : 'ERR_STATE_INVALID')
      t.is(e.message, message)
    }
    holder.restore({ chunk: 1 }, '2.3.0')
    t.deepEqual(await readAll(reader), [3])
    await reader.close!()
  })
})

test('opening with a split outside [0, count) fails, naming the rule', async (t) => {
  const e = await t.throwsAsync(async () => jsonl('in.jsonl').open(sourceContext({ split: { index: 2, count: 2 } }).ctx)) as OxiflowError
  t.is(e.code, 'ERR_INVALID_SPLIT')
  t.is(e.message, 'jsonl(in.jsonl): ctx.split must be { index, count } with integers 0 ≤ index < count (got {"index":2,"count":2}); ' +
    'this is a bug in the code that opened the source')
})

test('a missing file fails at open with ERR_FILE_OPEN naming the path, the fs error as cause', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'missing.jsonl')
    const e = await t.throwsAsync(async () => jsonl(path).open(sourceContext().ctx)) as OxiflowError
    t.true(isOxiflowError(e))
    t.is(e.code, 'ERR_FILE_OPEN')
    t.true(e.message.startsWith(`jsonl: cannot open '${path}' for reading: ENOENT`))
    t.is((e.cause as NodeJS.ErrnoException).code, 'ENOENT')
    await mkdir(join(dir, 'sub'))
    const isDir = await t.throwsAsync(async () => jsonl(join(dir, 'sub')).open(sourceContext().ctx)) as OxiflowError
    t.is(isDir.code, 'ERR_FILE_OPEN')
    t.regex(isDir.message, /EISDIR/)
  })
})

test('the source is bounded, splittable and describes its path', (t) => {
  const source = jsonl('data/in.jsonl')
  t.true(source.bounded)
  t.true(source.splittable)
  t.is(source.description, 'jsonl(data/in.jsonl)')
})

const invalid: Array<[string, unknown, unknown, string]> = [
  ['empty path', '', undefined, 'jsonl: path must be a non-empty string (got "")'],
  ['path not a string', 42, undefined, 'jsonl: path must be a non-empty string (got 42)'],
  ['chunk size zero', 'a.jsonl', { chunkSize: 0 }, 'jsonl: options.chunkSize must be an integer number of bytes in [1, 2^30] (got 0)'],
]
for (const [what, path, options, message] of invalid) {
  test(`invalid arguments are refused up front: ${what}`, (t) => {
    const e = t.throws(() => jsonl(path as string, options as { chunkSize: number }), { instanceOf: InvalidOptionError })
    t.is(e!.message, message)
  })
}
