// `oxiflow run --restart N`: a job whose step throws once restarts in the same process and
// completes (exit 0); the summary names the restart and its cause; the output is exact.
import test from 'ava'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { perKey } from '../fixtures/crash/harness.ts'

test('--restart 2: a step that throws once is restarted, the job completes with exit 0 and the summary lists the restart', async (t) => {
  t.timeout(120_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-cli-restart-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'arm'), '') // armed from the first record: the first attempt fails at once
  const params = { out: dir, marker: join(dir, 'failed'), arm: join(dir, 'arm'), mode: 'throw', count: 500, rate: 1e9 }
  const r = spawnSync(process.execPath, ['bin/oxiflow.mjs', 'run', 'test/fixtures/runtime/supervised.ts', '--store', join(dir, 'store'),
    '--checkpoint-interval', '1000', '--restart', '2', '--restart-backoff', '10', '--params', JSON.stringify(params)], { encoding: 'utf8' })
  t.is(r.status, 0, r.stderr)
  t.regex(r.stderr, /pipeline 'supervised' completed/)
  t.regex(r.stderr, /restart 1 \(from the start\) after: step 'fragile' failed at input record 1: record 0 is fragile/)
  const counts = perKey(await readFile(join(dir, 'counts.jsonl'), 'utf8'))
  t.is(Object.values(counts).reduce((n, lines) => n + lines.length, 0), 500, 'every record once')
  for (const lines of Object.values(counts)) t.deepEqual(lines.map((l) => (JSON.parse(l) as { value: number }).value), lines.map((_, i) => i + 1))
})

test('--restart without a store or interval is refused before anything runs', (t) => {
  const r = spawnSync(process.execPath, ['bin/oxiflow.mjs', 'run', 'test/fixtures/runtime/supervised.ts', '--restart', '1',
    '--params', JSON.stringify({ out: '/nonexistent', marker: '/nonexistent/m', arm: '/nonexistent/a', mode: 'throw', count: 1, rate: 1 })], { encoding: 'utf8' })
  t.is(r.status, 2, r.stderr) // an option outside its rule: a usage error
  t.regex(r.stderr, /options\.restart needs checkpoints/)
})
