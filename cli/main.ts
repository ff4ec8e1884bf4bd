import { checkpointsCommand } from './checkpoints-command.ts'
import { errorText } from './error-text.ts'
import { COMMANDS, MAIN_HELP, PLANNED_COMMANDS } from './help.ts'
import { planCommand } from './plan-command.ts'
import { runCommand } from './run-command.ts'
import { runnerCommand } from './runner-command.ts'
import { stateCommand } from './state-command.ts'
import type { CommandOptions } from './command-options.ts'
import { UsageError } from './usage-error.ts'
import { version } from './version.ts'

/**
 * The `oxiflow` command: dispatches on the first argument and returns the exit code
 * (0 ok, 1 job failed, 2 usage error, 3 lease held by another runner).
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), { ownsThread: true })
 */
export async function main(argv: readonly string[], options: CommandOptions = {}): Promise<number> {
  quietOnClosedPipe(process.stdout)
  quietOnClosedPipe(process.stderr)
  const [command, ...rest] = argv
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(MAIN_HELP)
    return 0
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${version()}\n`)
    return 0
  }
  if (command === 'run') return runCommand(rest, options)
  if (command === 'plan') return planCommand(rest, options)
  if (command === 'checkpoints') return checkpointsCommand(rest)
  if (command === 'state') return stateCommand(rest)
  if (command === 'runner') return runnerCommand(rest)
  process.stderr.write(errorText(unknownCommand(command), false))
  return 2
}

function unknownCommand(command: string | undefined): UsageError {
  const exists = `the commands are: ${COMMANDS.join(', ')}`
  if (command === undefined) return new UsageError('no command given; write oxiflow run <module>, e.g. oxiflow run examples/clickstream.ts (oxiflow --help lists the commands)')
  if ((PLANNED_COMMANDS as readonly string[]).includes(command)) {
    return new UsageError(`'oxiflow ${command}' is not available in this version; ${exists}`)
  }
  if (command.startsWith('-')) return new UsageError(`unknown option '${command}'; options go after the command (oxiflow run <module> ${command}); ${exists}`)
  return new UsageError(`unknown command '${command}'; ${exists}`)
}

const quieted = new WeakSet<NodeJS.WriteStream>()

/**
 * A reader that closed the pipe early (`oxiflow checkpoints list | head -1`) has all it wanted:
 * EPIPE is not a failure of the command, whose output nobody reads any more. Without a listener
 * the stream's 'error' event crashed the process with a stack; other errors still do.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  if (quieted.has(stream)) return // main() runs more than once in one process (tests)
  quieted.add(stream)
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e
  })
}
