import test from 'ava'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const logs = new URL('../fixtures/cli/ava-logs/', import.meta.url)

/** Saved outputs of ava 7's default reporter, the status npm test exited with, the line .ci/run must end with. */
const cases: Array<[log: string, status: number, expected: string]> = [
  ['one-passed', 0, '1 passed, 0 failed'],
  ['all-passed-known-failure', 0, '2 passed, 0 failed'],
  ['failed-skipped-todo-known', 1, '2 passed, 1 failed'],
  ['uncaught-exception', 1, '2 passed, 1 failed'],
  ['timeout-and-unhandled-rejection', 1, '2 passed, 2 failed'],
  ['pending-after-timeout', 1, '1 passed, 2 failed'],
  ['no-tests-found', 1, '1 passed, 1 failed'],
  ['before-hook-failed', 1, '0 passed, 3 failed'],
]

for (const [log, status, expected] of cases) {
  test(`.ci/run summarizes the ava log '${log}' as '${expected}'`, async (t) => {
    t.timeout(10_000)
    const out = await new Promise<string>((resolve, reject) => {
      execFile('bash', ['.ci/run', '--summarize', fileURLToPath(new URL(`${log}.txt`, logs)), String(status)], { cwd: root },
        (error, stdout) => { if (error) reject(error); else resolve(stdout) })
    })
    t.is(out, `${expected}\n`)
  })
}
