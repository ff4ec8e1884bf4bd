/**
 * Per-key state in an Oxi: a running count and the last three values of each key, kept by the
 * runtime (checkpointed, moved by key group when the worker count changes, forgotten after a
 * minute without a record of its key).
 *
 *   oxiflow run examples/keyed-state.ts
 *   oxiflow run examples/keyed-state.ts --workers 2 --store ./state --checkpoint-interval 200
 */
import { pipeline, sinks, sources, type ListState, type ValueState } from '../index.ts'

type GeneratedRecord = sources.GeneratedRecord

export default function keyedState() {
  const p = pipeline('keyed-state')
  p.source('events', sources.generator({ seed: 7, count: 1_000, keys: 5 }))
    .keyBy((r) => r.key)
    .process('running', () => {
      let count: ValueState<number, GeneratedRecord>
      let last: ListState<number, GeneratedRecord>
      return {
        open(ctx) {
          count = ctx.state.value('count', { version: '1.0.0', ttl: { ms: 60_000 } })
          last = ctx.state.list('last')
        },
        onBatch(records, ctx) {
          for (const r of records) {
            const n = (count.get(r) ?? 0) + 1
            count.set(r, n)
            last.update(r, [...last.get(r), r.value].slice(-3))
            if (n % 100 === 0) ctx.emit({ key: ctx.key(r), n, last: last.get(r) })
          }
        },
      }
    })
    .sink('out', sinks.console())
  return p
}
