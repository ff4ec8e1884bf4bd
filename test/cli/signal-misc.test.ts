import test from 'ava'
import { fifo } from '../fixtures/fifo.ts'
import { cliInProcess, startCli } from './run-cli.ts'

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
