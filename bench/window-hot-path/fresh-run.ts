/**
 * One timed run of one window-hot-path variant in a process of its own (BENCH_WH_FRESH=1): the
 * variant is the first pipeline the process runs, as a job is in production. Prints one line of
 * JSON: `{ ms, checksum }`. Arguments: group index, variant index.
 * Run by bench/window-hot-path.ts: node --expose-gc --import tsx bench/window-hot-path/fresh-run.ts 0 1
 */
import { collectGarbage, timeOnce } from '../measure.ts'
import { buildEvents, W } from '../workload-w.ts'
import { hotPathGroups } from './groups.ts'

const [group, variant] = process.argv.slice(2).map(Number)
const v = hotPathGroups()[group!]!.variants[variant!]!
const input = buildEvents(Number(process.env.BENCH_W_EVENTS ?? W.events))
collectGarbage()
const { ms, value } = await timeOnce(() => v.run(input))
console.log(JSON.stringify({ ms, checksum: value }))
