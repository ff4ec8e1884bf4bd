import type { MessagePort } from 'node:worker_threads'
import type { HostResults, InstanceStats } from '../host.ts'
import type { SerializedError } from './error-transport.ts'

/** What a worker host needs to rebuild the job's plan and its share of the instances. Plain data. */
export interface HostSpec {
  readonly host: number
  readonly pipelineId: string
  /** The pipeline module's URL; its default export is the Pipeline or a function of `params`. */
  readonly module: string
  readonly params: unknown
  readonly workers: number
  readonly batchSize: number
  readonly channelCapacity: number
  readonly maxKeyGroups: number
  /** The plan as the coordinator made it; the host's own must be the same. */
  readonly fingerprint: string
  /** This host's ends of cross-thread channels, by channel id (transferred). */
  readonly ports: Record<string, MessagePort>
}

/** The control plane a worker host exposes over comlink. Failures come back as values, with their fields. */
export interface HostApi {
  deploy(spec: HostSpec): Promise<SerializedError | undefined>
  run(): Promise<SerializedError | undefined>
  stop(): void
  cancel(reason: SerializedError): void
  stats(): InstanceStats[]
  results(): Promise<HostResults>
  close(): Promise<SerializedError | undefined>
}
