import { hostname } from 'node:os'
import { readRunRecord } from '../persistence/run-state/run-records.ts'
import { requestStop } from '../persistence/run-state/stop-request.ts'
import type { StateStore } from '../persistence/stores/state-store.ts'
import { shown } from '../runtime/option-checks.ts'
import { errorText } from './error-text.ts'
import { RUNNER_HELP } from './help.ts'
import { errorReport, toJson } from './json-report.ts'
import { RunnerStopError } from './runner-stop-error.ts'
import { openExistingStore, storeLocation } from './state-store-arg.ts'
import { runnerListText } from './state-text.ts'
import { leaseView, type LeaseView } from './state-views.ts'
import { parseCommandArgs } from './parse-command-args.ts'
import { RUNNER_OPTIONS } from './store-command-options.ts'
import { exitCodeOf } from './exit-code.ts'
import { UsageError } from './usage-error.ts'

const USAGE = 'oxiflow runner list [--pipeline P] | oxiflow runner stop <runner-id> [--pipeline P] [--timeout MS] [--store S] [--json]'

/**
 * `oxiflow runner …`: the runners holding pipeline leases in a store. `list [--pipeline P]`
 * shows each lease holder with its pipeline, heartbeat age and token; `stop <runner-id>` asks
 * that runner through the store to stop gracefully — it takes a final checkpoint, releases its
 * lease and exits 0 — and waits (up to --timeout, default 60 000 ms; 0 = do not wait) until
 * its leases are released. Returns the exit code (1 when it did not stop in time).
 *
 * @example
 * process.exitCode = await runnerCommand(['stop', 'box:4242', '--store', '.oxiflow'])
 */
export async function runnerCommand(argv: readonly string[]): Promise<number> {
  let json = argv.includes('--json')
  try {
    const { values, positionals } = parse(argv)
    if (values.help) return process.stdout.write(RUNNER_HELP), 0
    json = values.json === true
    const [action, ...args] = positionals
    if (action !== 'list' && action !== 'stop') throw usage(`unknown runner action '${action ?? ''}'; ${USAGE}`)
    if (action === 'list' && args.length > 0) throw usage(`too many arguments for oxiflow runner list: ${args.join(' ')}; ${USAGE}`)
    if (action === 'stop' && args.length !== 1) throw usage(`oxiflow runner stop takes one runner id (got ${args.length}); oxiflow runner list shows them; ${USAGE}`)
    if (action === 'list' && values.timeout !== undefined) throw usage(`option --timeout applies to oxiflow runner stop only; ${USAGE}`)
    const timeoutMs = values.timeout === undefined ? 60_000 : /^\d+$/.test(values.timeout) ? Number(values.timeout) : NaN
    if (!Number.isSafeInteger(timeoutMs)) throw usage(`--timeout must be a non-negative number of milliseconds (got ${shown(values.timeout)})`)
    const store = openExistingStore(storeLocation(values.store), 'runner')
    const out = (text: string): void => { process.stdout.write(text.endsWith('\n') ? text : `${text}\n`) }
    try {
      const leases = (await runnerLeases(store)).filter((l) => values.pipeline === undefined || l.pipelineId === values.pipeline)
      if (action === 'list') {
        out(json ? toJson(leases) : runnerListText(leases))
        return 0
      }
      const runner = args[0]!
      const targets = leases.filter((l) => l.runner === runner && !l.stale)
      if (targets.length === 0) {
        throw new RunnerStopError(runner, `it holds no live lease${values.pipeline === undefined ? '' : ` on pipeline '${values.pipeline}'`} in ${store.describe()}; oxiflow runner list shows the runners`)
      }
      await requestStop(store, runner, targets.map((l) => ({ name: l.name, token: l.token })), `${hostname()}:${process.pid}`)
      const pipelines = targets.map((l) => l.pipelineId ?? l.name)
      if (timeoutMs === 0) {
        out(json ? toJson({ runner, requested: pipelines, stopped: [] }) : `asked runner ${runner} to stop ${pipelines.join(', ')}`)
        return 0
      }
      process.stderr.write(`oxiflow: asked runner ${runner} to stop ${pipelines.join(', ')}; waiting for its final checkpoint\n`)
      await untilReleased(store, targets, timeoutMs, runner)
      const stopped = await Promise.all(targets.map(async (l) => {
        const r = l.pipelineId === null ? undefined : await readRunRecord(store, l.pipelineId)
        return { pipelineId: l.pipelineId ?? l.name, status: r?.status ?? null, lastCheckpoint: r?.lastCheckpoint?.id ?? null }
      }))
      // Released is not stopped: a stop that could not finish (stopTimeout) fails the run, whose last checkpoint is then no final one.
      const failed = stopped.filter((s) => s.status === 'failed')
      out(json ? toJson({ runner, requested: pipelines, stopped }) : stopped.map((s) => s.status === 'failed'
        ? `runner ${runner} released pipeline '${s.pipelineId}' but its stop failed (run record: failed${s.lastCheckpoint === null ? '' : `; its last checkpoint, ${s.lastCheckpoint}, is no final one`}): oxiflow state show ${s.pipelineId} says why`
        : `runner ${runner} stopped pipeline '${s.pipelineId}' (${s.status ?? 'no run record'}${s.lastCheckpoint === null ? '' : `, final checkpoint ${s.lastCheckpoint}`})`).join('\n'))
      return failed.length > 0 ? 1 : 0
    } finally {
      await store.close()
    }
  } catch (e) {
    process.stderr.write(errorText(e, process.env.OXIFLOW_DEBUG === '1'))
    if (json) process.stdout.write(toJson({ status: 'failed', error: errorReport(e) }) + '\n')
    return exitCodeOf(e)
  }
}

/** Every held lease with the heartbeat of its pipeline's run record when that run is the holder's. */
async function runnerLeases(store: StateStore): Promise<Array<LeaseView & { lastHeartbeat: number | null }>> {
  const now = Date.now()
  return Promise.all((await store.leases()).map(async (l) => {
    const v = leaseView(l, now)
    const r = v.pipelineId === null ? undefined : await readRunRecord(store, v.pipelineId).catch(() => undefined)
    const same = r?.lease?.token === v.token && r.runner?.runner === v.runner
    return { ...v, lastHeartbeat: same ? r!.lastHeartbeat : null }
  }))
}

/** Resolves once none of `targets` is held at its token any more; RunnerStopError after `timeoutMs`. */
async function untilReleased(store: StateStore, targets: readonly LeaseView[], timeoutMs: number, runner: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const held = await store.leases()
    const left = targets.filter((t) => held.some((l) => l.name === t.name && l.token === t.token))
    if (left.length === 0) return
    if (Date.now() >= deadline) {
      throw new RunnerStopError(runner, `it still holds ${left.map((l) => l.name).join(', ')} after ${timeoutMs} ms — it may be busy with a long ` +
        'final checkpoint (wait longer: --timeout) or not reading the store; Ctrl-C or SIGTERM where it runs also stops it gracefully')
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

function usage(message: string): UsageError {
  return new UsageError(message, 'runner')
}

function parse(argv: readonly string[]) {
  return parseCommandArgs(argv, { command: 'runner', options: RUNNER_OPTIONS, usage: USAGE })
}
