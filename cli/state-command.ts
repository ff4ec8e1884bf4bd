import { readFile, writeFile } from 'node:fs/promises'
import { InvalidStateBundleError } from '../persistence/run-state/invalid-state-bundle-error.ts'
import { PipelineUnknownError } from '../persistence/run-state/pipeline-unknown-error.ts'
import { cleanupState } from '../persistence/run-state/cleanup-state.ts'
import { checkStateBundle, exportPipelineState, importPipelineState } from '../persistence/run-state/state-bundle.ts'
import { sweepTempFiles } from '../persistence/stores/atomic-file.ts'
import { sweepStaleLocks } from '../persistence/stores/lock-file.ts'
import { maskCredentials } from '../persistence/stores/mask-credentials.ts'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { errorText } from './error-text.ts'
import { STATE_HELP } from './help.ts'
import { errorReport, toJson } from './json-report.ts'
import { fileStoreTempDir, openExistingStore, storeLocation } from './state-store-arg.ts'
import { cleanupText, stateListText, stateShowText } from './state-text.ts'
import { stateList, stateView } from './state-views.ts'
import { parseCommandArgs } from './parse-command-args.ts'
import { STATE_OPTIONS } from './store-command-options.ts'
import { exitCodeOf } from './exit-code.ts'
import { UsageError } from './usage-error.ts'

const USAGE = 'oxiflow state show|list|cleanup|export|import [pipeline] [FILE] [--store S] [--json] [--active] [--stale] [--out FILE]'

/** Per action: the positionals it takes (after the action); its own flags are those STATE_OPTIONS gives its name. */
const ACTIONS: Readonly<Record<string, { args: readonly string[] }>> = {
  show: { args: ['pipeline'] },
  list: { args: [] },
  cleanup: { args: [] },
  export: { args: ['pipeline'] },
  import: { args: ['pipeline', 'FILE'] },
}

/**
 * `oxiflow state …`: a pipeline's run record, offline. `show <pipeline>` (status, counts, last
 * processed id, steps, errors, last checkpoint, lease), `list [--active]`, `cleanup [--stale]`
 * (stale leases, abandoned temp files and — without --stale — run records of deleted
 * pipelines; prints what it removed), `export <pipeline> [--out FILE]` and `import <pipeline>
 * FILE` (run record and checkpoints as one file; import refuses a live pipeline: exit 3).
 * `--json` prints one JSON object (or list) on stdout. Returns the exit code.
 *
 * @example
 * process.exitCode = await stateCommand(['show', 'clicks', '--store', '.oxiflow', '--json'])
 */
