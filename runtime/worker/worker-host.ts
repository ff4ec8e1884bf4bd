import { MessagePort, Worker, type WorkerOptions } from 'node:worker_threads'
import { WorkerCrashError } from './worker-crash-error.ts'
import { WorkerClosedError } from './worker-closed-error.ts'
import type { Host, HostResults, InstanceStats } from '../host/host.ts'
import { within } from '../within.ts'
import { transfer, wrap, nodeEndpoint, type Remote } from './comlink.ts'
import { rebuildError, serializeError, type SerializedError } from './error-transport.ts'
import type { HostApi, HostSpec } from './host-spec.ts'
import { RemoteCheckpoints } from './remote-checkpoints.ts'

/** How long a closing worker gets to close its writers before it is terminated. */
const CLOSE_GRACE_MS = 10_000

/**
 * The main thread's handle on one worker host: starts the thread, drives it over comlink, turns
 * its failures back into typed errors, and terminates it on close (comlink keeps a worker
 * alive, so nothing else would).
 */
/**
 * The worker thread's first module: in the built package dist/worker.js, which sits in one folder
 * with every other file of the bundle (this code is in one of them); where oxiflow runs from its
 * TypeScript sources (its own tests, through tsx), a plain module that loads worker-main.ts through
 * tsx — a Worker cannot start from a .ts file.
 */
const HOST_ENTRY = new URL(import.meta.url).pathname.endsWith('.ts')
  ? new URL('./worker-entry.mjs', import.meta.url)
  : new URL('./worker.js', import.meta.url)

/**
 * The young generation of a worker's heap, in MB. V8 grows it to 16 MB semi-spaces in every
 * isolate that allocates fast — each worker, besides the main thread — so 2 workers held ~90 MB
 * more than inline on the flights hourly job. Capped at 8 MB (bench/README.md, "A worker's young
 * generation"): RSS 192–196 → 104–108 MB there (inline 97–106), and CPU no higher on either job. A
 * process started with `--max-semi-space-size` (its flags or NODE_OPTIONS) keeps V8's sizing.
 */
const WORKER_YOUNG_GENERATION_MB = 8

/**
 * Starts the host thread. A process started with `node --input-type=module -e …` passed that flag
 * on, and a worker, which starts from a file, refused it (ERR_INPUT_TYPE_NOT_ALLOWED): every job
 * on workers failed with WorkerCrashError. Then the worker gets the process's flags without it —
 * less any a worker refuses when they are given explicitly (V8's, such as
 * `--max-semi-space-size`, which apply to the whole process anyway). Otherwise it inherits them.
 */
function startWorker(options: WorkerOptions): Worker {
  if (!process.execArgv.some((a) => a === '--input-type' || a.startsWith('--input-type='))) return new Worker(HOST_ENTRY, options)
  let execArgv: string[] = []
  for (let i = 0; i < process.execArgv.length; i++) {
    const a = process.execArgv[i]!
    if (a === '--input-type') i++ // its value follows
    else if (!a.startsWith('--input-type=')) execArgv.push(a)
  }
  try {
    return new Worker(HOST_ENTRY, { ...options, execArgv })
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e
    const refused = new Set((e as Error).message.replace(/^[^:]*: /, '').split(', '))
    execArgv = execArgv.filter((a) => !refused.has(a))
    return new Worker(HOST_ENTRY, { ...options, execArgv })
  }
}

/** resourceLimits for a worker thread (see WORKER_YOUNG_GENERATION_MB). */
function workerLimits(): { maxYoungGenerationSizeMb: number } | undefined {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]
  return flags.some((f) => f.startsWith('--max-semi-space-size')) ? undefined : { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB }
}

export class WorkerHost implements Host {
  readonly remote = true
  private readonly worker: Worker
  private readonly api: Remote<HostApi>
  /**
   * Why the thread is gone, once it is: it died (WorkerCrashError) or the job closed it
   * (WorkerClosedError). Every call in flight then fails with it, and every later one.
   */
  private crash: WorkerCrashError | WorkerClosedError | undefined
  /** Rejecters of the calls in flight: a crash or a close never leaves the job waiting on a gone thread. */
  private readonly inFlight = new Set<(e: WorkerCrashError | WorkerClosedError) => void>()
  private closing = false
  private closed: Promise<void> | undefined
  /** The host's checkpoint side, when the job takes checkpoints. */
  readonly checkpoints: RemoteCheckpoints | undefined

  constructor(private readonly spec: HostSpec) {
    const resourceLimits = workerLimits()
    this.worker = startWorker({ workerData: { oxiflowHost: spec.host }, ...(resourceLimits && { resourceLimits }) })
    this.api = wrap<HostApi>(nodeEndpoint(this.worker))
    this.worker.on('error', (e) => this.crashed(new WorkerCrashError(spec.host, e instanceof Error ? e.message : String(e), { cause: e })))
    this.worker.on('exit', (code) => { if (!this.closing) this.crashed(new WorkerCrashError(spec.host, `its thread exited with code ${code}`)) })
    this.checkpoints = spec.checkpoints && new RemoteCheckpoints(this.api, (f) => this.call(f))
  }

  async open(): Promise<void> {
    const ports = [...Object.values(this.spec.ports), ...(this.spec.checkpoints ? [this.spec.checkpoints.store] : [])] as MessagePort[]
    rethrow(await this.call(() => this.api.deploy(transfer(this.spec, ports))))
  }

  async run(): Promise<void> {
    rethrow(await this.call(() => this.api.run()))
  }

  stop(): Promise<void> {
    return this.call(() => this.api.stop())
  }

  async cancel(reason: unknown): Promise<void> {
    await this.call(() => this.api.cancel(serializeError(reason)))
  }

  stats(): Promise<InstanceStats[]> {
    return this.call(() => this.api.stats())
  }

  results(): Promise<HostResults> {
    return this.call(() => this.api.results())
  }

  /** Closes the worker's writers and terminates its thread; a second call gets the first one's outcome. */
  close(): Promise<void> {
    return this.closed ??= this.closeOnce()
  }

  private async closeOnce(): Promise<void> {
    let failure: SerializedError | undefined
    try {
      failure = await within(this.call(() => this.api.close()), CLOSE_GRACE_MS)
    } finally {
      this.closing = true
      await this.worker.terminate()
      // A call still waiting (a checkpoint asked for as the job ended) would never be answered.
      this.crashed(new WorkerClosedError(this.spec.host))
    }
    rethrow(failure)
  }

  /**
   * `f()`, or a WorkerCrashError if the thread dies first. Nothing of a call may outlive it: racing
   * each call against one promise that settles only at a crash kept every call's result (stats,
   * snapshot entries) reachable from that promise's reactions until the worker ended — ~7 KB a
   * checkpoint on the main thread. The crash hook is per call and removed when the call settles.
   */
  private call<T>(f: () => Promise<T>): Promise<T> {
    if (this.crash) return Promise.reject(this.crash)
    return new Promise<T>((resolve, reject) => {
      this.inFlight.add(reject)
      const settled = (): void => { this.inFlight.delete(reject) }
      f().then((v) => { settled(); resolve(v) }, (e: unknown) => { settled(); reject(e) })
    })
  }

  private crashed(e: WorkerCrashError | WorkerClosedError): void {
    if (this.crash) return
    this.crash = e
    for (const reject of this.inFlight) reject(e)
    this.inFlight.clear()
  }
}

function rethrow(failure: SerializedError | undefined): void {
  if (failure) throw rebuildError(failure)
}
