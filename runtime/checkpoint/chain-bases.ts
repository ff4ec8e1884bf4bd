import { linkOf } from '../../persistence/checkpoints/holder-chain.ts'
import type { ChainLink, Manifest } from '../../persistence/checkpoints/manifest.ts'
import type { IncrementalSettings } from './checkpoint-options.ts'

/**
 * What the coordinator lets each holder instance write at one checkpoint: by baseKey, the chain
 * its changes apply on top of (oldest, a full snapshot, first; the last link is `since`).
 * A holder instance not listed writes a full snapshot. Plain data: it reaches worker hosts.
 *
 * @example
 * const bases: ChainBases = { [baseKey('count/totals', 0, 2)]: [link5, link6] }
 */
export type ChainBases = Readonly<Record<string, readonly ChainLink[]>>

/**
 * The key of one holder instance in ChainBases: its state id, instance index and the step's
 * parallelism — a chain continues only on the instance that wrote it, with the same parallelism.
 *
 * @example
 * baseKey('count/totals', 0, 2) // 'count/totals#0/2'
 */
export function baseKey(stateId: string, instance: number, parallelism: number): string {
  return `${stateId}#${instance}/${parallelism}`
}

/**
 * The bases of the checkpoint after `committed` (the last checkpoint this job committed): every
 * holder entry of it with an instance may be continued by changes, unless its chain would then
 * be longer than `fullEvery` blobs (full every `fullEvery` checkpoints) or its changes already
 * hold more stored bytes than `maxChainRatio` × its full blob (then a restore would read more
 * than a new full snapshot costs). Empty with no committed checkpoint or no settings (all full).
 *
 * @example
 * chainBases(lastManifest, { fullEvery: 10, maxChainRatio: 1 })
 */
export function chainBases(committed: Manifest | undefined, settings: IncrementalSettings | undefined): ChainBases {
  const bases: Record<string, ChainLink[]> = {}
  if (committed === undefined || settings === undefined) return bases
  for (const h of committed.holders) {
    if (h.instance === undefined || h.parallelism === undefined) continue
    const chain = [...(h.snapshot === 'changes' ? h.chain ?? [] : []), linkOf(committed.checkpointId, h)]
    if (chain.length >= settings.fullEvery) continue
    const changed = chain.slice(1).reduce((n, l) => n + l.storedBytes, 0)
    if (changed > settings.maxChainRatio * chain[0]!.storedBytes) continue
    bases[baseKey(h.stateId, h.instance, h.parallelism)] = chain
  }
  return bases
}
