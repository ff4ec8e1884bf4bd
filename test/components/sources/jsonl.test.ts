import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import test from 'ava'
import fc from 'fast-check'
import type { SourceReader } from '../../../runtime/contracts/source.ts'
import { InvalidOptionError } from '../../../runtime/errors/invalid-option-error.ts'
import { isOxiflowError, type OxiflowError } from '../../../runtime/errors/oxiflow-error.ts'
import { RecordParseError } from '../../../runtime/errors/record-parse-error.ts'
import { jsonl } from '../../../components/sources/jsonl.ts'
import { readAll, sourceContext, withTempDir } from '../../fixtures/components/contexts.ts'

type Piece =
  | { kind: 'value'; value: unknown; end: string }
  | { kind: 'blank' | 'bad'; text: string; end: string }

const piece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('value' as const), value: fc.jsonValue({ stringUnit: 'binary', maxDepth: 2 }), end: fc.constantFrom('\n', '\r\n') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('blank' as const), text: fc.constantFrom('', ' ', '\t', ' \t '), end: fc.constantFrom('\n', '\r\n') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad' as const), text: fc.constantFrom('{', '{"é":', 'nope', '[1,]', '"ünterminated', '{"a":1}x'), end: fc.constantFrom('\n', '\r\n') }) },
)

/** The file a list of pieces makes, and what reading it must give (computed from the pieces, not by splitting the file). */
function build(pieces: readonly Piece[], lastEnds: boolean) {
  let text = ''
  let byte = 0
  const values: unknown[] = []
  const bad: Array<{ line: number; byte: number; raw: string }> = []
  pieces.forEach((p, i) => {
    const body = p.kind === 'value' ? JSON.stringify(p.value) : p.text
    const end = i === pieces.length - 1 && !lastEnds ? '' : p.end
    if (p.kind === 'value') values.push(JSON.parse(body))
    if (p.kind === 'bad') bad.push({ line: i + 1, byte, raw: body })
    text += body + end
    byte += Buffer.byteLength(body + end)
  })
  // An empty last piece without a line end adds no bytes, hence no line.
  const last = pieces.at(-1)
  const lines = pieces.length - (last !== undefined && !lastEnds && last.kind === 'blank' && last.text === '' ? 1 : 0)
  return { text, values, bad, bytes: byte, lines }
}

let fileNo = 0
async function openFile(dir: string, text: string, chunkSize: number, policy: 'fail' | 'skip' = 'skip') {
  const path = join(dir, `in-${fileNo++}.jsonl`)
  await writeFile(path, text)
  const { ctx, rejected } = sourceContext({ policy })
  const reader = await jsonl(path, { chunkSize }).open(ctx)
  return { path, reader, rejected }
}

test('any file of JSON lines, read with any max and chunk size, gives JSON.parse of each line, rejecting malformed lines at their exact line and byte', async (t) => {
  await withTempDir(async (dir) => {
    await fc.assert(fc.asyncProperty(
      fc.array(piece, { maxLength: 25 }), fc.boolean(), fc.integer({ min: 1, max: 64 }),
      fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 }),
      async (pieces, lastEnds, chunkSize, sizes) => {
        const expected = build(pieces, lastEnds)
        const { path, reader, rejected } = await openFile(dir, expected.text, chunkSize)
        try {
          t.deepEqual(await readAll(reader, sizes), expected.values)
          t.deepEqual(rejected.map((r) => {
            const e = r.error as RecordParseError
            t.is(r.offset, `${path} line ${e.line} byte ${e.byteOffset}`)
            return { line: e.line, byte: e.byteOffset, raw: r.raw }
          }), expected.bad)
          t.deepEqual(reader.position(), { byte: expected.bytes, line: expected.lines + 1 })
        } finally {
          await reader.close!()
        }
      }), { numRuns: 150 })
  })
})

test('snapshot then restore on a fresh reader continues exactly where the first stopped', async (t) => {
  await withTempDir(async (dir) => {
    await fc.assert(fc.asyncProperty(
      fc.array(piece, { maxLength: 20 }), fc.boolean(), fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 5 }), fc.nat(20),
      async (pieces, lastEnds, chunkSize, max, reads) => {
        const expected = build(pieces, lastEnds)
        const first = await openFile(dir, expected.text, chunkSize)
        const head: unknown[] = []
        let state: unknown
        try {
          for (let i = 0; i < reads; i++) head.push(...(await first.reader.read(max)) ?? [])
          const [holder] = first.reader.holders!()
          state = holder.snapshot()
          t.deepEqual(state, first.reader.position())
        } finally {
          await first.reader.close!()
        }
        const second = await jsonl(first.path, { chunkSize }).open(sourceContext({ policy: 'skip' }).ctx)
        try {
          second.holders!()[0].restore(state, '1.0.0')
          t.deepEqual([...head, ...await readAll(second, max)], expected.values)
        } finally {
          await second.close!()
        }
      }), { numRuns: 100 })
  })
})

test('position() is the byte and line of the next unread line', async (t) => {
  await withTempDir(async (dir) => {
    const { reader } = await openFile(dir, '{"a":1}\r\n\n"é"\n[2]', 4)
    t.deepEqual(reader.position(), { byte: 0, line: 1 })
    t.deepEqual(await reader.read(1), [{ a: 1 }])
    t.deepEqual(reader.position(), { byte: 9, line: 2 })
    t.deepEqual(await reader.read(1), ['é'])
    t.deepEqual(reader.position(), { byte: 15, line: 4 })
    t.deepEqual(await reader.read(5), [[2]])
    t.deepEqual(reader.position(), { byte: 18, line: 5 })
    t.is(await reader.read(5), undefined)
    await reader.close!()
  })
})

test("under 'fail' a malformed line throws a RecordParseError naming the path, line and byte", async (t) => {
  await withTempDir(async (dir) => {
    const { path, reader } = await openFile(dir, '{"a":1}\n"ü"\n\n{"b":\n{"c":3}\n', 3, 'fail')
    const e = await t.throwsAsync(async () => readAll(reader as SourceReader<unknown>, 10), { instanceOf: RecordParseError })
    t.is(e!.file, path)
    t.is(e!.line, 4)
    t.is(e!.byteOffset, 14)
    t.true(e!.message.startsWith(`${path}: malformed record at line 4 (byte 14): `))
    t.is(e!.code, 'ERR_RECORD_PARSE')
    await reader.close!()
  })
})

test('when reject returns, the malformed line is skipped and reading goes on', async (t) => {
  await withTempDir(async (dir) => {
    const { reader, rejected } = await openFile(dir, '1\nnot json\n2\n', 64, 'skip')
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
    const { reader } = await openFile(dir, '\uFEFF{"x":"€"}\n' + JSON.stringify(long) + '\n', 5)
    t.deepEqual(await readAll(reader, 1), [{ x: '€' }, long])
    await reader.close!()
  })
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

test('the source is bounded and describes its path', (t) => {
  const source = jsonl('data/in.jsonl')
  t.true(source.bounded)
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
