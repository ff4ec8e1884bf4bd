// A file source's position recognises the file it was read from: a restore refuses a file cut
// or replaced since the checkpoint (SourceInputChangedError) and reads one that only grew.
import { appendFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import test from 'ava'
import { jsonl } from '../../../components/sources/jsonl.ts'
import { csv } from '../../../components/sources/csv.ts'
import type { LinePosition } from '../../../components/sources/line-position.ts'
import type { OxiflowError } from '../../../runtime/errors/oxiflow-error.ts'
import { SourceInputChangedError } from '../../../runtime/errors/source-input-changed-error.ts'
import { readAll, sourceContext, withTempDir } from '../../fixtures/components/contexts.ts'
import { openSplit } from '../../fixtures/components/line-files.ts'

const VERSION = '2.1.0'
/** 40 JSON lines of 8 or 9 bytes ({"n":0}\n … {"n":39}\n): 350 bytes; line n ≥ 10 starts at byte 80 + 9·(n − 10). */
const ORIGINAL = Array.from({ length: 40 }, (_, n) => `{"n":${n}}\n`).join('')
const numbers = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ n: from + i }))

/** Reads split `index` of `count` of `path` (chunks of 32 bytes) for `reads` chunks and returns its snapshot. */
async function snapshotAfter(path: string, reads: number, index = 0, count = 1): Promise<LinePosition> {
  const { reader } = await openSplit(jsonl(path, { chunkSize: 32 }), index, count)
  for (let i = 0; i < reads; i++) await reader.read(1)
  const state = reader.holders!()[0].snapshot() as LinePosition
  await reader.close!()
  return state
}

/** Opens split `index` of `count` again and restores `state` into it (the rescale of `states` when given). */
async function restored(path: string, state: LinePosition | LinePosition[], index = 0, count = 1) {
  const { reader } = await openSplit(jsonl(path, { chunkSize: 32 }), index, count)
  const [holder] = reader.holders!()
  const restore = () => holder.restore(Array.isArray(state) ? holder.rescale!(state, state.length) : state, VERSION)
  return { reader, restore }
}

test('restore after the input was cut below the position is refused, naming the step, file, sizes and the fix', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, ORIGINAL)
    const state = await snapshotAfter(path, 5) // chunks 0–4 of 32 bytes: the lines before byte 161 (line 19)
    t.is(state.byte, 161)
    await truncate(path, 100)
    const { reader, restore } = await restored(path, state)
    const e = t.throws(restore, { instanceOf: SourceInputChangedError }) as SourceInputChangedError
    t.is(e.code, 'ERR_SOURCE_INPUT_CHANGED')
    t.like(e, { step: 'src', path, position: 161, reason: 'shorter' })
    t.is(e.message, `step 'src' (jsonl source): '${path}' changed since the checkpoint: it has 100 bytes, shorter than the restored position 161 ` +
      '(the bytes read before the checkpoint), so resuming there would skip or misread lines; restore with the file the checkpoint read ' +
      '(lines appended to its end are fine), or start the job without restore to read this file from the start')
    await reader.close!()
  })
})

test('restore after the input was replaced by other content of the same size is refused, saying the bytes before the position differ', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, ORIGINAL)
    const state = await snapshotAfter(path, 5)
    const other = ORIGINAL.replaceAll('"n"', '"m"')
    t.is(other.length, ORIGINAL.length)
    await writeFile(path, other)
    const { reader, restore } = await restored(path, state)
    const e = t.throws(restore, { instanceOf: SourceInputChangedError }) as SourceInputChangedError
    t.like(e, { step: 'src', path, position: 161, reason: 'different' })
    t.regex(e.message, new RegExp(`^step 'src' \\(jsonl source\\): '${path}' changed since the checkpoint: the 34 bytes before the restored position 161 ` +
      'differ from those read before it \\(CRC-32 0x[0-9a-f]{8}, was 0x[0-9a-f]{8}\\), so the file was replaced or rewritten'))
    await reader.close!()
  })
})

test('restore after lines were appended to the input reads the rest and the appended lines, each once', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, ORIGINAL)
    const state = await snapshotAfter(path, 5)
    await appendFile(path, Array.from({ length: 10 }, (_, i) => `{"n":${40 + i}}\n`).join(''))
    const { reader, restore } = await restored(path, state)
    restore()
    t.deepEqual(await readAll(reader), numbers(19, 50))
    await reader.close!()
  })
})

