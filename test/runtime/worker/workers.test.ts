import test from 'ava'
import { execFile } from 'node:child_process'
import fc from 'fast-check'
import { promisify } from 'node:util'
import { StepError, WorkerCrashError, type Pipeline } from '../../../index.ts'
import { opArb, oracle, type Op } from '../../fixtures/runtime/random-ops.ts'
import randomPipeline from '../../fixtures/workers/random-pipeline.ts'

const exec = promisify(execFile)
const fixture = (name: string): string => new URL(`../../fixtures/workers/${name}`, import.meta.url).href

/**
 * Ops whose result does not depend on how parallel keyed instances interleave: at most one
 * keyed step, and no batch after it. A keyed count's output (x * 1000 + n) encodes each key's
 * arrival order, so comparing outputs as multisets still checks per-key order.
 */
const workerOpsArb = fc.array(opArb, { maxLength: 5 }).filter((ops) => {
  const k = ops.findIndex((o) => o.kind === 'keyedCount')
  return k < 0 || ops.slice(k + 1).every((o) => o.kind !== 'keyedCount' && o.kind !== 'batch')
})

for (const workers of [1, 2, 3]) {
  test.serial(`on ${workers} worker(s) a random pipeline gives the oracle's output, per key in order`, async (t) => {
    t.timeout(120_000)
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 400 }), workerOpsArb, async (input, ops: Op[]) => {
      const params = { input, ops }
      const summary = await randomPipeline(params).run({ workers, module: fixture('random-pipeline.ts'), params, batchSize: 16 }).done
      const out = summary.results.out as number[]
      const expected = oracle(input, ops)
      if (ops.some((o) => o.kind === 'keyedCount')) t.deepEqual([...out].sort((a, b) => a - b), [...expected].sort((a, b) => a - b))
      else t.deepEqual(out, expected) // no keyed step: sequence numbers keep the exact input order
    }), { numRuns: 6 })
  })
}

test.serial('a module whose functions close over module-level values gives the same output on 0 and 2 workers', async (t) => {
  t.timeout(60_000)
  const { default: p } = await import(fixture('closures.ts')) as { default: Pipeline<never> }
  const byKey = (r: unknown) => [...(r as { key: string; value: number }[])].sort((a, b) => a.key.localeCompare(b.key) || a.value - b.value)
  const inline = await p.run().done
  const onWorkers = await p.run({ workers: 2, module: fixture('closures.ts') }).done
  t.deepEqual(byKey(onWorkers.results.out), byKey(inline.results.out))
  t.is(onWorkers.steps.price.recordsIn, 5000)
  t.is(onWorkers.steps.price.parallelism, 2)
})

test.serial('a pipeline module in a package of type commonjs runs on a worker through the oxiflow command', async (t) => {
  t.timeout(60_000)
  // Through the command, as a user runs it: under ava the test process itself has tsx's hooks,
  // which its workers inherit and which would hide a loader that fails in a plain process.
  const { stdout } = await exec(process.execPath, ['bin/oxiflow.mjs', 'run', 'test/fixtures/workers/commonjs-project/job.ts', '--workers', '1', '--json'], { timeout: 50_000 })
  const s = JSON.parse(stdout) as { status: string; steps: Record<string, { recordsIn: number }>; results: { out: { count: number } } }
  t.is(s.status, 'completed', stdout)
  t.is(s.steps.sum.recordsIn, 1000)
  t.is(s.results.out.count, 1000)
})

test.serial('a throw inside a worker reaches the caller as a StepError naming the step and the record', async (t) => {
  t.timeout(60_000)
  const { default: p } = await import(fixture('throws.ts')) as { default: Pipeline<never> }
  const e = await t.throwsAsync(p.run({ workers: 2, module: fixture('throws.ts') }).done, { instanceOf: StepError })
  t.is(e!.step, 'check')
  t.regex(e!.offset, /^input record \d+\.\.\d+$/)
  t.regex(e!.message, /id 1234 is cursed/)
  t.is((e!.cause as Error).message, 'id 1234 is cursed')
})

test.serial('a worker thread that dies fails the job with a WorkerCrashError', async (t) => {
  t.timeout(60_000)
  const { default: p } = await import(fixture('exits.ts')) as { default: Pipeline<never> }
  const e = await t.throwsAsync(p.run({ workers: 2, module: fixture('exits.ts') }).done, { instanceOf: WorkerCrashError })
  t.regex(e!.message, /worker \d died: its thread exited with code 7/)
})

for (const [file, status] of [['closures.ts', 'completed'], ['throws.ts', 'failed']] as const) {
  test.serial(`no worker outlives its job: a process running ${file} on 2 workers exits by itself (${status})`, async (t) => {
    t.timeout(60_000)
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'test/fixtures/workers/job-in-child.ts', `test/fixtures/workers/${file}`, '2'], { timeout: 50_000 })
    t.is(JSON.parse(stdout.trim()).status, status)
  })
}

