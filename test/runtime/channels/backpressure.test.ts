import test from 'ava'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { pipeline, sources, type Source } from '../../../index.ts'

const run = promisify(execFile)

test('a slow sink holds the source back: records in flight never exceed what the channels hold', async (t) => {
  const batchSize = 16
  const channelCapacity = 3
  let read = 0
  let written = 0
  let maxInFlight = 0
  const counting: Source<number> = {
    kind: 'source', description: 'counting', bounded: true,
    open: () => ({
      read(max) {
        if (read >= 5000) return undefined
        const n = Math.min(max, 5000 - read)
        read += n
        maxInFlight = Math.max(maxInFlight, read - written)
        return Array.from({ length: n }, (_, i) => read - n + i)
      },
      position: () => read,
    }),
  }
  const p = pipeline('bounded')
  p.source('in', counting)
    .keyBy((n) => n % 10)
    .process('pass', () => ({ onBatch(rs, ctx) { for (const r of rs) ctx.emit(r) } }))
    .sink('slow', { kind: 'sink', description: 'slow', open: () => ({ write: async (rs: readonly unknown[]) => { await new Promise((r) => setTimeout(r, 1)); written += rs.length } }) })
  const s = await p.run({ batchSize, channelCapacity }).done
  t.is(s.steps.slow.recordsIn, 5000)
  // One channel (source → pass) of `capacity` batches, one batch being written, one being read.
  t.true(maxInFlight <= (channelCapacity + 2) * batchSize, `max in flight ${maxInFlight}`)
  t.true(s.steps.in.busyMs >= 0)
  // Waiting for credit is the slow sink's time, not the source's: the summary's busy leaves it out,
  // as metrics' busyPercent does (found from outside: a no-op step looked busy for most of the run).
  t.true(s.steps.in.busyMs < s.durationMs / 4, `source busy ${s.steps.in.busyMs.toFixed(0)} ms of ${s.durationMs.toFixed(0)} ms`)
  t.true(s.steps.slow.busyMs > s.durationMs / 2, `sink busy ${s.steps.slow.busyMs.toFixed(0)} ms of ${s.durationMs.toFixed(0)} ms`)
})

test('memory stays bounded with an unbounded source and a slow sink (child process RSS)', async (t) => {
  t.timeout(60_000)
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/fixtures/runtime/slow-sink-child.ts', '3'], { timeout: 50_000 })
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as { peakRssMb: number; read: number; written: number; status: string }
  t.is(r.status, 'stopped')
  t.true(r.written > 10_000, `wrote ${r.written}`)
  // Generous: the process with tsx loaded sits near 100 MB; unbounded buffering would reach GBs.
  t.true(r.peakRssMb < 250, `peak RSS ${r.peakRssMb.toFixed(0)} MB`)
  // The source read at most what the channels hold beyond what was written (stop drains them).
  t.is(r.read, r.written)
})
