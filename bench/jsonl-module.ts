/** The JSONL workload as a pipeline module: flights read from a file, counted per origin, written to a file. */
import { pipeline, sinks, sources } from '../index.ts'

interface Flight { id: number; date: string; delay: number; distance: number; origin: string; destination: string }

export default (params: { input: string; output: string }) => pipeline('flights')
  .source('flights', sources.jsonl<Flight>(params.input))
  .keyBy((r) => r.origin)
  .process('per-origin', () => {
    const counts = new Map<string, number>()
    return {
      onBatch(records: readonly Flight[]) { for (const r of records) counts.set(r.origin, (counts.get(r.origin) ?? 0) + 1) },
      onEnd(ctx) { for (const [origin, n] of counts) ctx.emit({ origin, n }) },
    }
  })
  .sink('out', sinks.jsonl(params.output))
