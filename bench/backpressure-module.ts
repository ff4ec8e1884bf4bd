/**
 * An unbounded generator, a keyed pass-through on the workers and a sink that takes `sinkMs`
 * per batch on the main thread: channels stay full, so every checkpoint barrier queues behind
 * them. For the alignment figures of bench/restore.ts; each worker imports this module again.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { pipeline, sources } from '../index.ts'

export default (params: { sinkMs: number }) => {
  const p = pipeline('backpressure-bench')
  p.source('gen', sources.generator({ seed: 9, keys: 500 }))
    .keyBy((r) => r.key)
    .process('pass', () => ({ onBatch(rs, ctx) { for (const r of rs) ctx.emit(r) } }))
    .sink('slow', { kind: 'sink', description: 'slow sink', open: () => ({ write: () => sleep(params.sinkMs) }) })
  return p
}
