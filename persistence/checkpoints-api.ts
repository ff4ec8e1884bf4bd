import { deletedReport, type VerifyReport } from './checkpoints/checkpoint-reports.ts'
import { isCheckpointNotFoundError } from './checkpoints/checkpoint-not-found-error.ts'
import type { CheckpointStorage } from './checkpoints/checkpoint-storage.ts'
import { PipelineCheckpoints } from './checkpoints/pipeline-checkpoints.ts'
import type { Manifest } from './checkpoints/manifest.ts'
import { compareIds } from './registry/dependency-graph.ts'
import { chainBytes } from './checkpoints/holder-chain.ts'

/**
 * One committed checkpoint as the offline API lists it: a summary of its manifest, or the
 * problem that makes the manifest unreadable.
 *
 * @example
 * const s: CheckpointSummary = { id: 7, ok: true, time: 1718000000000, nodeVersion: 'v20.20.2', codec: 'zstd',
 *   steps: ['agg', 'src'], holders: 3, rawBytes: 5200, storedBytes: 1000, incremental: 1, chainBytes: 4000 }
 *
 * `incremental`: how many of its holders wrote only changes (0: a full checkpoint);
 * `chainBytes`: the stored bytes of older checkpoints' blobs their chains apply on top of (what
 * a restore reads beyond `storedBytes`); `superseded`: why `restore: 'latest'` no longer takes
 * it (a later run went back past it), absent otherwise.
 */
export type CheckpointSummary =
  | {
    readonly id: number; readonly ok: true; readonly time: number; readonly nodeVersion: string; readonly codec: string
    readonly steps: string[]; readonly holders: number; readonly rawBytes: number; readonly storedBytes: number
    readonly incremental: number; readonly chainBytes: number; readonly superseded?: string
    /** The checkpoint this one continues (null: its run started fresh; absent: written before oxiflow recorded it). */
    readonly previous?: number | null
  }
  | { readonly id: number; readonly ok: false; readonly problem: string; readonly superseded?: string }

/**
 * The offline view of a pipeline's checkpoints (docs/architecture.md, "Offline tools"), for tools and users — like
 * Flink's State Processor API. Works without running the pipeline.
 *
 * @example
 * const cps = checkpoints(stores.file('.oxiflow'), 'clicks')
 * const [newest] = await cps.list()
 * await cps.read(newest.id, 'agg') // { 'agg/sum': Map { ... } }
 */
export interface Checkpoints {
  /** Committed checkpoints, newest first; a corrupt manifest is listed with its problem. */
  list(): Promise<CheckpointSummary[]>
  /**
   * Verifies every committed checkpoint (newest first), or the one named. One deleted while it
   * is verified (a running job's retention) is reported `deleted`, never corrupt or unknown.
   */
  verify(): Promise<VerifyReport[]>
  verify(id: number): Promise<VerifyReport>
  /** The decoded state of one step: `{ [stateId]: state }`. */
  read(id: number, step: string): Promise<Record<string, unknown>>
  /** The checkpoint's manifest, checksum verified. */
  show(id: number): Promise<Manifest>
  /** Deletes a checkpoint, keeping blobs other checkpoints reference. */
  delete(id: number): Promise<void>
}

/**
 * Opens a pipeline's checkpoints in a store for offline inspection.
 *
 * @example
 * for (const r of await checkpoints(store, 'clicks').verify()) if (!r.ok) console.error(r.checkpointId, r.problems)
 */
export function checkpoints(store: CheckpointStorage, pipelineId: string): Checkpoints {
  const cs = new PipelineCheckpoints(store, pipelineId)
  async function verify(): Promise<VerifyReport[]>
  async function verify(id: number): Promise<VerifyReport>
  async function verify(id?: number): Promise<VerifyReport | VerifyReport[]> {
    if (id !== undefined) return cs.verify(id)
    const reports: VerifyReport[] = []
    for (const listing of await cs.list()) {
      try {
        reports.push(await cs.verify(listing.id))
      } catch (e) {
        // Listed, then deleted before its manifest was read again (a running job's retention):
        // no id was named, so this is no usage error; read() has just found the manifest gone.
        if (!isCheckpointNotFoundError(e)) throw e
        reports.push(deletedReport(listing.id))
      }
    }
    return reports
  }
  return {
    async list() {
      return (await cs.list()).map((c): CheckpointSummary => c.ok
        ? {
          id: c.id, ok: true, time: c.manifest.time, nodeVersion: c.manifest.nodeVersion, codec: c.manifest.codec,
          steps: [...new Set(c.manifest.holders.map((h) => h.step))].sort(compareIds), holders: c.manifest.holders.length,
          rawBytes: sum(c.manifest.holders.map((h) => h.rawBytes)), storedBytes: sum(c.manifest.holders.map((h) => h.storedBytes)),
          incremental: c.manifest.holders.filter((h) => h.snapshot === 'changes').length, chainBytes: sum(c.manifest.holders.map(chainBytes)),
          ...(c.superseded !== undefined && { superseded: c.superseded }), ...(c.manifest.previous !== undefined && { previous: c.manifest.previous }),
        }
        : { id: c.id, ok: false, problem: c.problem, ...(c.superseded !== undefined && { superseded: c.superseded }) })
    },
    verify,
    read: (id, step) => cs.readState(id, step),
    show: (id) => cs.read(id),
    delete: (id) => cs.delete(id),
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}
