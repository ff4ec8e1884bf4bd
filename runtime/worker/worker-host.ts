import { MessagePort, Worker } from 'node:worker_threads'
import { WorkerCrashError } from '../errors/worker-crash-error.ts'
import type { Host, HostResults, InstanceStats } from '../host.ts'
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
export class WorkerHost implements Host {
  readonly remote = true
  private readonly worker: Worker
  private readonly api: Remote<HostApi>
  /** Rejects when the thread dies; every call races it, so a crash never leaves the job waiting. */
  private readonly crashed: Promise<never>
  private closing = false
  /** The host's checkpoint side, when the job takes checkpoints. */
  readonly checkpoints: RemoteCheckpoints | undefined

  constructor(private readonly spec: HostSpec) {
    this.worker = new Worker(new URL('./host-entry.mjs', import.meta.url), { workerData: { oxiflowHost: spec.host } })
    this.api = wrap<HostApi>(nodeEndpoint(this.worker))
    this.crashed = new Promise<never>((_, reject) => {
      this.worker.on('error', (e) => reject(new WorkerCrashError(spec.host, e instanceof Error ? e.message : String(e), { cause: e })))
      this.worker.on('exit', (code) => { if (!this.closing) reject(new WorkerCrashError(spec.host, `its thread exited with code ${code}`)) })
    })
    this.crashed.catch(() => {})
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

  async close(): Promise<void> {
    let failure: SerializedError | undefined
    try {
      const grace = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), CLOSE_GRACE_MS).unref())
      failure = await Promise.race([this.call(() => this.api.close()), grace])
    } finally {
      this.closing = true
      await this.worker.terminate()
    }
    rethrow(failure)
  }

  private call<T>(f: () => Promise<T>): Promise<T> {
    return Promise.race([f(), this.crashed])
  }
}

function rethrow(failure: SerializedError | undefined): void {
  if (failure) throw rebuildError(failure)
}
