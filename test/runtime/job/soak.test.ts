import test from 'ava'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

interface SoakReport {
  readonly status: string
  readonly read: number
  readonly windows: number
  readonly stopMs: number
  readonly checkpoints: number
  readonly samples: readonly { readonly t: number; readonly heapMB: number; readonly rssMB: number }[]
}

const SECONDS = 22
const RATE = 10_000
/** Samples before this (s) are warm-up: JIT code, the store's and sink's buffers, the first windows. */
const WARM_UP_S = 3.5
/**
 * Heap growth allowed from the first sample after warm-up to the end (MB). Measured on this
 * 2-core VM under a load average of ~17 at 10,000 records/s: 0.5 MB inline and 0.8 MB on
 * 2 workers over ~18 s (code and V8 bookkeeping settling), against 23 MB and 20 MB with
 * 5a5b78f's source actor, which kept every read's batch (~100 bytes a record) until the job
 * ended. 4 MB leaves room for noise and still fails a leak of 40 bytes a record.
 */
const BOUND_MB = 4
/** With fewer records read in the window than this, even the old leak would have fit under the bound. */
const MIN_READ = 100_000

/** Runs the soak job in a child process (heap after forced GC needs --expose-gc) and parses its report. */
async function soak(workers: number): Promise<SoakReport> {
  const { stdout } = await run(process.execPath,
    ['--expose-gc', '--import', 'tsx', 'test/fixtures/soak/soak-child.ts', String(workers), String(SECONDS), String(RATE), '1000'],
    { timeout: 110_000, maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop()!) as SoakReport
}

// The two run at once (ava runs a file's tests concurrently): ~25 s of wall time, not 50.
for (const workers of [0, 2]) {
  test(`an unbounded paced job with keyed windows and checkpoints keeps its heap flat (${workers === 0 ? 'inline' : `${workers} workers`})`, async (t) => {
    t.timeout(120_000)
    const r = await soak(workers)
    t.is(r.status, 'stopped')
    t.true(r.checkpoints >= 10, `${r.checkpoints} checkpoints`)
    t.true(r.windows > 0, 'windows fired')
    t.true(r.read >= MIN_READ, `read ${r.read} records: too few to tell a leak (the machine was too slow?)`)
    const kept = r.samples.filter((s) => s.t >= WARM_UP_S)
    t.true(kept.length >= 10, `${kept.length} samples after warm-up`)
    const first = kept[0]!.heapMB
    const end = Math.max(...kept.slice(-3).map((s) => s.heapMB))
    const trace = kept.map((s) => `${s.t.toFixed(0)}s ${s.heapMB.toFixed(1)}`).join(', ')
    t.true(end - first < BOUND_MB, `heap after GC grew ${(end - first).toFixed(1)} MB (${first.toFixed(1)} → ${end.toFixed(1)} MB): ${trace}`)
  })
}
