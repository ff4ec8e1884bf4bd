import { isOxiflowError } from '../oxiflow-error.ts'
import type { StateHolder } from '../state-holder.ts'
import type { StateStore } from '../stores/state-store.ts'
import { chainBlobs } from './holder-chain.ts'
import type { Manifest, ManifestHolder } from './manifest.ts'
import { readHolderState } from './read-holder-state.ts'
import { StateRestoreError } from './state-restore-error.ts'

/**
 * Reads the state a holder entry restores to: its blob for a full snapshot; for 'changes', every
 * blob of its chain (read and decoded at once, as a restore reads a level) folded oldest first
 * with the holder's `applyChanges` — full, then each change in checkpoint order. A link that is
 * missing or corrupt throws what readHolderState throws for it, naming the checkpoint that wrote
 * it. A holder without `applyChanges` given changes, or one whose `applyChanges` throws, is a
 * StateRestoreError naming step, state and checkpoint: nothing is restored.
 *
 * @example
 * const state = await readChainState(store, manifest, entry, holder) // then restoreHolder(holder, …, state, …)
 */
export async function readChainState(store: Pick<StateStore, 'get'>, manifest: Manifest, entry: ManifestHolder,
  holder: Pick<StateHolder, 'applyChanges'>): Promise<unknown> {
  const links = chainBlobs(manifest, entry)
  const states = await Promise.all(links.map((l) => readHolderState(store, { pipelineId: manifest.pipelineId, checkpointId: l.checkpointId }, l.holder)))
  return foldChain(manifest, entry, holder, states)
}

/**
 * Folds a holder entry's chain, its blobs' states oldest first (chainBlobs' order), with the
 * holder's `applyChanges` into the state it restores to (see readChainState).
 *
 * @example
 * const state = foldChain(manifest, entry, holder, [full, changes])
 */
export function foldChain(manifest: Manifest, entry: ManifestHolder, holder: Pick<StateHolder, 'applyChanges'>, states: readonly unknown[]): unknown {
  if (states.length === 1) return states[0]
  const from = `checkpoint ${manifest.checkpointId} of pipeline '${manifest.pipelineId}' (incremental: a chain of ${states.length} snapshots, ` +
    `the full one of checkpoint ${chainBlobs(manifest, entry)[0]!.checkpointId})`
  if (typeof holder.applyChanges !== 'function') {
    throw new StateRestoreError(entry.step, entry.stateId, from, new TypeError('the holder has no applyChanges() to fold the changes a checkpoint ' +
      'holds into its full snapshot; give it applyChanges, or restore a checkpoint whose snapshot of this state is full'))
  }
  let state = states[0]
  for (const changes of states.slice(1)) {
    try {
      state = holder.applyChanges(state, changes)
    } catch (e) {
      if (isOxiflowError(e)) throw e
      throw new StateRestoreError(entry.step, entry.stateId, from, e)
    }
  }
  return state
}

/**
 * A 'changes' snapshot as offline tools show it, without the holder to fold it: each blob of
 * its chain decoded, oldest (the full one) first.
 *
 * @example
 * const c: ChainState = { chain: [{ checkpointId: 5, snapshot: 'full', state: new Map() }, { checkpointId: 6, snapshot: 'changes', state: new Map() }] }
 */
export interface ChainState {
  readonly chain: ReadonlyArray<{ readonly checkpointId: number; readonly snapshot: 'full' | 'changes'; readonly state: unknown }>
}

/**
 * Reads a holder entry without folding: its state for a full snapshot, a ChainState for changes.
 *
 * @example
 * await readUnfolded(store, manifest, entry) // { chain: [{ checkpointId: 5, snapshot: 'full', state }, …] }
 */
export async function readUnfolded(store: Pick<StateStore, 'get'>, manifest: Manifest, entry: ManifestHolder): Promise<unknown> {
  if (entry.snapshot !== 'changes') return readHolderState(store, manifest, entry)
  const links = chainBlobs(manifest, entry)
  const states = await Promise.all(links.map((l) => readHolderState(store, { pipelineId: manifest.pipelineId, checkpointId: l.checkpointId }, l.holder)))
  return { chain: links.map((l, i) => ({ checkpointId: l.checkpointId, snapshot: l.holder.snapshot ?? 'full', state: states[i] })) } satisfies ChainState
}
