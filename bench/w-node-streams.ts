/**
 * Workload W, variant 3: Node streams in object mode — `Readable.from(array) → Transform
 * (per-key accumulators) → Writable`, joined with `stream/promises` pipeline, default
 * highWaterMark (16 objects).
 */
import { Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Checksum, KeyedCountWindows, W, type WEvent, type WindowResult, type WVariant } from './workload-w.ts'

/**
 * Node object-mode streams, one record per chunk.
 *
 * @example
 * const checksum = await nodeStreams.run(buildEvents(1000))
 */
export const nodeStreams: WVariant = {
  name: 'node streams',
  description: 'Readable.from(array) → Transform (objectMode, per-key accumulators) → Writable',
  async run(events: readonly WEvent[]): Promise<Checksum> {
    const out = new Checksum()
    const windows = new KeyedCountWindows(W.windowSize, () => {})
    const transform = new Transform({
      objectMode: true,
      transform(e: WEvent, _encoding, callback) {
        windows.add(e.key, e.value)
        callback()
      },
      flush(callback) {
        windows.flush()
        callback()
      },
    })
    windows.emit = (r) => transform.push(r)
    const sink = new Writable({
      objectMode: true,
      write(r: WindowResult, _encoding, callback) {
        out.add(r)
        callback()
      },
    })
    await pipeline(Readable.from(events), transform, sink)
    return out
  },
}