export async function stateCommand(argv: readonly string[]): Promise<number> {
  let json = argv.includes('--json')
  try {
    const { values, positionals } = parse(argv)
    if (values.help) return process.stdout.write(STATE_HELP), 0
    json = values.json === true
    const [action, ...args] = positionals
    if (!action) throw usage(`oxiflow state needs an action (${Object.keys(ACTIONS).join(', ')}); ${USAGE}`)
    if (!Object.hasOwn(ACTIONS, action)) throw usage(`unknown state action '${action}'; ${USAGE}`)
    const spec = ACTIONS[action]!
    if (args.length < spec.args.length) throw usage(`oxiflow state ${action} needs ${spec.args.slice(args.length).join(' and ')}; ${USAGE}`)
    if (args.length > spec.args.length) throw usage(`too many arguments for oxiflow state ${action}: ${args.join(' ')}; ${USAGE}`)
    for (const option of STATE_OPTIONS) {
      if ('action' in option && values[option.name] !== undefined && option.action !== action) {
        throw usage(`option --${option.name} does not apply to oxiflow state ${action}; ${USAGE}`)
      }
    }
    const where = storeLocation(values.store)
    const out = (text: string): void => { process.stdout.write(text.endsWith('\n') ? text : `${text}\n`) }
    // Count temp files before opening: opening a file store sweeps them silently.
    const tempDir = action === 'cleanup' ? fileStoreTempDir(where) : undefined
    const tempFiles = tempDir !== undefined && existsSync(tempDir) ? sweepTempFiles(tempDir) : 0
    // Lock files whose holder is gone (SIGKILLed, or an earlier life of a reused pid).
    const lockFiles = tempDir !== undefined && existsSync(tempDir) ? await sweepStaleLocks(join(dirname(tempDir), '.lock')) : []
    const store = openExistingStore(where, 'state', action === 'import')
    try {
      const pipelineId = args[0]!
      switch (action) {
        case 'show': {
          const view = await stateView(store, pipelineId)
          if (!view) throw new PipelineUnknownError(pipelineId, store.describe())
          out(json ? toJson(view) : stateShowText(view))
          return 0
        }
        case 'list': {
          const rows = (await stateList(store)).filter((r) => !values.active || r.active)
          out(json ? toJson(rows) : stateListText(rows))
          return 0
        }
        case 'cleanup': {
          const report = { ...await cleanupState(store, { staleOnly: values.stale === true }), tempFiles, lockFiles }
          out(json ? toJson(report) : cleanupText(report))
          return 0
        }
        case 'export': {
          const bundle = await exportPipelineState(store, pipelineId)
          if (!bundle.run && bundle.checkpoints.length === 0) throw new PipelineUnknownError(pipelineId, store.describe())
          const text = toJson(bundle)
          if (values.out === undefined) return out(text), 0
          await writeFile(values.out, text + '\n', { mode: 0o600 }).catch((e: unknown) => { throw fileProblem('write', values.out!, e, 'give --out a file in an existing, writable directory') })
          const report = { pipelineId, file: values.out, runRecord: bundle.run !== null, checkpointKeys: bundle.checkpoints.length }
          if (json) out(toJson(report))
          else process.stderr.write(`exported pipeline '${pipelineId}' (${bundle.run ? 'run record and ' : ''}${bundle.checkpoints.length} checkpoint keys) to ${values.out}\n`)
          return 0
        }
        default: {
          const file = args[1]!
          const text = await readFile(file, 'utf8').catch((e: unknown) => { throw fileProblem('read', file, e, 'give the file oxiflow state export wrote') })
          const bundle = checkStateBundle(parseJson(text, file), pipelineId, file)
          const report = await importPipelineState(store, bundle, file)
          out(json ? toJson(report) : `imported pipeline '${pipelineId}' from ${file}: ${report.writtenKeys} checkpoint keys ` +
            `(checkpoints ${report.checkpointIds.join(', ') || 'none'})${report.runRecord ? ' and its run record' : ''}, ` +
            `replacing ${report.removedKeys} keys; continue it with oxiflow run <module> --store ${maskCredentials(where)} --restore latest`)
          return 0
        }
      }
    } finally {
      await store.close()
    }
  } catch (e) {
    process.stderr.write(errorText(e, process.env.OXIFLOW_DEBUG === '1'))
    if (json) process.stdout.write(toJson({ status: 'failed', error: errorReport(e) }) + '\n')
    return exitCodeOf(e)
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new InvalidStateBundleError(file, `not JSON (${(e as Error).message})`)
  }
}

/** A file named on the command line that cannot be read or written: a bad value (exit 2), saying why without a stack. */
function fileProblem(doing: 'read' | 'write', file: string, e: unknown, fix: string): UsageError {
  const code = (e as { code?: string }).code
  const why = code === 'ENOENT' ? (doing === 'read' ? 'no such file' : 'its directory does not exist') : code === 'EISDIR' ? 'it is a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message
  return usage(`cannot ${doing} '${file}': ${why}; ${fix}`)
}

function usage(message: string): UsageError {
  return new UsageError(message, 'state')
}

function parse(argv: readonly string[]) {
  return parseCommandArgs(argv, { command: 'state', options: STATE_OPTIONS, usage: USAGE })
}
