import test from 'ava'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fifo } from '../fixtures/fifo.ts'
import { cliInProcess, startCli } from './run-cli.ts'

for (const workers of [0, 2]) {
  test(`a SIGINT while the module loads is kept: the job stops gracefully as soon as it has started, on ${workers} workers (found from outside: the process ended at once, 130, silently)`, async (t) => {
    t.timeout(60_000)
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-early-sigint-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const out = join(dir, 'out.jsonl')
    const { child, result } = await startCli(['run', 'test/fixtures/misc/slow-to-load.ts', '--workers', String(workers), '--store', join(dir, 'store'),
      '--params', JSON.stringify({ out })], 'loading')
    t.teardown(() => { child.kill('SIGKILL') })
    child.kill('SIGINT')
    const r = await result
    t.is(r.code, 0, r.stderr)
    t.true(r.stderr.includes('SIGINT: stopping the job gracefully (Ctrl-C again to exit at once); the job stops as soon as it has started'), r.stderr)
    t.regex(r.stderr, /pipeline 'misc-slow-to-load' stopped in/, r.stderr)
    // The stop's final checkpoint committed what the sink wrote: the file holds whole lines, ids from 0 on.
    const ids = (await readFile(out, 'utf8')).split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { id: number }).id)
    t.deepEqual(ids, ids.map((_, i) => i))
  })
}

test('a second SIGINT exits at once even while a libuv thread is blocked (process.exit would hang)', async (t) => {
  t.timeout(60_000)
  const path = await fifo(t, 'in.fifo')
  const { child, result } = await startCli(['run', 'test/fixtures/misc/blocked-thread.ts', '--params', JSON.stringify({ fifo: path })], 'ready')
  t.teardown(() => { child.kill('SIGKILL') })
  child.kill('SIGINT')
  await new Promise((r) => setTimeout(r, 300))
  child.kill('SIGINT')
  // A test-side watchdog: the process must be gone well before this.
  const watchdog = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000).unref())
  const r = await Promise.race([result, watchdog])
  t.not(r, 'still running', 'the process stayed after "exiting now"')
  if (r === 'still running') return
  t.true(r.code === 130 || r.signal === 'SIGINT', `code ${r.code}, signal ${r.signal}`)
  t.true(r.stderr.includes('SIGINT again: exiting now'), r.stderr)
})

for (const source of ['jsonl', 'csv'] as const) {
  test(`a ${source} source on a FIFO is refused at once, naming it, instead of hanging`, async (t) => {
    t.timeout(30_000)
    const path = await fifo(t, 'in.fifo')
    const r = await cliInProcess(['run', 'test/fixtures/misc/file-source.ts', '--params', JSON.stringify({ source, path })])
    t.is(r.code, 1, r.stderr)
    t.true(r.stderr.includes(`${source}: '${path}' is a named pipe (FIFO), not a regular file: file sources read byte ranges`), r.stderr)
  })
}
