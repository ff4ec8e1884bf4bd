import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { checkpoints } from '../persistence/checkpoints-api.ts'
import { isCorruptRunRecordError } from '../persistence/run-state/corrupt-run-record-error.ts'
import { PipelineUnknownError } from '../persistence/run-state/pipeline-unknown-error.ts'
import { readRunRecord } from '../persistence/run-state/run-records.ts'
import { openStore } from '../persistence/stores/open-store.ts'
import type { StateStore } from '../persistence/stores/state-store.ts'
import { shown } from '../runtime/option-checks.ts'
import { errorText } from './error-text.ts'
import { CHECKPOINTS_HELP } from './help.ts'
import { plainJson } from './plain-json.ts'
import { parseCommandArgs } from './parse-command-args.ts'
import { CHECKPOINTS_OPTIONS } from './store-command-options.ts'
import { exitCodeOf } from './exit-code.ts'
import { UsageError } from './usage-error.ts'

const USAGE = 'oxiflow checkpoints list|show|verify|delete <pipeline> [id] [step] [--store S] [--json]'

/** The positionals after the action each action takes at most: pipeline, id, step. */
const MAX_ARGS: Readonly<Record<string, number>> = { list: 1, show: 3, verify: 2, delete: 2 }

/**
 * `oxiflow checkpoints …`: offline inspection of a pipeline's checkpoints in a store (as
 * Flink's State Processor API): `list`, `show <id> [step]` (the manifest, or a step's state as
 * JSON), `verify [id]` (exit 1 naming each corrupt, truncated or missing blob's step; a checkpoint
 * deleted during the verify, as a running job's retention does, is reported so and skipped), `delete <id>`.
 *
 * @example
 * process.exitCode = await checkpointsCommand(['verify', 'clicks', '--store', '.oxiflow'])
 */
