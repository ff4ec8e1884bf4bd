/**
 * Clickstream: live page-view counts over an endless stream of clicks.
 *
 *   npm start                                      5 seconds, as fast as the machine goes
 *   oxiflow run examples/clickstream.ts --params '{"seconds":10,"rate":20000,"pages":50}'
 *   oxiflow run examples/clickstream.ts --params '{"seconds":0}'      until Ctrl-C
 *
 * The clicks come from the seeded generator with no `count`: an unbounded, streaming input.
 * How the job ends: `forSeconds` below ends that input after `params.seconds` on the job's clock,
 * so the job drains and completes by itself (exit 0) and the sink prints the final totals.
 * Ctrl-C stops it earlier, gracefully (also exit 0); `seconds: 0` runs until Ctrl-C. Ending the
 * input, rather than stopping the job from a timer, keeps the module free of side effects: it
 * only builds the pipeline, as a module a worker thread re-imports must.
 *
 * Params: seconds (default 5), rate (clicks per second; default: unpaced), pages (default 20),
 * quiet (true: print nothing, e.g. with --json).
 */
import { InvalidOptionError, pipeline, sources, type Oxi, type OxiContext, type Sink, type Source, type StateHolder } from '../index.ts'

interface Params { seconds?: number; rate?: number; pages?: number; quiet?: boolean }
interface PageView { page: string; ts: number }
interface PageCount { key: string; count: number }

export default function clickstream(params: Params = {}) {
  const { seconds = 5, rate, pages = 20, quiet = false } = params
  if (!(typeof seconds === 'number' && seconds >= 0)) {
    throw new InvalidOptionError('seconds', `clickstream: params.seconds must be a number ≥ 0 (got ${String(seconds)}); 0 runs until Ctrl-C`)
  }
  const clicks = sources.generator({ seed: 42, keys: pages, ...(rate === undefined ? {} : { rate }) })
  return pipeline('clickstream')
    .source('clicks', seconds > 0 ? forSeconds(clicks, seconds) : clicks)
    .map('page', (c): PageView => ({ page: `/page/${c.key.slice(1)}`, ts: c.ts }))
    .keyBy((v) => v.page)
    .process('counts', () => pageCounts())
    .sink('report', report(quiet))
}

/** Running totals per page, snapshotted by the persistence layer as a plain Map. */
class CountsHolder implements StateHolder<Map<string, number>> {
  readonly stateId = 'counts/totals'
  readonly stateVersion = '1.0.0'
  totals = new Map<string, number>()
  snapshot() { return new Map(this.totals) }
  restore(state: Map<string, number>) { this.totals = new Map(state) }
}

/** Counts views per page; after each batch emits the new total of every page the batch touched. */
function pageCounts(): Oxi<PageView, PageCount> {
  const state = new CountsHolder()
  return {
    holders: () => [state],
    onBatch(views, ctx: OxiContext<PageCount>) {
      const touched = new Set<string>()
      for (const v of views) {
        const page = String(ctx.key(v))
        state.totals.set(page, (state.totals.get(page) ?? 0) + 1)
        touched.add(page)
      }
      for (const key of touched) ctx.emit({ key, count: state.totals.get(key)! })
    },
  }
}

/** Prints the top pages and the click rate once a second, and the final totals at the end. */
function report(quiet: boolean): Sink<PageCount> {
  return {
    kind: 'sink',
    description: 'clickstream report',
    state: [], // it prints; nothing to restore
    open({ clock }) {
      const latest = new Map<string, number>()
      const started = clock.now()
      let nextPrint = started + 1000
      const total = () => { let n = 0; for (const c of latest.values()) n += c; return n }
      const line = (label: string) => {
        const secs = Math.max(clock.now() - started, 1) / 1000
        const top = [...latest].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, c]) => `${k} ${c.toLocaleString('en-US')}`)
        return `${label} ${secs.toFixed(1)} s  ${total().toLocaleString('en-US')} clicks  ` +
          `${Math.round(total() / secs).toLocaleString('en-US')} clicks/s  top: ${top.join(' · ')}`
      }
      return {
        write(counts) {
          for (const { key, count } of counts) latest.set(key, count)
          if (!quiet && clock.now() >= nextPrint) { console.log(line('at')); nextPrint += 1000 }
        },
        // Runs when the input ends and also on a graceful stop (in-flight batches drain first).
        end() {
          if (quiet) return
          console.log(line('total after'))
          for (const [page, c] of [...latest].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
            console.log(`  ${page.padEnd(10)} ${c.toLocaleString('en-US').padStart(12)}`)
          }
        },
        result: () => [...latest].map(([key, count]) => ({ key, count })),
      }
    },
  }
}

/** Ends `source` after `seconds` on the job's clock: an unbounded input, cut to a bounded run. */
function forSeconds<T>(source: Source<T>, seconds: number): Source<T> {
  return {
    kind: 'source',
    description: `${source.description} for ${seconds} s`,
    bounded: true,
    // Its reader's holders are the wrapped source's, so is its declared state (what `oxiflow plan` shows).
    ...(source.state && { state: source.state }),
    async open(ctx) {
      const reader = await source.open(ctx)
      const until = ctx.clock.now() + seconds * 1000
      return {
        read: (max) => ctx.clock.now() >= until ? undefined : reader.read(max),
        position: () => reader.position(),
        close: () => reader.close?.(),
        holders: () => reader.holders?.() ?? [],
      }
    },
  }
}