test.serial('memory stays bounded across threads with a slow sink (child process RSS)', async (t) => {
  t.timeout(60_000)
  const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'test/fixtures/workers/slow-sink.ts', '5'], { timeout: 50_000 })
  const r = JSON.parse(stdout.trim().split('\n').pop()!) as { peakRssMb: number; written: number; read: number; status: string }
  t.is(r.status, 'stopped')
  t.true(r.written > 10_000, `wrote ${r.written}`)
  t.is(r.read, r.written)
  // Three threads each load Node, tsx and the runtime (~110–140 MB apiece measured here); without
  // credits the source would buffer millions of 250-byte records (GBs) in 5 s.
  t.true(r.peakRssMb < 600, `peak RSS ${r.peakRssMb.toFixed(0)} MB`)
})

test.serial('parallel stateless steps racing each other still deliver input order, to a sink and per key', async (t) => {
  t.timeout(60_000)
  const { default: racing } = await import(fixture('racing.ts')) as { default: (p: { keyed: boolean }) => Pipeline<never> }
  const input = Array.from({ length: 3000 }, (_, i) => i)
  const plain = await racing({ keyed: false }).run({ workers: 3, module: fixture('racing.ts'), params: { keyed: false }, batchSize: 8 }).done
  t.is(plain.steps.uneven.parallelism, 3)
  t.deepEqual(plain.results.out, input)
  const keyed = await racing({ keyed: true }).run({ workers: 3, module: fixture('racing.ts'), params: { keyed: true }, batchSize: 8 }).done
  const last = new Map<number, number[]>()
  for (const r of keyed.results.out as { key: number; value: number[] }[]) last.set(r.key, r.value)
  for (let k = 0; k < 5; k++) t.deepEqual(last.get(k), input.filter((x) => x % 5 === k))
})

test.serial('a JSONL file read in parallel splits reaches each key in file order, inline and on 1–3 workers', async (t) => {
  t.timeout(120_000)
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises')
  const { join } = await import('node:path')
  const { tmpdir } = await import('node:os')
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-splits-'))
  const origins = ['AMS', 'BER', 'CDG', 'DUB', 'EDI', 'FRA', 'GVA']
  const lines = Array.from({ length: 4000 }, (_, id) => JSON.stringify({ id, origin: origins[(id * 7 + (id >> 3)) % origins.length], pad: 'x'.repeat(id % 40) }))
  const path = join(dir, 'flights.jsonl')
  await writeFile(path, lines.join('\n') + '\n')
  const expected = new Map<string, number[]>()
  lines.forEach((l, id) => { const o = (JSON.parse(l) as { origin: string }).origin; expected.set(o, [...(expected.get(o) ?? []), id]) })
  const { default: build } = await import(fixture('jsonl-keyed.ts')) as { default: (p: { path: string; chunkSize: number; parallelism?: number }) => Pipeline<never> }
  try {
    for (const [workers, parallelism] of [[0, 3], [1, undefined], [2, undefined], [3, 2]] as const) {
      const params = { path, chunkSize: 1024, ...(parallelism === undefined ? {} : { parallelism }) }
      const s = await build(params).run({ workers, module: fixture('jsonl-keyed.ts'), params }).done
      t.is(s.steps.flights.parallelism, parallelism ?? Math.max(1, workers), `workers ${workers}`)
      const last = new Map<string, number[]>()
      for (const r of s.results.out as { key: string; value: number[] }[]) last.set(r.key, r.value)
      for (const o of origins) t.deepEqual(last.get(o), expected.get(o), `workers ${workers}, key ${o}`)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test.serial("a worker's young generation is capped at 8 MB, unless the process sets --max-semi-space-size", async (t) => {
  t.timeout(60_000)
  // Uncapped, V8 grew each worker's nursery to 48 MB: 2 workers held ~90 MB more than inline (bench/README.md).
  const { default: young } = await import(fixture('young-generation.ts')) as { default: Pipeline<never> }
  t.deepEqual((await young.run({ workers: 1, module: fixture('young-generation.ts') }).done).results.out, [{ youngMb: 8 }])
  const { stdout } = await exec(process.execPath, ['--max-semi-space-size=4', '--import', 'tsx', 'test/fixtures/workers/young-generation.ts', '1'], { timeout: 50_000 })
  const [record] = JSON.parse(stdout.trim().split('\n').pop()!) as Array<{ youngMb: number }>
  t.not(record!.youngMb, 8, 'the flag leaves V8 to size it')
})

test.serial('a process started with --input-type=module -e runs a job on workers (the flag is not passed on to them)', async (t) => {
  t.timeout(60_000)
  // Inherited, a worker (started from a file) refused it: every job on workers failed with WorkerCrashError.
  const code = "const { default: p } = await import('./test/fixtures/workers/young-generation.ts'); " +
    "const s = await p.run({ workers: 1, module: new URL('./test/fixtures/workers/young-generation.ts', 'file://' + process.cwd() + '/').href }).done; " +
    'console.log(JSON.stringify(s.results.out))'
  const { stdout } = await exec(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 50_000 })
  t.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), [{ youngMb: 8 }])
  // With a V8 flag beside it, which a worker refuses when flags are given explicitly: left out too.
  const both = await exec(process.execPath, ['--max-semi-space-size=4', '--import', 'tsx', '--input-type', 'module', '-e', code], { timeout: 50_000 })
  t.is(JSON.parse(both.stdout.trim().split('\n').pop()!).length, 1)
})
