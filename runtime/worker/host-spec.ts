import type { MessagePort } from 'node:worker_threads'
import type { EndedStep, Manifest } from '../../persistence/checkpoints/manifest.ts'
import type { CodecName } from '../../persistence/codec/codec-name.ts'
import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import type { BlobProblem } from '../../persistence/checkpoints/checkpoint-reports.ts'
import type { HostEntries, SourcePause } from '../checkpoint/checkpoint-participant.ts'
import type { ChainBases } from '../checkpoint/chain-bases.ts'
import type { HostResults, InstanceStats } from '../host/host.ts'
import type { CheckpointBarrier } from '../messages.ts'
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
  /** When the job takes checkpoints: the job's store, served by the main thread (see serveStore), and the codec. */
  readonly checkpoints?: { readonly store: MessagePort; readonly description: string; readonly codec: CodecName }
}

/** A control call's value, or its failure with the error's fields. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError }

/** The control plane a worker host exposes over comlink. Failures come back as values, with their fields. */
export interface HostApi {
  deploy(spec: HostSpec): Promise<SerializedError | undefined>
  run(): Promise<SerializedError | undefined>
  stop(): void
  cancel(reason: SerializedError): void
  stats(): InstanceStats[]
  results(): Promise<HostResults>
  close(): Promise<SerializedError | undefined>
  /** The host's CheckpointParticipant side (only with `spec.checkpoints`). */
  prepare(checkpointId: number, bases: ChainBases): void
  pauseSources(): Promise<Outcome<SourcePause[]>>
  injectBarrier(barrier: CheckpointBarrier, cuts: Record<number, number>, stopAfter: boolean): void
  entries(checkpointId: number): Promise<Outcome<HostEntries>>
  abandon(checkpointId: number): void
  commit(checkpointId: number, last: boolean): Promise<Outcome<void>>
  holders(): Outcome<HolderEntry[]>
  readForRestore(manifest: Manifest): Promise<Outcome<BlobProblem[]>>
  dropRestoreReads(): void
  restoreLevel(manifest: Manifest, level: number): Promise<Outcome<void>>
  startAt(cuts: Record<number, number>, ended: Record<string, EndedStep>, rewound: boolean): void
}
