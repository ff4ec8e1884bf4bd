/**
 * Workload W, variant 4: oxiflow inline (`workers: 0`) — `sources.iterable(array) → keyBy(key) →
 * .process(per-key count windows as an Oxi) → a checksum Sink`, default batch size and channel
 * capacity. The Oxi emits partial windows in `onEnd` (end of bounded input).
 */
import { pipeline, sources, type Oxi, type OxiContext, type Sink } from '../index.ts'
import { Checksum, KeyedCountWindows, W, type WEvent, type WindowResult, type WVariant } from './workload-w.ts'

/** The count windows as an Oxi (until oxiflow has windows): one accumulator per key. */
function countWindowsOxi(): Oxi<WEvent, WindowResult> {
  const windows = new KeyedCountWindows(W.windowSize, () => {})
  return {
    open(ctx: OxiContext<WindowResult>) {
      windows.emit = (r) => ctx.emit(r)
    },
    onBatch(records: readonly WEvent[]) {
      for (let i = 0; i < records.length; i++) windows.add(records[i]!.key, records[i]!.value)
    },
    onEnd() {
      windows.flush()
    },
  }
}

/**
 * A sink that only digests what it gets (no records kept).
 *
 * @example
 * const out = new Checksum(); p.sink('out', checksumSink(out))
 */
export function checksumSink(out: Checksum): Sink<WindowResult> {
  return {
    kind: 'sink',
    description: 'checksum',
    open: () => ({
      write(records) {
        for (let i = 0; i < records.length; i++) out.add(records[i]!)
      },
    }),
  }
}

/**
 * oxiflow on the main thread; building the pipeline is inside the timing (it is what a user runs).
 *
 * @example
 * const checksum = await oxiflowInline.run(buildEvents(1000))
 */
export const oxiflowInline: WVariant = {
  name: 'oxiflow',
  description: "oxiflow pipeline: source(iterable(array)) → keyBy(key) → process(count-window Oxi) → sink, run({ workers: 0 })",
  async run(events: readonly WEvent[]): Promise<Checksum> {
    const out = new Checksum()
    const summary = await pipeline('w')
      .source('events', sources.iterable(events))
      .keyBy((r: WEvent) => r.key)
      .process('windows', countWindowsOxi)
      .sink('out', checksumSink(out))
      .run({ workers: 0 }).done
    if (summary.status !== 'completed') throw new Error(`oxiflow job ended with status '${summary.status}'`)
    return out
  },
}
