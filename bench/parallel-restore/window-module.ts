/**
 * Keyed window state for bench/parallel-restore.ts, as a pipeline module (each worker imports it
 * again): the keyed-state bench's filling source (N keys × 3 records, then idle) → keyBy →
 * `window(tumbling, 1 year)` → `aggregate({ count, sum, avg, max })` with parallelism 2 — two
 * key-group shares, on one worker or two. Once the file `haltFile` exists the source's next read
 * throws, so a run ends without the final checkpoint of a graceful stop (a worker cannot be
 * called into; a file it can see).
 */
import { existsSync } from 'node:fs'
import { pipeline, type Sink, type Source } from '../../index.ts'
import { filling, type Ev } from '../keyed-state/filling-source.ts'
import { stateVariants } from '../keyed-state/variants.ts'

/** The module's parameters (JSON: workers get them again). */
export interface WindowStateParams {
  readonly keys: number
  readonly haltFile: string
}

const none: Sink<unknown> = { kind: 'sink', description: 'none', open: () => ({ write() {} }) }

/** The filling source, halted by the existence of `haltFile`. */
function haltable(keys: number, haltFile: string): Source<Ev> {
  const inner = filling(keys).source
  return {
    ...inner,
    async open(ctx) {
      const reader = await inner.open(ctx)
      return {
        ...reader,
        read(max) {
          if (existsSync(haltFile)) throw new Error('bench: halted (ends the job without a final checkpoint)')
          return reader.read(max)
        },
      }
    },
  }
}

export default (params: WindowStateParams) => {
  const tumbling = stateVariants.find((v) => v.name === 'tumbling')!
  const keyed = pipeline('parallel-restore-windows').source('in', haltable(params.keys, params.haltFile)).keyBy((r: Ev) => r.key)
  return tumbling.attach(keyed, { parallelism: 2 }).sink('out', none)
}
