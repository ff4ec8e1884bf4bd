// FileWindow reads on the calling thread while reads are fast, and through libuv's pool (with
// read ahead) once SLOW_IO_COUNT of the last SLOW_IO_WINDOW were slow: in both modes a window holds exactly the file's bytes,
// against the file read whole as the oracle, for any sequence of loads, extends and reads ahead.
import test from 'ava'
import fc from 'fast-check'
import { randomBytes } from 'node:crypto'
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises'
import { readSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SLOW_IO_COUNT, SLOW_IO_MS, SLOW_IO_WINDOW } from '../../../components/files/io-placement.ts'
import { FileWindow, type WindowReads } from '../../../components/sources/file-window.ts'

/** The numbers of `count` I/Os in a row from `from` (none for 0): slowRun(2) makes reads 2 … SLOW_IO_COUNT + 1 slow, the last of them moving a window to the pool. */
function slowRun(from: number, count = SLOW_IO_COUNT): number[] {
  return from > 0 ? Array.from({ length: count }, (_, i) => from + i) : []
}

/** Node's reads, counted; the reads on this thread numbered in `slow` (1-based) take longer than SLOW_IO_MS. */
function countedReads(slow: readonly number[] = []): WindowReads & { here: number; pool: number } {
  const reads = {
    here: 0,
    pool: 0,
    readHere(fd: number, into: Buffer, offset: number, length: number, position: number): number {
      if (slow.includes(++reads.here)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SLOW_IO_MS + length / 1e6 + 3)
      return readSync(fd, into, offset, length, position)
    },
    async readInPool(fh: Parameters<WindowReads['readInPool']>[0], into: Buffer, offset: number, length: number, position: number): Promise<number> {
      reads.pool++
      return (await fh.read(into, offset, length, position)).bytesRead
    },
  }
  return reads
}

async function withFile(bytes: Buffer, body: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-file-window-'))
  try {
    const path = join(dir, 'data')
    await writeFile(path, bytes)
    await body(path)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

test('reads run on this thread while fast: no pool read, no read ahead, the bytes of the file', async (t) => {
  const bytes = randomBytes(300_000)
  await withFile(bytes, async (path) => {
    const fh = await open(path)
    const reads = countedReads()
    const w = new FileWindow(fh, bytes.length, 4096, reads)
    for (let from = 0; from < bytes.length; from += 65_536) {
      await w.load(from, 65_536)
      t.deepEqual(w.buf.subarray(0, w.n), bytes.subarray(from, from + 65_536))
      w.readAhead(from + 65_536, 65_536)
    }
    t.true(w.readsHere)
    t.is(reads.pool, 0)
    t.true(reads.here >= 5)
    await w.close()
  })
})

test('slow reads (SLOW_IO_COUNT in a row) move the window to the pool for good, with read ahead, and the bytes stay right', async (t) => {
  const bytes = randomBytes(500_000)
  await withFile(bytes, async (path) => {
    const fh = await open(path)
    const reads = countedReads(slowRun(2))
    const w = new FileWindow(fh, bytes.length, 65_536, reads)
    await w.load(0, 65_536)
    t.true(w.readsHere, 'the first read was fast')
    let from = 65_536
    for (let i = 1; i <= SLOW_IO_COUNT; i++, from += 65_536) {
      await w.load(from, 65_536)
      t.is(w.readsHere, i < SLOW_IO_COUNT, `after ${i} slow read(s)`)
      t.deepEqual(w.buf.subarray(0, w.n), bytes.subarray(from, from + 65_536))
    }
    const here = reads.here
    w.readAhead(from, 65_536)
    t.is(reads.pool, 1, 'the read ahead went to the pool')
    await w.load(from, 65_536)
    t.is(reads.pool, 1, 'the load took the read ahead')
    t.deepEqual(w.buf.subarray(0, w.n), bytes.subarray(from, from + 65_536))
    t.is(await w.extend(10_000), 10_000)
    t.deepEqual(w.buf.subarray(0, w.n), bytes.subarray(from, from + 75_536))
    t.is(reads.here, here, 'no read ran on this thread after the last slow one')
    await w.close()
  })
})

test('slow reads further apart than SLOW_IO_WINDOW (a thread descheduled now and then) leave the reads on this thread', async (t) => {
  const bytes = randomBytes(64 * 1024)
  await withFile(bytes, async (path) => {
    const fh = await open(path)
    const slow = Array.from({ length: 2 * SLOW_IO_COUNT }, (_, i) => 2 + i * SLOW_IO_WINDOW)
    const reads = countedReads(slow)
    const w = new FileWindow(fh, bytes.length, 512, reads)
    // One read per load while reads stay here: as many loads as reads up to the last slow one.
    for (let i = 0; i <= slow.at(-1)!; i++) {
      const from = (i * 512) % bytes.length
      await w.load(from, 512)
      t.deepEqual(w.buf.subarray(0, w.n), bytes.subarray(from, from + 512))
    }
    t.true(w.readsHere)
    t.is(reads.pool, 0)
    t.is(reads.here, slow.at(-1)! + 1)
    await w.close()
  })
})

test('any sequence of loads, extends and reads ahead holds the file\'s bytes, on this thread and through the pool', async (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  const size = 50_000
  const bytes = randomBytes(size)
  const step = fc.oneof(
    fc.record({ op: fc.constant('load' as const), from: fc.nat(size + 100), want: fc.integer({ min: 1, max: 20_000 }) }),
    fc.record({ op: fc.constant('extend' as const), want: fc.integer({ min: 1, max: 20_000 }) }),
    fc.record({ op: fc.constant('ahead' as const), from: fc.nat(size + 100), want: fc.integer({ min: 1, max: 20_000 }) }),
  )
  await withFile(bytes, async (path) => {
    await fc.assert(fc.asyncProperty(fc.array(step, { maxLength: 12 }), fc.nat(6), async (steps, slowAt) => {
      const fh = await open(path)
      const w = new FileWindow(fh, size, 1024, countedReads(slowRun(slowAt)))
      try {
        for (const s of steps) {
          if (s.op === 'load') await w.load(s.from, s.want)
          else if (s.op === 'extend') await w.extend(s.want)
          else w.readAhead(s.from, s.want)
          if (s.op !== 'ahead' && !w.buf.subarray(0, w.n).equals(bytes.subarray(w.from, w.from + w.n))) return false
        }
        return true
      } finally {
        await w.close()
      }
    }), { numRuns: 200, seed })
  })
  t.pass()
})
