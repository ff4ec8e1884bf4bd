// `oxiflow run` loads a module and runs its job with no AsyncLocalStorage or async hook in any
// of its threads: one that ran once makes Node run hooks on every promise of its thread for the
// rest of the job (an inline run of 1M JSON lines promoted 3 × the bytes to the old generation
// and used 7 % more CPU: bench/README.md, issue 17). Checked through a preload that reports
// them on stderr in the main thread and in the worker hosts.
import test from 'ava'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCli } from '../../cli/run-cli.ts'

const probe = fileURLToPath(new URL('../../fixtures/modules/async-hook-probe.cjs', import.meta.url))
const fixture = (name: string): string => `test/fixtures/modules/${name}`

async function run(module: string, workers: number): Promise<{ code: number | null; stderr: string; lines: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'oxiflow-no-async-hooks-'))
  try {
    const out = join(dir, 'out.jsonl')
    const r = await runCli(['run', fixture(module), '--workers', String(workers), '--params', JSON.stringify({ count: 1000 })],
      { NODE_OPTIONS: `--require=${probe}`, MODULE_OUT: out })
    return { code: r.code, stderr: r.stderr, lines: r.code === 0 ? readFileSync(out, 'utf8').split('\n').filter(Boolean).length : 0 }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

for (const workers of [0, 2]) {
  test(`oxiflow run on ${workers} workers: no AsyncLocalStorage runs and no async hook is enabled in any thread`, async (t) => {
    t.timeout(60_000)
    const r = await run('of-params.mjs', workers)
    t.is(r.code, 0, r.stderr)
    t.is(r.lines, 1000)
    t.notRegex(r.stderr, /ASYNC_HOOK/)
  })
}

test('the probe reports an AsyncLocalStorage the module itself runs, in the main thread and in each worker host', async (t) => {
  t.timeout(60_000)
  const r = await run('runs-a-storage.mjs', 2)
  t.is(r.code, 0, r.stderr)
  t.is(r.lines, 1000)
  t.deepEqual(r.stderr.match(/ASYNC_HOOK AsyncLocalStorage\.run in \S+( \d+)?/g)?.map((l) => l.replace(/ \d+$/, '')).sort(),
    ['ASYNC_HOOK AsyncLocalStorage.run in main', 'ASYNC_HOOK AsyncLocalStorage.run in worker', 'ASYNC_HOOK AsyncLocalStorage.run in worker'])
})
