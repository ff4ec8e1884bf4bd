import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import test from 'ava'
import fc from 'fast-check'
import { InvalidOptionError } from '../../../runtime/errors/invalid-option-error.ts'
import type { OxiflowError } from '../../../runtime/errors/oxiflow-error.ts'
import { jsonl } from '../../../components/sinks/jsonl.ts'
import { jsonl as jsonlSource } from '../../../components/sources/jsonl.ts'
import { readAll, sinkContext, sourceContext, withTempDir } from '../../fixtures/components/contexts.ts'

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').slice(0, -1).map((l) => JSON.parse(l) as unknown)

test('the file holds one JSON line per record, in batch order', async (t) => {
  await withTempDir(async (dir) => {
    await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.jsonValue({ stringUnit: 'binary' }), { maxLength: 10 }), { maxLength: 8 }), async (batches) => {
      const path = join(dir, 'out.jsonl')
      const writer = await jsonl(path).open(sinkContext())
      for (const batch of batches) await writer.write(batch)
      await writer.end!()
      t.deepEqual(await lines(path), batches.flat().map((v) => JSON.parse(JSON.stringify(v))))
    }), { numRuns: 100 })
  })
})

test('what the sink writes, the jsonl source reads back', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'round-trip.jsonl')
    const records = Array.from({ length: 1000 }, (_, i) => ({ i, s: 'é🙂'.repeat(i % 7) }))
    const writer = await jsonl(path).open(sinkContext())
    await writer.write(records.slice(0, 400))
    await writer.write(records.slice(400))
    await writer.end!()
    const reader = await jsonlSource(path, { chunkSize: 100 }).open(sourceContext().ctx)
    t.deepEqual(await readAll(reader, 64), records)
    await reader.close!()
  })
})

test('opening truncates an existing file', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'out.jsonl')
    await writeFile(path, '{"old":1}\n'.repeat(100))
    const writer = await jsonl(path).open(sinkContext())
    await writer.write([{ new: 1 }])
    await writer.end!()
    t.is(await readFile(path, 'utf8'), '{"new":1}\n')
  })
})

test('writes that are not awaited still land in call order', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'out.jsonl')
    const writer = await jsonl<number>(path).open(sinkContext())
    // Each write either finished on this thread (nothing to wait for) or went to the pool (a promise): file-writer.test.ts has both.
    const pending = [writer.write([1, 2]), writer.write([]), writer.write([3]), writer.write([4, 5])]
    t.true(pending.every((p) => p === undefined || p instanceof Promise))
    await writer.end!()
    t.deepEqual(await lines(path), [1, 2, 3, 4, 5])
  })
})

test('a record JSON cannot represent is written as null', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'out.jsonl')
    const writer = await jsonl(path).open(sinkContext())
    await writer.write([undefined, () => 1, { a: undefined }])
    await writer.end!()
    t.is(await readFile(path, 'utf8'), 'null\nnull\n{}\n')
  })
})

test('close after end, and close twice, do nothing more', async (t) => {
  await withTempDir(async (dir) => {
    const writer = await jsonl(join(dir, 'out.jsonl')).open(sinkContext())
    await writer.write([1])
    await writer.end!()
    await writer.close!()
    await writer.close!()
    t.pass()
  })
})

test('a missing directory fails at open with ERR_FILE_OPEN naming the path', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'no', 'such', 'out.jsonl')
    const e = await t.throwsAsync(async () => jsonl(path).open(sinkContext())) as OxiflowError
    t.is(e.code, 'ERR_FILE_OPEN')
    t.true(e.message.startsWith(`jsonl sink: cannot open '${path}' for writing: ENOENT`))
    t.regex(e.message, /check that its directory exists and is writable$/)
    t.is((e.cause as NodeJS.ErrnoException).code, 'ENOENT')
  })
})

test('an empty path is refused up front', (t) => {
  const e = t.throws(() => jsonl(''), { instanceOf: InvalidOptionError })
  t.is(e!.message, 'jsonl sink: path must be a non-empty string (got "")')
  t.is(jsonl('out/x.jsonl').description, 'jsonl(out/x.jsonl)')
})
