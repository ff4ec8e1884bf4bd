// What a line file's splits say they read in all (SourceReader.bytesTotal, for progress):
// against the file's bytes, from the start and after a restore at chunk C.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import test from 'ava'
import fc from 'fast-check'
import { jsonl } from '../../../components/sources/jsonl.ts'
import { nominalBytes } from '../../../components/sources/split-reader.ts'
import { withTempDir } from '../../fixtures/components/contexts.ts'
import { openSplit } from '../../fixtures/components/line-files.ts'

test('nominalBytes is the bytes of chunks from, from + step, … of the file, counted one by one', (t) => {
  fc.assert(fc.property(fc.nat(60), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 16 }), fc.nat(200), (from, step, chunkSize, size) => {
    let expected = 0
    for (let c = from; c * chunkSize < size; c += step) expected += Math.min(chunkSize, size - c * chunkSize)
    return nominalBytes(from, step, chunkSize, size) === expected
  }), { numRuns: 2000 })
  t.pass()
})

/** Lines of JSON (some longer than a chunk) and blank ones; the last maybe without its newline. */
const text = fc.tuple(fc.array(fc.oneof(fc.constant(''), fc.nat().map((n) => JSON.stringify({ n })), fc.string({ minLength: 20, maxLength: 60 }).map((s) => JSON.stringify(s))), { maxLength: 30 }),
  fc.boolean()).map(([lines, lastEnds]) => lines.join('\n') + (lastEnds && lines.length > 0 ? '\n' : ''))

let fileNo = 0

test('the splits\' totals add up to the bytes from the restored chunk on at open, and each equals its bytesRead once read to the end', async (t) => {
  await withTempDir(async (dir) => {
    await fc.assert(fc.asyncProperty(text, fc.integer({ min: 1, max: 48 }), fc.integer({ min: 1, max: 4 }), fc.option(fc.nat(40)), async (body, chunkSize, count, restoreAt) => {
      const path = join(dir, `in-${fileNo++}.jsonl`)
      await writeFile(path, body)
      const bytes = Buffer.from(body)
      const size = bytes.length
      const from = Math.min(size, (restoreAt ?? 0) * chunkSize)
      // Oracle: the reads cover the lines starting at or after `from`.
      let firstLine = from
      while (firstLine < size && firstLine > 0 && bytes[firstLine - 1] !== 0x0a) firstLine++
      const splits = await Promise.all(Array.from({ length: count }, (_, index) => openSplit(jsonl(path, { chunkSize }), index, count)))
      try {
        if (restoreAt !== null) for (const { reader } of splits) reader.holders!()[0].restore({ chunk: restoreAt }, '2.0.0')
        assert.equal(splits.reduce((n, { reader }) => n + reader.bytesTotal!(), 0), size - from, 'at open: the bytes from the restored chunk on')
        for (const { reader } of splits) while (await reader.read(1) !== undefined) assert.ok(reader.bytesRead!() <= reader.bytesTotal!())
        for (const { reader } of splits) assert.equal(reader.bytesTotal!(), reader.bytesRead!(), 'read to the end: its total is what it read')
        assert.equal(splits.reduce((n, { reader }) => n + reader.bytesRead!(), 0), size - firstLine, 'together: every line from there on')
      } finally {
        for (const { reader } of splits) await reader.close!()
      }
    }), { numRuns: 300 })
    t.pass()
  })
})
