import { parseArgs } from 'node:util'
import { checkpoints } from '../persistence/checkpoints-api.ts'
import { openStore } from '../persistence/stores/open-store.ts'
import { errorText } from './error-text.ts'
import { plainJson } from './plain-json.ts'
import { UsageError, isUsageError } from './usage-error.ts'

const USAGE = 'oxiflow checkpoints list|show|verify|delete <pipeline> [id] [step] [--store S] [--json]'

/**
 * `oxiflow checkpoints …`: offline inspection of a pipeline's checkpoints in a store (as
 * Flink's State Processor API): `list`, `show <id> [step]` (the manifest, or a step's state as
 * JSON), `verify [id]` (exit 1 naming each corrupt, truncated or missing blob's step), `delete <id>`.
 *
 * @example
 * process.exitCode = await checkpointsCommand(['verify', 'clicks', '--store', '.oxiflow'])
 */
export async function checkpointsCommand(argv: readonly string[]): Promise<number> {
  let json = argv.includes('--json')
  try {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true,
      options: { store: { type: 'string' }, json: { type: 'boolean' } } })
    json = values.json === true
    const [action, pipelineId, idText, step] = positionals
    if (!action || !['list', 'show', 'verify', 'delete'].includes(action)) throw new UsageError(`unknown checkpoints action '${action ?? ''}'; ${USAGE}`)
    if (!pipelineId) throw new UsageError(`oxiflow checkpoints ${action} needs a pipeline id; ${USAGE}`)
    const id = idText === undefined ? undefined : Number(idText)
    if (id !== undefined && !(Number.isSafeInteger(id) && id > 0)) throw new UsageError(`checkpoint id must be a positive integer (got '${idText}')`)
    if ((action === 'show' || action === 'delete') && id === undefined) throw new UsageError(`oxiflow checkpoints ${action} needs a checkpoint id; ${USAGE}`)
    const store = openStore(values.store ?? process.env.OXIFLOW_STORE ?? '.oxiflow')
    const cps = checkpoints(store, pipelineId)
    const out = (text: string): void => { process.stdout.write(text.endsWith('\n') ? text : `${text}\n`) }
    try {
      switch (action) {
        case 'list': {
          const list = await cps.list()
          if (json) return out(plainJson(list)), 0
          if (list.length === 0) return out(`no checkpoints of pipeline '${pipelineId}' in ${store.describe()}`), 0
          for (const c of list) {
            out(c.ok ? `${c.id}\t${new Date(c.time).toISOString()}\t${c.holders} holders\t${c.storedBytes} bytes (${c.rawBytes} raw, ${c.codec})\tsteps: ${c.steps.join(', ')}`
              : `${c.id}\tCORRUPT\t${c.problem}`)
          }
          return 0
        }
        case 'show':
          out(plainJson(step === undefined ? await cps.show(id!) : await cps.read(id!, step)))
          return 0
        case 'verify': {
          const reports = id === undefined ? await cps.verify() : [await cps.verify(id)]
          if (json) out(plainJson(reports))
          else for (const r of reports) {
            out(r.ok ? `checkpoint ${r.checkpointId}: ok` : `checkpoint ${r.checkpointId}: ${r.manifest ?? ''}` +
              r.problems.map((p) => `\n  step '${p.step}' (${p.stateId}): ${p.problem}`).join(''))
          }
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
    const usage = isUsageError(e) || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    process.stderr.write(errorText(usage && !isUsageError(e) ? new UsageError(`${(e as Error).message}; ${USAGE}`) : e, process.env.OXIFLOW_DEBUG === '1'))
    if (json) process.stdout.write(plainJson({ status: 'failed', error: { name: (e as Error).name, code: (e as { code?: string }).code, message: (e as Error).message } }) + '\n')
    return usage ? 2 : 1
  }
}
