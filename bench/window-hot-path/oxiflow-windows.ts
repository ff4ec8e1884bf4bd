/**
 * The oxiflow side of bench/window-hot-path.ts: workload W through the real window step —
 * `sources.iterable(array) → keyBy(key) → window(…) → aggregate({ count, sum, min, max, avg }) →
 * checksum sink`, `run({ workers: 0 })`, default batch size and channel capacity. Building the
 * pipeline is inside the timing (it is what a user runs).
 */
import { agg, pipeline, sources, windows, type Sink, type Window } from '../../index.ts'
import { checksumSink } from '../w-oxiflow.ts'
import { Checksum, W, type WEvent, type WVariant } from '../workload-w.ts'

function windowed(name: string, description: string, window: () => Window<WEvent>): WVariant {
  return {
    name,
    description,
    async run(events: readonly WEvent[]): Promise<Checksum> {
      const out = new Checksum()
      const summary = await pipeline('w')
        .source('events', sources.iterable(events))
        .keyBy((r: WEvent) => r.key)
        .window('w', window())
        .aggregate('stats', { count: agg.count(), sum: agg.sum((r: WEvent) => r.value), min: agg.min((r: WEvent) => r.value), max: agg.max((r: WEvent) => r.value), avg: agg.avg((r: WEvent) => r.value) })
        .sink('out', checksumSink(out) as Sink<unknown>) // the output rows carry windowStart/windowEnd too
        .run({ workers: 0 }).done
      if (summary.status !== 'completed') throw new Error(`oxiflow job ended with status '${summary.status}'`)
      return out
    },
  }
}

/**
 * Per key tumbling count windows of 100: `window(lengthBatch(100))`, workload W as the hand loop does it.
 *
 * @example
 * const checksum = await oxiflowCountWindows.run(buildEvents(1000))
 */
export const oxiflowCountWindows: WVariant = windowed('oxiflow window',
  `oxiflow source(iterable) → keyBy → window(lengthBatch(${W.windowSize})).aggregate({ count, sum, min, max, avg }) → sink, inline`,
  () => windows.lengthBatch(W.windowSize) as Window<WEvent>)

/**
 * Per key event-time tumbling windows of `size` ms on the events' `ts`: `window(tumbling({ size, time }))`.
 *
 * @example
 * const checksum = await oxiflowTimeWindows(100_000).run(buildEvents(1000))
 */
export function oxiflowTimeWindows(size: number): WVariant {
  return windowed('oxiflow window',
    `oxiflow source(iterable) → keyBy → window(tumbling({ size: ${size}, time: ts })).aggregate({ count, sum, min, max, avg }) → sink, inline`,
    () => windows.tumbling({ size, time: (r: WEvent) => r.ts }))
}
