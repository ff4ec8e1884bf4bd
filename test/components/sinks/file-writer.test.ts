// The jsonl sink's writer without checkpoints writes on the calling thread while writes are fast
// and through libuv's pool once SLOW_IO_COUNT in a row were slow: in both modes, and when the switch comes in
// the middle of a batch, the file holds every batch's lines once, in call order, against the
// records joined in a plain loop as the oracle — also when no write is awaited.
import test from 'ava'
import fc from 'fast-check'
import { writeSync } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SLOW_IO_COUNT, SLOW_IO_MS } from '../../../components/files/io-placement.ts'
import { fileWriter, type FileWrites } from '../../../components/sinks/file-writer.ts'
import { withTempDir } from '../../fixtures/components/contexts.ts'

/**
 * Node's writes, counted; the SLOW_IO_COUNT writes on this thread from number `slowAt` (1-based;
 * none for 0) take longer than SLOW_IO_MS — the last of them moves the file to the pool — and
 * that last one writes at most `cut` bytes when given.
 */
function countedWrites(slowAt = 0, cut?: number): FileWrites & { here: number; pool: number } {
  const last = slowAt + SLOW_IO_COUNT - 1
  const writes = {
    here: 0,
    pool: 0,
    writeHere(fd: number, bytes: Buffer, offset: number, length: number, position: number | null): number {
      const n = ++writes.here
      if (slowAt > 0 && n >= slowAt && n <= last) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SLOW_IO_MS + length / 1e6 + 3)
        if (cut !== undefined && n === last) length = Math.min(length, cut)
      }
      return writeSync(fd, bytes, offset, length, position)
    },
    async writeInPool(fh: Parameters<FileWrites['writeInPool']>[0], bytes: Buffer, offset: number, length: number, position: number | null): Promise<number> {
      writes.pool++
      return (await fh.write(bytes, offset, length, position)).bytesWritten
    },
  }
  return writes
}

const text = (batches: readonly (readonly unknown[])[]): string => batches.flat().map((r) => JSON.stringify(r) + '\n').join('')

test('fast writes run on this thread: nothing to wait for, the lines are in the file at once', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'out.jsonl')
    const writes = countedWrites()
    const writer = fileWriter<number>(await open(path, 'w'), true, writes)
    t.is(writer.write([1, 2]), undefined)
    t.is(writer.write([]), undefined)
    t.is(writer.write([3]), undefined)
    t.is(await readFile(path, 'utf8'), '1\n2\n3\n')
    await writer.end!()
    t.is(writes.pool, 0)
  })
})

test('the slow write that moves the file to the pool, cut short, sends the rest of its batch and every later one there: all lines once, in order', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'out.jsonl')
    const writes = countedWrites(2, 3)
    const writer = fileWriter<string>(await open(path, 'w'), true, writes)
    t.is(writer.write(['a']), undefined)
    for (let i = 1; i < SLOW_IO_COUNT; i++) t.is(writer.write([`s${i}`]), undefined, `slow write ${i} of ${SLOW_IO_COUNT} stays on this thread`)
    const rest = writer.write(['bbbb', 'cc']) // the last slow write on this thread, and it writes 3 of its 13 bytes
    t.true(rest instanceof Promise, 'the rest of the batch went to the pool')
    const later = writer.write(['d'])
    t.true(later instanceof Promise)
    await writer.end!()
    const slow = Array.from({ length: SLOW_IO_COUNT - 1 }, (_, i) => `"s${i + 1}"\n`).join('')
    t.is(await readFile(path, 'utf8'), `"a"\n${slow}"bbbb"\n"cc"\n"d"\n`)
    t.is(writes.here, SLOW_IO_COUNT + 1, 'no write ran on this thread after the last slow one')
    t.true(writes.pool >= 2)
  })
})

test('a file that is not a regular one (a pipe, a device) is written through the pool from the start', async (t) => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'out.jsonl')
    const writes = countedWrites()
    const writer = fileWriter<number>(await open(path, 'w'), false, writes)
    t.true(writer.write([1]) instanceof Promise)
    await writer.end!()
    t.is(await readFile(path, 'utf8'), '1\n')
    t.is(writes.here, 0)
    t.is(writes.pool, 1)
  })
})

test('any batches, any slow write, nothing awaited until the end: the file is the records\' lines in call order', async (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  await withTempDir(async (dir) => {
    let n = 0
    await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxLength: 6 }), { maxLength: 8 }),
      fc.nat(8), fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }), async (batches, slowAt, cut) => {
        const path = join(dir, `out-${n++}.jsonl`)
        const writer = fileWriter<unknown>(await open(path, 'w'), true, countedWrites(slowAt, cut))
        for (const b of batches) void writer.write(b)
        await writer.end!()
        return await readFile(path, 'utf8') === text(batches)
      }), { numRuns: 150, seed })
  })
  t.pass()
})