test('a snapshot without marks (state version 2.0.0) restores as before, unchecked', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, ORIGINAL)
    const { seen, ...old } = await snapshotAfter(path, 5)
    t.is(seen?.length, 1)
    await writeFile(path, ORIGINAL.replaceAll('"n"', '"m"'))
    const { reader } = await openSplit(jsonl(path, { chunkSize: 32 }), 0, 1)
    reader.holders!()[0].restore(old, '2.0.0')
    t.deepEqual(await readAll(reader), Array.from({ length: 21 }, (_, i) => ({ m: 19 + i })))
    await reader.close!()
  })
})

test('a restore on another number of splits checks the input against every old split\'s mark, not only the earliest', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, ORIGINAL)
    // Split 0 of 2 read chunks 0, 2, 4; split 1 read chunks 1, 3: both stand at the cut, chunk 5 and 6.
    const states = [await snapshotAfter(path, 3, 0, 2), await snapshotAfter(path, 2, 1, 2)]
    t.deepEqual(states.map((s) => s.chunk), [6, 5])
    t.deepEqual(states.map((s) => s.seen!.map((m) => m.byte)), [[161], [134]])
    const rescaled = (await restored(path, states, 0, 3)).reader
    const merged = rescaled.holders!()[0].rescale!(states, 2) as LinePosition
    t.deepEqual(merged.chunk, 5)
    t.deepEqual(merged.seen!.map((m) => m.byte), [134, 161])
    await rescaled.close!()
    // Bytes 150–159 lie before the later split's mark only.
    await writeFile(path, ORIGINAL.slice(0, 150) + '{"x":"!"}\n' + ORIGINAL.slice(160))
    for (let index = 0; index < 3; index++) {
      const { reader, restore } = await restored(path, states, index, 3)
      const e = t.throws(restore, { instanceOf: SourceInputChangedError }) as SourceInputChangedError
      t.like(e, { position: 161, reason: 'different' })
      t.true(e.message.startsWith(`step 'src' (jsonl source, split ${index} of 3): `))
      await reader.close!()
    }
    await writeFile(path, ORIGINAL + '{"n":40}\n')
    const read: unknown[] = []
    for (let index = 0; index < 3; index++) {
      const { reader, restore } = await restored(path, states, index, 3)
      restore()
      read.push(...await readAll(reader))
      await reader.close!()
    }
    t.deepEqual(read.sort((a, b) => (a as { n: number }).n - (b as { n: number }).n), numbers(19, 41))
  })
})

test('a csv source checks its input too', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.csv')
    await writeFile(path, 'k,v\na,1\nb,2\nc,3\n')
    const first = await csv(path, { chunkSize: 8 }).open(sourceContext().ctx)
    await first.read(1)
    const state = first.holders!()[0].snapshot()
    await first.close!()
    await writeFile(path, 'k,v\nA,1\nb,2\nc,3\n')
    const second = await csv(path, { chunkSize: 8 }).open(sourceContext().ctx)
    const e = t.throws(() => second.holders!()[0].restore(state, VERSION)) as OxiflowError
    t.is(e.name, 'SourceInputChangedError')
    t.true(e.message.startsWith(`step 'src' (csv source): '${path}' changed since the checkpoint: the 8 bytes before the restored position 8 differ`))
    await second.close!()
  })
})

test('marks of another shape are refused as state of another source', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    await writeFile(path, ORIGINAL)
    const { reader } = await openSplit(jsonl(path, { chunkSize: 32 }), 0, 1)
    for (const seen of [{}, [{ byte: 4, length: 8, crc: 0 }], [{ byte: 9, length: 9, crc: -1 }]]) {
      const e = t.throws(() => reader.holders!()[0].restore({ chunk: 1, seen }, VERSION)) as OxiflowError
      t.is(e.code, 'ERR_STATE_INVALID')
      t.regex(e.message, /expected seen, when present, to be a list of \{ byte, length, crc \} with 0 ≤ length ≤ min\(byte, 4096\)/)
    }
    await reader.close!()
  })
})

test('a position taken inside a long line (chunks answered without a read) restores in the same file: its mark is of the bytes there', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'in.jsonl')
    // Two short lines, a line of ~1,000 bytes (chunks 1–30 of 32 bytes lie inside it), then short lines again.
    await writeFile(path, `{"n":0}\n{"n":1}\n{"s":"${'x'.repeat(1000)}"}\n` + Array.from({ length: 20 }, (_, n) => `{"n":${n + 2}}\n`).join(''))
    for (const reads of [1, 2, 3, 10, 25, 31, 32, 40]) {
      const state = await snapshotAfter(path, reads)
      const { reader, restore } = await restored(path, state)
      t.notThrows(restore, `after ${reads} chunks`)
      await reader.close!()
    }
  })
})
