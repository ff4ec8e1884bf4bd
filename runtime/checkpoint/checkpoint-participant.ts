import type { EndedStep, Manifest, ManifestHolder } from '../../persistence/checkpoints/manifest.ts'
import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import type { BlobProblem } from '../../persistence/checkpoints/checkpoint-reports.ts'
import type { CheckpointBarrier } from '../messages.ts'
import type { Maybe } from '../maybe.ts'
import type { EndedInstance } from './ended-steps.ts'
import type { ChainBases } from './chain-bases.ts'

/** Where a paused source instance stands: the number of its next read (for one that ended, the one after its last). */
export interface SourcePause {
  readonly vertex: number
  readonly index: number
  readonly nextSeq: number
}

/** A host's part of one checkpoint's manifest: its holders' entries and its instances that had ended before the barrier. */
export interface HostEntries {
  readonly holders: ManifestHolder[]
  readonly ended: EndedInstance[]
  /** The longest an instance on the host stopped at the barrier to snapshot (ms). */
  readonly pauseMs: number
}

/**
 * One host's part in checkpoints, as the coordinator drives it: this thread's HostCheckpoints,
 * or a worker host's, reached over its control port. Everything crossing it is plain data.
 */
export interface CheckpointParticipant {
  /**
   * Before checkpoint `checkpointId`'s barrier is injected anywhere: which holder instances may
   * write changes on top of which chain (incremental checkpoints; those not in `bases` write full).
   */
  prepare(checkpointId: number, bases: ChainBases): Maybe<void>
  /** Pauses every source instance on the host at a read boundary. */
  pauseSources(): Promise<SourcePause[]>
  /** Resumes the paused sources with `barrier` at each source vertex's cut. */
  injectBarrier(barrier: CheckpointBarrier, cuts: Readonly<Record<number, number>>, stopAfter: boolean): Maybe<void>
  /** The host's manifest entries of a checkpoint, once every instance on it snapshotted and its blobs are written. */
  entries(checkpointId: number): Promise<HostEntries>
  abandon(checkpointId: number): Maybe<void>
  /** The manifest is written: the host's sinks publish what they staged. `last`: the job's end checkpoint (for fault points). */
  commit(checkpointId: number, last?: boolean): Promise<void>
  /** The host's holders, as the registry needs them to check dependencies before the job starts. */
  holders(): Maybe<HolderEntry[]>
  /**
   * Reads, checks and decodes every blob the host's holders would restore from `manifest`, on
   * the host's thread, keeping the states for restoreLevel; the blobs' problems (none: restore).
   */
  readForRestore(manifest: Manifest): Promise<BlobProblem[]>
  /** Drops the states readForRestore kept. */
  dropRestoreReads(): Maybe<void>
  /** Restores the host's holders of one restore level from the manifest's blobs (those readForRestore read, or read now). */
  restoreLevel(manifest: Manifest, level: number): Promise<void>
  /**
   * After a restore: sources continue at their cuts, sequence-merging receivers expect the first
   * number at or after them, and instances that had ended (the manifest's `ended`) only pass their end on.
   * `rewound`: a committed checkpoint newer than the restored one exists (see `SinkWriter.rewound`).
   */
  startAt(cuts: Readonly<Record<number, number>>, ended: Readonly<Record<string, EndedStep>>, rewound: boolean): Maybe<void>
}
