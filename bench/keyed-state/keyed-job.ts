/**
 * The oxiflow side of the keyed-state benches: `filling source → keyBy(key) → window(variant) →
 * aggregate('stats', variant) (or the variant's Oxi 'stats') → a sink that drops everything`,
 * inline, file store, codec 'none', every checkpoint full unless `extra` asks for incremental ones,
 * and the waits around it.
 */
import { pipeline, type Job, type RunOptions, type Sink } from '../../index.ts'
import { filling, type Ev, type Filling } from './filling-source.ts'
import type { StateVariant } from './variants.ts'

const none: Sink<unknown> = { kind: 'sink', description: 'none', open: () => ({ write() {} }) }

/** A running keyed-state job and its source's controls. */
export interface KeyedJob extends Filling {
  readonly job: Job
}

/**
 * Starts the job of `variant` over `keys` keys with its checkpoints in the file store at `store`;
 * `extra` adds run options (restore, incremental…).
 *
 * @example
 * const run = startKeyedJob(stateVariants[0]!, 20_000, '/tmp/ks', { restore: 'latest' })
 */
export function startKeyedJob(variant: StateVariant, keys: number, store: string, extra: Partial<RunOptions> = {}): KeyedJob {
  const f = filling(keys)
  const keyed = pipeline('keyed-state').source('in', f.source).keyBy((r: Ev) => r.key)
  const job = variant.attach(keyed).sink('out', none)
    .run({ workers: 0, store, codec: 'none', retain: 2, incremental: false, ...extra } as RunOptions)
  return { job, ...f }
}

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * await tick(5)
 */
export const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Waits until every record asked for so far went through the aggregate step (the state holds them).
 *
 * @example
 * run.churn(200); await untilProcessed(run)
 */
export async function untilProcessed(run: KeyedJob): Promise<void> {
  while (!run.filled() || (run.job.metrics().steps.stats?.recordsIn ?? 0) < run.total()) {
    if (run.job.metrics().status === 'failed') await run.job.done
    await tick()
  }
}

/**
 * Ends the job without its final checkpoint (the source throws) and waits for it.
 *
 * @example
 * await endKeyedJob(run)
 */
export async function endKeyedJob(run: KeyedJob): Promise<void> {
  run.halt()
  await run.job.done.catch(() => undefined)
}
