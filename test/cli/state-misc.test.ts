import test from 'ava'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileStore } from '../../persistence/stores/file-store.ts'
import { cliInProcess } from './run-cli.ts'

test('state cleanup removes lock files whose holder is gone and says so', async (t) => {
  t.timeout(30_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-state-misc-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const store = join(dir, 'store')
  new FileStore(store) // eslint-disable-line no-new -- creates the store's directories
  const dead = spawn('true', { stdio: 'ignore' })
  await new Promise((resolve) => dead.once('exit', resolve))
  // A lock naming this very process with a token it never held (PID 1 of a restarted container),
  // the breaker and the lock temp file of a SIGKILLed process.
  await writeFile(join(store, '.lock'), `${hostname()} ${process.pid} - 0 0123456789abcdef`, { mode: 0o600 })
  await writeFile(join(store, '.lock.break'), `${hostname()} ${dead.pid} - 0 fedcba9876543210`, { mode: 0o600 })
  await writeFile(join(store, `.lock.${dead.pid}.0badc0de.tmp`), `${hostname()} ${dead.pid}`, { mode: 0o600 })
  const cleanup = await cliInProcess(['state', 'cleanup', '--store', store])
  t.is(cleanup.code, 0, cleanup.stderr)
  for (const name of ['.lock', '.lock.break', `.lock.${dead.pid}.0badc0de.tmp`]) {
    t.true(cleanup.stdout.includes(`removed stale lock file ${name} (its holder is gone)`), cleanup.stdout)
    t.false(existsSync(join(store, name)), name)
  }
  const again = await cliInProcess(['state', 'cleanup', '--store', store, '--json'])
  t.deepEqual(JSON.parse(again.stdout).lockFiles, [])
})
