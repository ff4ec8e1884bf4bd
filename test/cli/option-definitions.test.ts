import test from 'ava'
import { cliInProcess } from './run-cli.ts'

// Each command's options are defined once (cli/run-command-options.ts, cli/store-command-options.ts):
// its --help table, its parser and its unknown-option message must all show the same options.
// The expected lists are written out here, so a dropped or renamed option fails too.
const commands: Array<{ command: string; options: string[]; accepted: string }> = [
  {
    command: 'run',
    options: ['--workers N', '--params JSON', '--batch-size N', '--store PATH|URL', '--checkpoint-interval MS', '--restore latest|ID',
      '--allow-non-restored-state', '--codec C', '--full-every N', '--max-chain-ratio R', '--metrics-port P', '--metrics-host H', '--ui', '--restart N', '--restart-backoff MS',
      '--stall-timeout MS', '--stop-timeout MS', '--json', '--help'],
    // Options are parsed before the module is asked for: an accepted option leads to this error.
    accepted: 'oxiflow run needs a module',
  },
  { command: 'checkpoints', options: ['--store S', '--json', '--help'], accepted: "unknown checkpoints action 'nope'" },
  { command: 'state', options: ['--store S', '--json', '--active', '--stale', '--out FILE', '--help'], accepted: "unknown state action 'nope'" },
  { command: 'runner', options: ['--store S', '--json', '--pipeline P', '--timeout MS', '--help'], accepted: "unknown runner action 'nope'" },
]

/** The options column of the help's "Options:" table: `-h, --help` → `--help`. */
function helpOptions(help: string): string[] {
  const table = help.split('\nOptions:\n')[1]?.split('\n\n')[0] ?? ''
  return table.split('\n').filter((line) => /^ {2}-/.test(line)).map((line) => line.trim().split(/ {2,}/)[0]!.replace(/^-\w, /, ''))
}

for (const { command, options, accepted } of commands) {
  test(`oxiflow ${command}: --help, the parser and the unknown-option message show the same options`, async (t) => {
    t.timeout(60_000)
    const help = await cliInProcess([command, '--help'])
    t.is(help.code, 0, help.stderr)
    t.deepEqual(helpOptions(help.stdout), options)

    const unknown = await cliInProcess([command, '--frob'])
    t.is(unknown.code, 2)
    const listed = /the options are (.*)\n/.exec(unknown.stderr)?.[1]
    t.deepEqual(listed?.split(', ').map((o) => o.replace(/ \(\w+\)$/, '')), options, unknown.stderr)

    for (const option of options.filter((o) => o !== '--help')) {
      const [flag, value] = option.split(' ')
      const args = command === 'run' ? ['run', flag!] : [command, 'nope', flag!]
      const r = await cliInProcess(value === undefined ? args : [...args, 'x'])
      t.is(r.code, 2, `${option}: ${r.stderr}`)
      t.true(r.stderr.includes(accepted), `${option} should be accepted: ${r.stderr}`)
    }
  })
}

test('oxiflow run --help shows each default after its option', async (t) => {
  const help = (await cliInProcess(['run', '--help'])).stdout.replace(/\n {20,}/g, ' ')
  for (const [option, text] of [['--workers N', '(default 0: everything on the main thread)'], ['--codec C', '(default zstd)'],
    ['--restart-backoff MS', '(default 1000)'], ['--stall-timeout MS', '(default 60000)'], ['--metrics-host H', '(default 127.0.0.1)']]) {
    t.regex(help, new RegExp(`^  ${option!.replace(/[|]/g, '\\|')} .*${text!.replace(/[()]/g, '\\$&')}$`, 'm'))
  }
})

test("the README's CLI synopsis names every option each command defines", async (t) => {
  const { readFile } = await import('node:fs/promises')
  const { RUN_OPTIONS } = await import('../../cli/run-command-options.ts')
  const { CHECKPOINTS_OPTIONS, STATE_OPTIONS, RUNNER_OPTIONS } = await import('../../cli/store-command-options.ts')
  const { PLAN_OPTIONS } = await import('../../cli/plan-command-options.ts')
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const synopsis = readme.split('\n## CLI\n')[1]?.split('```')[1] ?? ''
  const line = (command: string): string => synopsis.split('\noxiflow ').find((l) => l.startsWith(command)) ?? ''
  for (const [command, options] of [['run', RUN_OPTIONS], ['plan', PLAN_OPTIONS], ['checkpoints', CHECKPOINTS_OPTIONS], ['state', STATE_OPTIONS], ['runner', RUNNER_OPTIONS]] as const) {
    const missing = options.map((o) => `--${o.name}`).filter((flag) => flag !== '--help' && !line(command).includes(flag))
    t.deepEqual(missing, [], `README's synopsis of oxiflow ${command} lacks ${missing.join(', ')}`)
  }
})
