/**
 * A job with a large keyed state, for the parallel-restore bench: a slow ticking source, keyed,
 * and a `.process` step whose keyed holder holds `keys` entries in all (each instance builds the
 * share of the keys its key groups own), then a sink that records when its first record came.
 * Run on worker threads, each worker imports this module again.
 */
import { keyGroupOf, pipeline, sources, type Sink } from '../index.ts'

const MAX_KEY_GROUPS = 128

export interface RestoreParams {
  readonly keys: number
  readonly parallelism: number
  /** Build the state on open (the checkpointed run) or start empty (the restored runs). */
  readonly build: boolean
}

/** When the sink's first record came (epoch ms), shared with the bench through a global on the main thread. */
export const firstOutput: { at: number | undefined } = { at: undefined }

const timed: Sink<unknown> = {
  kind: 'sink', description: 'first-record clock', open: () => ({ write() { firstOutput.at ??= Date.now() } }),
}

export default (params: RestoreParams) => {
  const p = pipeline('restore-bench')
  p.source('tick', sources.generator({ seed: 1, rate: 20, keys: 1000 }))
    .keyBy((r) => r.key)
    .process('state', () => {
      // Keyed state: key group → (key → value); a checkpoint snapshots it whole, a restore gets its own groups.
      let groups = new Map<number, Map<string, number>>()
      return {
        open(ctx) {
          if (!params.build) return
          for (let i = 0; i < params.keys; i++) {
            const key = `user-${i}`
            const g = keyGroupOf(key, MAX_KEY_GROUPS)
            if (Math.floor((g * params.parallelism) / MAX_KEY_GROUPS) !== ctx.instance) continue
            let m = groups.get(g)
            if (!m) groups.set(g, m = new Map())
            m.set(key, (i * 7919) % 100_000)
          }
        },
        onBatch(records, c) { for (const r of records) c.emit(r) },
        holders: () => [{
          stateId: 'state/users', stateVersion: '1.0.0', keyed: true,
          snapshot: () => groups,
          restore(s: unknown) { groups = s as Map<number, Map<string, number>> },
        }],
      }
    }, { parallelism: params.parallelism })
    .sink('out', timed)
  return p
}
