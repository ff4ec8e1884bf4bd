import test from 'ava'
import { type Pipeline } from '../../../../index.ts'
import type { Rec, WindowCase, WindowParams } from '../../../fixtures/windows/window-pipeline.ts'

const fixture = new URL('../../../fixtures/windows/window-pipeline.ts', import.meta.url).href

/** In-order input (event time never goes back), so which records are late does not depend on how keys spread over instances. */
const input: Rec[] = (() => {
  let seed = 17
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
  let t = 1_000
  return Array.from({ length: 3000 }, (_, id) => ({ k: `k${Math.floor(rnd() * 10)}`, v: Math.floor(rnd() * 100), t: (t += 1 + Math.floor(rnd() * 3)), id }))
})()

const cases: [string, WindowParams][] = [
  ['length(7)', { type: 'length', n: 7 }],
  ['lengthBatch(25)', { type: 'lengthBatch', n: 25 }],
  ['sort(5)', { type: 'sort', n: 5 }],
  ['tumbling(200)', { type: 'tumbling', size: 200, maxOutOfOrderness: 0, allowedLateness: 0 }],
  ['sliding(300, 100)', { type: 'sliding', size: 300, slide: 100, maxOutOfOrderness: 0, allowedLateness: 0 }],
  ['session(gap 6)', { type: 'session', gap: 6, maxOutOfOrderness: 0, allowedLateness: 0 }],
]

const byWindow = (out: unknown): unknown[] => [...(out as { key: string; windowStart: number; windowEnd: number }[])]
  .sort((a, b) => a.key.localeCompare(b.key) || a.windowStart - b.windowStart || a.windowEnd - b.windowEnd || JSON.stringify(a).localeCompare(JSON.stringify(b)))

for (const [name, window] of cases) {
  test.serial(`windows.${name} with aggregates gives the same windows inline and on 2 workers`, async (t) => {
    t.timeout(60_000)
    const { default: build } = await import(fixture) as { default: (c: WindowCase) => Pipeline<unknown> }
    const c: WindowCase = { input, window, kind: 'aggregate', keyed: true }
    const inline = await build(c).run().done
    const onWorkers = await build(c).run({ workers: 2, module: fixture, params: c }).done
    const out = byWindow(inline.results.out)
    t.true(out.length > 0)
    t.deepEqual(byWindow(onWorkers.results.out), out)
  })
}
