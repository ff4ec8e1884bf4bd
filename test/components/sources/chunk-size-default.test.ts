// A line source without options.chunkSize reads 64 KiB chunks on one split and 256 KiB chunks
// on several; a restore continues with the chunk size its checkpoint was taken with, whatever
// the number of splits now: together the splits read every line from the cut on exactly once,
// against the file's lines read in a plain loop as the oracle.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import test from 'ava'
import { csv } from '../../../components/sources/csv.ts'
import { jsonl } from '../../../components/sources/jsonl.ts'
import { DEFAULT_CHUNK_SIZE, PARALLEL_CHUNK_SIZE } from '../../../components/sources/line-source.ts'
import type { LinePosition } from '../../../components/sources/line-position.ts'
import { withTempDir } from '../../fixtures/components/contexts.ts'
import { oracleLines, openSplit, readSplits, type SplitsRead } from '../../fixtures/components/line-files.ts'

/** 30,000 JSON lines of 40–90 bytes (about 2 MB: 8 chunks of 256 KiB, 31 of 64 KiB). */
function fileText(): string {
  return Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat((i * 7919) % 50) })).join('\n') + '\n'
}

test('without options.chunkSize: 64 KiB chunks on one split, 256 KiB on several (jsonl and csv)', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, fileText())
    const csvPath = join(dir, 'in.csv')
    await writeFile(csvPath, 'a,b\n1,2\n')
    for (const [source, count, size] of [[jsonl(path), 1, DEFAULT_CHUNK_SIZE], [jsonl(path), 2, PARALLEL_CHUNK_SIZE], [jsonl(path), 3, PARALLEL_CHUNK_SIZE],
      [csv(csvPath), 1, DEFAULT_CHUNK_SIZE], [csv(csvPath), 2, PARALLEL_CHUNK_SIZE], [jsonl(path, { chunkSize: 1000 }), 2, 1000]] as const) {
      const { reader } = await openSplit(source, 0, count)
      t.is((reader.position() as LinePosition).chunkSize, size, `${source.description} on ${count} split(s)`)
      await reader.close!()
    }
    t.is(DEFAULT_CHUNK_SIZE, 65_536)
    t.is(PARALLEL_CHUNK_SIZE, 262_144)
  })
})

test('a checkpoint taken on P splits restores on any other number with the chunk size it was taken with: every line once', async (t) => {
  await withTempDir(async (dir) => {
    const text = fileText()
    const path = join(dir, 'in.jsonl')
    await writeFile(path, text)
    const all = oracleLines(text).map((l) => JSON.parse(l.text) as { i: number })
    for (const before of [1, 2, 3]) {
      for (const after of [1, 2, 3]) {
        for (const cut of [0, 1, 3, 7]) {
          const read: SplitsRead<{ i: number }> = { chunks: [], rejected: [] }
          const snapshots = await readSplits(jsonl<{ i: number }>(path), before, read, { until: cut }) as LinePosition[]
          const taken = snapshots[0].chunkSize!
          t.is(taken, before === 1 ? DEFAULT_CHUNK_SIZE : PARALLEL_CHUNK_SIZE)
          // What the runtime restores at a cut: { chunk, chunkSize } (every split's snapshot has both).
          await readSplits(jsonl<{ i: number }>(path), after, read, { restore: { chunk: cut, chunkSize: taken } as LinePosition })
          t.deepEqual(read.chunks.flat().map((r) => r.i), all.map((r) => r.i), `${before} → ${after} splits, cut at chunk ${cut} of ${taken} bytes`)
          t.deepEqual(read.rejected, [])
        }
      }
    }
  })
})

test('an explicit chunkSize still refuses a checkpoint taken with another, saying which to set', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, fileText())
    const { reader } = await openSplit(jsonl(path, { chunkSize: DEFAULT_CHUNK_SIZE }), 0, 2)
    const e = t.throws(() => reader.holders!()[0].restore({ chunk: 1, chunkSize: PARALLEL_CHUNK_SIZE }, '2.0.0'))
    t.regex(e!.message, /taken with chunkSize 262144 and this source reads chunks of 65536 bytes.*set options\.chunkSize to 262144/)
    await reader.close!()
  })
})