export async function checkpointsCommand(argv: readonly string[]): Promise<number> {
  let json = argv.includes('--json')
  try {
    const { values, positionals } = parse(argv)
    if (values.help) return process.stdout.write(CHECKPOINTS_HELP), 0
    json = values.json === true
    const [action, pipelineId, idText, step] = positionals
    // hasOwn, not `in`: 'constructor' must not pass for an action (and fall through to delete).
    if (!action || !Object.hasOwn(MAX_ARGS, action)) throw usage(`unknown checkpoints action '${action ?? ''}'; ${USAGE}`)
    if (!pipelineId) throw usage(`oxiflow checkpoints ${action} needs a pipeline id; ${USAGE}`)
    if (positionals.length - 1 > MAX_ARGS[action]!) throw usage(`too many arguments for oxiflow checkpoints ${action}: ${positionals.slice(1).join(' ')}; ${USAGE}`)
    // Digits only: Number() would take '0x10' or '1e1' for another checkpoint than the one typed.
    const id = idText === undefined ? undefined : /^\d+$/.test(idText) ? Number(idText) : NaN
    if (id !== undefined && !(Number.isSafeInteger(id) && id > 0)) throw usage(`checkpoint id must be a positive integer (got ${shown(idText)}); ${USAGE}`)
    if ((action === 'show' || action === 'delete') && id === undefined) throw usage(`oxiflow checkpoints ${action} needs a checkpoint id; ${USAGE}`)
    const where = values.store ?? process.env.OXIFLOW_STORE ?? '.oxiflow'
    // Opening a file store creates its directory: a mistyped --store would be made and reported empty.
    const dir = fileStoreDir(where)
    if (dir !== undefined && !existsSync(dir)) {
      throw usage(`no store at ${resolve(dir)}: the directory does not exist; give --store the store the job ran with (default OXIFLOW_STORE or .oxiflow)`)
    }
    const store = openStore(where)
    const cps = checkpoints(store, pipelineId)
    const out = (text: string): void => { process.stdout.write(text.endsWith('\n') ? text : `${text}\n`) }
    try {
      switch (action) {
        case 'list': {
          const list = await cps.list()
          // As verify: an empty list is an answer only for a pipeline the store knows (a mistyped id exits 2).
          if (list.length === 0 && !(await pipelineKnown(store, pipelineId))) throw new PipelineUnknownError(pipelineId, store.describe())
          if (json) return out(plainJson(list)), 0
          if (list.length === 0) return out(`no checkpoints of pipeline '${pipelineId}' in ${store.describe()}`), 0
          for (const c of list) {
            out(c.ok ? `${c.id}\t${new Date(c.time).toISOString()}\t${c.holders} holders\t${c.storedBytes} bytes (${c.rawBytes} raw, ${c.codec})\t` +
              `${c.incremental === 0 ? '' : `incremental: ${c.incremental} ${c.incremental === 1 ? 'holder' : 'holders'} wrote changes, on chains of ${c.chainBytes} bytes\t`}steps: ${c.steps.join(', ')}` +
              `${c.previous === undefined ? '' : c.previous === null ? '\tfresh start' : `\tafter ${c.previous}`}${c.superseded === undefined ? '' : `\t${c.superseded}`}`
              : `${c.id}\tCORRUPT\t${c.problem}${c.superseded === undefined ? '' : `\t${c.superseded}`}`)
          }
          return 0
        }
        case 'show':
          out(plainJson(step === undefined ? await cps.show(id!) : await cps.read(id!, step)))
          return 0
        case 'verify': {
          const reports = id === undefined ? await cps.verify() : [await cps.verify(id)]
          if (reports.length === 0) {
            // Nothing to verify is a finding only for a pipeline the store knows; a mistyped id must not pass as "all sound".
            if (!(await pipelineKnown(store, pipelineId))) throw new PipelineUnknownError(pipelineId, store.describe())
            out(json ? plainJson(reports) : `no checkpoints of pipeline '${pipelineId}' in ${store.describe()}: nothing to verify`)
            return 0
          }
          if (json) out(plainJson(reports))
          else for (const r of reports) {
            out(r.deleted ? `checkpoint ${r.checkpointId}: deleted during the verify (retention of a running job, or checkpoints delete): skipped, not corrupt`
              : r.ok ? `checkpoint ${r.checkpointId}: ok` : `checkpoint ${r.checkpointId}: ${r.manifest ?? `CORRUPT (${r.problems.length} bad blob${r.problems.length === 1 ? '' : 's'})`}` +
              r.problems.map((p) => `\n  step '${p.step}' (${p.stateId}${p.keyGroups === undefined ? '' : `, key groups ${p.keyGroups.start}-${p.keyGroups.end}`})` +
              `${p.link === undefined ? '' : `, its chain's blob of checkpoint ${p.link}`}: ${p.problem}`).join(''))
          }
          // A checkpoint deleted during the verify has ok: only one still committed and bad fails it.
          return reports.every((r) => r.ok) ? 0 : 1
        }
        default:
          await cps.delete(id!)
          out(json ? plainJson({ deleted: id }) : `deleted checkpoint ${id} of pipeline '${pipelineId}'`)
          return 0
      }
    } finally {
      await store.close()
    }
  } catch (e) {
    process.stderr.write(errorText(e, process.env.OXIFLOW_DEBUG === '1'))
    if (json) process.stdout.write(plainJson({ status: 'failed', error: { name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message } }) + '\n')
    return exitCodeOf(e)
  }
}

function usage(message: string): UsageError {
  return new UsageError(message, 'checkpoints')
}

function parse(argv: readonly string[]) {
  return parseCommandArgs(argv, { command: 'checkpoints', options: CHECKPOINTS_OPTIONS, usage: USAGE })
}

/** True when the store has a run record, a checkpoint key or a lease of the pipeline (an unreadable run record counts). */
async function pipelineKnown(store: StateStore, pipelineId: string): Promise<boolean> {
  if ((await store.list(`pipelines/${pipelineId}/`)).length > 0) return true
  if ((await store.leases()).some((l) => l.name === `pipelines/${pipelineId}/lease`)) return true
  try {
    return (await readRunRecord(store, pipelineId)) !== undefined
  } catch (e) {
    if (isCorruptRunRecordError(e)) return true
    throw e
  }
}

/** The directory of a file-store location (a path or file:// URL, as openStore reads it), undefined for other stores. */
function fileStoreDir(where: string): string | undefined {
  if (where === 'memory:' || where === 'memory://') return undefined
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(where)?.[1]?.toLowerCase()
  if (scheme === undefined) return where
  return scheme === 'file' ? new URL(where).pathname : undefined
}
