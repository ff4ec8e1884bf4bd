import type { EndedStep, Manifest } from '../../persistence/checkpoints/manifest.ts'
import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import type { BlobProblem } from '../../persistence/checkpoints/checkpoint-reports.ts'
import type { CheckpointParticipant, HostEntries, SourcePause } from '../checkpoint/checkpoint-participant.ts'
import type { CheckpointBarrier } from '../messages.ts'
import type { ChainBases } from '../checkpoint/chain-bases.ts'
import type { Remote } from './comlink.ts'
import { rebuildError } from './error-transport.ts'
import type { HostApi, Outcome } from './host-spec.ts'

/**
 * A worker host's checkpoint side, seen from the coordinator: each call is a message on the
 * host's control port (in order, so `entries` is registered before its barrier is injected),
 * and a failure on the worker comes back as the same typed error. `call` races every call
 * against the thread's death.
 */
export class RemoteCheckpoints implements CheckpointParticipant {
  constructor(private readonly api: Remote<HostApi>, private readonly call: <T>(f: () => Promise<T>) => Promise<T>) {}

  prepare(checkpointId: number, bases: ChainBases): Promise<void> {
    return this.call(() => this.api.prepare(checkpointId, bases))
  }

  async pauseSources(): Promise<SourcePause[]> {
    return valueOf(await this.ask<SourcePause[]>(() => this.api.pauseSources()))
  }

  injectBarrier(barrier: CheckpointBarrier, cuts: Readonly<Record<number, number>>, stopAfter: boolean): Promise<void> {
    return this.call(() => this.api.injectBarrier(barrier, { ...cuts }, stopAfter))
  }

  async entries(checkpointId: number): Promise<HostEntries> {
    return valueOf(await this.ask<HostEntries>(() => this.api.entries(checkpointId)))
  }

  abandon(checkpointId: number): Promise<void> {
    return this.call(() => this.api.abandon(checkpointId))
  }

  async commit(checkpointId: number, last = false): Promise<void> {
    valueOf(await this.ask<void>(() => this.api.commit(checkpointId, last)))
  }

  async holders(): Promise<HolderEntry[]> {
    return valueOf(await this.ask<HolderEntry[]>(() => this.api.holders()))
  }

  async readForRestore(manifest: Manifest): Promise<BlobProblem[]> {
    return valueOf(await this.ask<BlobProblem[]>(() => this.api.readForRestore(manifest)))
  }

  dropRestoreReads(): Promise<void> {
    return this.call(() => this.api.dropRestoreReads())
  }

  async restoreLevel(manifest: Manifest, level: number): Promise<void> {
    valueOf(await this.ask<void>(() => this.api.restoreLevel(manifest, level)))
  }

  /** comlink's Remote type does not keep a union result's shape: the call's outcome, typed again. */
  private ask<T>(f: () => Promise<unknown>): Promise<Outcome<T>> {
    return this.call(f) as Promise<Outcome<T>>
  }

  startAt(cuts: Readonly<Record<number, number>>, ended: Readonly<Record<string, EndedStep>>, rewound: boolean): Promise<void> {
    return this.call(() => this.api.startAt({ ...cuts }, { ...ended }, rewound))
  }
}

function valueOf<T>(o: Outcome<T>): T {
  if (!o.ok) throw rebuildError(o.error)
  return o.value
}
