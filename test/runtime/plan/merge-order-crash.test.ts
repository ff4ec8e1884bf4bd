// A union merges each input edge by that edge's own sequence numbers; after a restore each edge
// starts at its own source's cut. A real CLI process SIGKILLed right after checkpoint 3's
// manifest and restored with another worker count must still write every key of both branches
// in the order of an uninterrupted inline run (a wrong first number stalls the merge or fails it
// with "a sender broke the sequence").
import test from 'ava'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Pipeline } from '../../../index.ts'
import { root } from '../../cli/run-cli.ts'
import type { Line } from '../../fixtures/merge-order/pipelines.ts'

const fixture = 'test/fixtures/merge-order/pipelines.ts'
type Params = { shape: 'union'; out: string; input: string; rate?: number }

/** Runs the union fixture through the CLI with checkpoints every 40 ms; resolves with the exit code or signal. */
function runCli(store: string, workers: number, params: Params, env: Record<string, string>): Promise<number | string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/oxiflow.mjs', 'run', fixture, '--store', store, '--workers', String(workers),
      '--checkpoint-interval', '40', '--restore', 'latest', '--params', JSON.stringify(params)],
    { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => { stderr += d })
    // A stalled merge must fail the test, not hang it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve(code === 0 ? 0 : code !== null ? `exit ${code}: ${stderr}` : signal!)
    })
  })
}

/** Each key's `n`s in file order. */
async function perKey(path: string): Promise<Record<string, number[]>> {
  const byKey: Record<string, number[]> = {}
  for (const l of (await readFile(path, 'utf8')).split('\n')) {
    if (l === '') continue
    const { k, n } = JSON.parse(l) as Line
    ;(byKey[k] ??= []).push(n)
  }
  return byKey
}

for (const [first, then] of [[2, 3], [3, 1]] as const) {
  test.serial(`a union of a generator and a split file, SIGKILLed after checkpoint 3 on ${first} workers and restored on ${then}: every key in order`, async (t) => {
    t.timeout(120_000)
    const dir = await mkdtemp(join(tmpdir(), 'merge-order-crash-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const input = join(dir, 'in.jsonl')
    await writeFile(input, Array.from({ length: 3000 }, (_, n) => JSON.stringify({ k: `f-${n % 5}`, n })).join('\n') + '\n')
    const { default: build } = await import(fileURLToPath(new URL(`../../../${fixture}`, import.meta.url))) as { default: (p: Params) => Pipeline<never> }
    const oracle = { shape: 'union' as const, out: join(dir, 'oracle.jsonl'), input }
    await build(oracle).run().done
    // 3,000 generated records at 1,500/s: 2 s of input, so checkpoint 3 comes before the end on a
    // loaded CI (at 4,000/s, 0.75 s, both runs of 4d335bc's CI ended before it, exit 0).
    const params = { shape: 'union' as const, out: join(dir, 'out.jsonl'), input, rate: 1500 }
    const store = join(dir, 'store')
    t.is(await runCli(store, first, params, { OXIFLOW_FAULT: 'after-manifest:3' }), 'SIGKILL', 'the fault point must kill the first run')
    t.is(await runCli(store, then, params, {}), 0, 'the restored run must complete')
    t.deepEqual(await perKey(params.out), await perKey(oracle.out))
  })
}
