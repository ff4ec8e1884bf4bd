// One run of the chaos pipeline as a real `oxiflow run` child process, under a watchdog: a run
// that makes no checkpoint progress for `stallMs`, outlives `totalMs`, or does not finish a
// graceful stop within `stopMs` is SIGKILLed and reported with its stderr and run record —
// long before ava's timeout.
import { execFile, spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChaosParams } from '../fixtures/chaos/spec.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** What to do to a run once it has committed `afterCheckpoints` checkpoints (+ `delayMs`). */
export interface Interrupt {
  readonly signal: 'SIGKILL' | 'SIGTERM'
  readonly afterCheckpoints: number
  readonly delayMs: number
}

/** One child run. */
export interface ChildRun {
  readonly workers: number
  readonly store: string
  readonly params: ChaosParams
  readonly checkpointInterval: number
  readonly restore: boolean
  /** Extra environment, e.g. OXIFLOW_FAULT=before-manifest:3. */
  readonly env?: Readonly<Record<string, string>>
  readonly interrupt?: Interrupt
  readonly limits: { readonly startMs: number; readonly stallMs: number; readonly totalMs: number; readonly stopMs: number }
}

/** How a child run ended. `stuck` says what the watchdog saw when it killed a run. */
export interface ChildResult {
  readonly code: number | null
  readonly signal: string | null
  readonly stderr: string
  readonly stdout: string
  /** The signal the harness sent (an interrupt), if it sent one before the run ended. */
  readonly interrupted?: 'SIGKILL' | 'SIGTERM'
  readonly checkpoints: number
  readonly stuck?: string
}

/** The newest committed checkpoint id in a file store (0 when none). */
export async function latestCheckpoint(store: string): Promise<number> {
  let ids: string[]
  try {
    ids = await readdir(join(store, 'data', 'pipelines', 'chaos', 'checkpoints'))
  } catch {
    return 0 // no checkpoint directory yet
  }
  let max = 0
  for (const id of ids) {
    const n = Number(id)
    if (n > max && (await readdir(join(store, 'data', 'pipelines', 'chaos', 'checkpoints', id)).catch(() => [] as string[])).includes('manifest.json=')) max = n
  }
  return max
}

/** What `oxiflow state show chaos --json` prints for a stuck run's store (run record, checkpoints, lease). */
export async function stateReport(store: string): Promise<string> {
  const shown = await new Promise<string>((resolve) => {
    execFile(process.execPath, ['bin/oxiflow.mjs', 'state', 'show', 'chaos', '--store', store, '--json'], { cwd: root, timeout: 20_000 },
      (error, stdout, stderr) => resolve(error ? `oxiflow state show failed (${error.message}): ${stderr}` : stdout))
  })
  return `latest checkpoint: ${await latestCheckpoint(store)}\noxiflow state show chaos --json:\n${shown}`
}

const tail = (s: string, n = 4000): string => (s.length > n ? `…${s.slice(-n)}` : s)

/** Runs the pipeline once as `node bin/oxiflow.mjs run test/fixtures/chaos/pipeline.ts …`. */
export function runChild(run: ChildRun): Promise<ChildResult> {
  const args = ['bin/oxiflow.mjs', 'run', 'test/fixtures/chaos/pipeline.ts', '--params', JSON.stringify(run.params),
    '--workers', String(run.workers), '--store', run.store, '--checkpoint-interval', String(run.checkpointInterval), '--json',
    ...(run.restore ? ['--restore', 'latest'] : [])]
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...run.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { stdout += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const started = Date.now()
  let interrupted: ChildResult['interrupted']
  let stuck: string | undefined
  let checkpoints = 0
  let progressAt = started
  let base: number | undefined
  let stopAt: number | undefined
  let interruptAt: number | undefined
  let polling = false
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })))
  const kill = (why: string) => { stuck ??= why; child.kill('SIGKILL') }
  const timer = setInterval(() => {
    if (polling) return
    polling = true
    void (async () => {
      const latest = await latestCheckpoint(run.store)
      const now = Date.now()
      base ??= latest // a restored run starts from the checkpoints of the runs before it
      if (latest - base > checkpoints) { checkpoints = latest - base; progressAt = now }
      const i = run.interrupt
      if (i && !interrupted && checkpoints >= i.afterCheckpoints) {
        interruptAt ??= now + i.delayMs
        if (now >= interruptAt) {
          interrupted = i.signal
          if (i.signal === 'SIGTERM') stopAt = now
          child.kill(i.signal)
        }
      }
      if (now - started > run.limits.totalMs) kill(`still running after ${run.limits.totalMs} ms`)
      else if (stopAt !== undefined && now - stopAt > run.limits.stopMs) kill(`a graceful stop (SIGTERM) did not finish within ${run.limits.stopMs} ms`)
      else if (checkpoints === 0 && now - started > run.limits.startMs) kill(`no checkpoint committed within ${run.limits.startMs} ms of the start`)
      else if (checkpoints > 0 && stopAt === undefined && now - progressAt > run.limits.stallMs) kill(`no checkpoint committed for ${run.limits.stallMs} ms (stalled after checkpoint ${latest})`)
    })().catch((e: Error) => kill(`watchdog failed: ${e.message}`)).finally(() => { polling = false })
  }, 25)
  return exited.then(async ({ code, signal }) => {
    clearInterval(timer)
    if (stuck !== undefined) stuck += `\nstderr:\n${tail(stderr)}\n${await stateReport(run.store)}`
    return { code, signal, stdout, stderr, checkpoints, ...(interrupted && { interrupted }), ...(stuck !== undefined && { stuck }) }
  })
}
