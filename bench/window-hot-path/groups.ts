/**
 * The variant groups of bench/window-hot-path.ts, in one place for the script and for its child
 * processes (fresh mode): the first variant of each group is its baseline.
 */
import { handLoop } from '../w-hand-loop.ts'
import { nodeStreams } from '../w-node-streams.ts'
import { oxiflowInline } from '../w-oxiflow.ts'
import { rxjsGroupBy } from '../w-rxjs.ts'
import { W, type WVariant } from '../workload-w.ts'
import { columnLoop } from './column-loop.ts'
import { stepColumnsLoop, stepRowsLoop } from './layout-loops.ts'
import { oxiflowCountWindows, oxiflowTimeWindows } from './oxiflow-windows.ts'
import { timeHandLoop } from './time-hand-loop.ts'

/** Event-time tumbling windows of 100 s: ≈ 100 events per key per window, as the count windows. */
export const TIME_WINDOW_MS = 100_000

/** A group of variants timed together, the first its baseline. */
export interface VariantGroup { readonly title: string; readonly variants: readonly WVariant[] }

/**
 * The groups: count windows against the hand loop (with the column loop, the step's layout as
 * plain loops in columns and in rows, the Oxi, RxJS and Node streams), event-time windows against their own hand loop.
 *
 * @example
 * const [count, time] = hotPathGroups()
 */
export function hotPathGroups(): VariantGroup[] {
  const oxi = { ...oxiflowInline, name: 'oxiflow Oxi' }
  return [
    { title: `Tumbling count windows of ${W.windowSize} per key (window(lengthBatch(${W.windowSize})))`, variants: [handLoop, oxiflowCountWindows, columnLoop, stepColumnsLoop, stepRowsLoop, oxi, rxjsGroupBy, nodeStreams] },
    { title: `Event-time tumbling windows of ${TIME_WINDOW_MS / 1000} s per key (window(tumbling({ size: ${TIME_WINDOW_MS} })))`, variants: [timeHandLoop(TIME_WINDOW_MS), oxiflowTimeWindows(TIME_WINDOW_MS)] },
  ]
}
