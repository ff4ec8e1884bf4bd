/**
 * Workload W as a pipeline module, for runs on worker threads (each worker imports it again).
 * The 5M events are built lazily, on the instance that reads them, not in every worker.
 */
import { agg, pipeline, windows, type Oxi, type Sink, type Source } from '../index.ts'
import { buildEvents, KeyedCountWindows, W, type WEvent, type WindowResult } from './workload-w.ts'

/** `n` events, built when the source opens (before the job runs) on the thread that reads them, read in slices. */
function eventsSource(n: number): Source<WEvent> {
  return {
    kind: 'source', description: 'workload W', bounded: true,
    open() {
      const all = buildEvents(n)
      let i = 0
      return {
        read(max) {
          if (i >= all.length) return undefined
          const batch = all.slice(i, i + max)
          i += batch.length
          return batch
        },
        position: () => i,
      }
    },
  }
}

function countWindowsOxi(): Oxi<WEvent, WindowResult> {
  const windows = new KeyedCountWindows(W.windowSize, () => {})
  return {
    open(ctx) { windows.emit = (r) => ctx.emit(r) },
    onBatch(records) { for (let i = 0; i < records.length; i++) windows.add(records[i]!.key, records[i]!.value) },
    onEnd() { windows.flush() },
  }
}

/** Keeps nothing, so it may run on a worker (next to the windows' step: no record crosses to the main thread); `onMain` keeps it on the main thread, as sinks were before. */
const counted = (onMain: boolean): Sink<unknown> => ({ kind: 'sink', description: 'count', workerSafe: !onMain, open: () => ({ write() {} }) })

/** `{ windows: true }`: the real window step; otherwise the Oxi of bench/w-oxiflow.ts. `events`: how many (default W's 5M). `sinkOnMain`: the sink on the main thread. */
export default (params: { windows?: boolean; events?: number; sinkOnMain?: boolean }) => {
  const keyed = pipeline('w').source('events', eventsSource(params.events ?? W.events)).keyBy((r: WEvent) => r.key)
  if (params.windows) {
    keyed.window('w100', windows.lengthBatch(W.windowSize))
      .aggregate('stats', { count: agg.count(), sum: agg.sum((r: WEvent) => r.value), min: agg.min((r: WEvent) => r.value), max: agg.max((r: WEvent) => r.value), avg: agg.avg((r: WEvent) => r.value) })
      .sink('out', counted(params.sinkOnMain === true))
  } else {
    keyed.process('windows', countWindowsOxi).sink('out', counted(params.sinkOnMain === true))
  }
  return keyed
}
