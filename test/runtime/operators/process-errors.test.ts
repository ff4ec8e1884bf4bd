// `.process` under an error policy other than 'fail': a failure is one record's, whatever the
// batch size or worker count. Applied to a whole batch, skip dropped up to 1,024 good records
// with each bad one (found from outside), so the output depended on both.
import test from 'ava'
import build, { type FailingOxiParams } from '../../fixtures/process/failing-oxi.ts'

const module = new URL('../../fixtures/process/failing-oxi.ts', import.meta.url).href
const count = 5000
const every = 997

/** The plain loop: each key's good records counted in order; the failing ones left out (or counted, when a retry succeeds). */
function oracle(retried: boolean): { out: string[]; failed: number[] } {
  const counts = new Map<string, number>()
  const out: string[] = []
  const failed: number[] = []
  // The generator's records, as sources.generator makes them (seed 3, 7 keys).
  for (const r of generated) {
    if (r.id % every === 0 && !retried) { failed.push(r.id); continue }
    const n = (counts.get(r.key) ?? 0) + 1
    counts.set(r.key, n)
    out.push(JSON.stringify({ id: r.id, key: r.key, n }))
  }
  return { out: out.sort(), failed }
}

let generated: { id: number; key: string }[] = []
test.before(async () => {
  const { pipeline, sources, sinks } = await import('../../../index.ts')
  const s = await pipeline('g').source('gen', sources.generator({ seed: 3, count, keys: 7 })).sink('out', sinks.collect()).run().done
  generated = s.results.out as { id: number; key: string }[]
})

const runs: [string, object][] = [['inline', {}], ['inline, batches of 7', { batchSize: 7 }], ['inline, batches of 1', { batchSize: 1 }], ['2 workers', { workers: 2 }]]
for (const policy of ['skip', 'deadLetter', 'retry'] as const) {
  for (const async of [false, true]) {
    for (const [label, options] of runs) {
      test(`.process, onError ${policy}${async ? ', async onBatch' : ''}, ${label}: only the failing records fail`, async (t) => {
        t.timeout(60_000)
        const params: FailingOxiParams = { count, every, policy, once: policy === 'retry', async }
        const s = await build(params).run({ ...options, ...('workers' in options && { module, params }) }).done
        const expected = oracle(policy === 'retry')
        t.deepEqual((s.results.out as unknown[]).map((r) => JSON.stringify(r)).sort(), expected.out)
        t.is(s.steps.count!.failed, expected.failed.length)
        if (policy === 'deadLetter') {
          const letters = (s.deadLetters?.count ?? []) as { record: { id: number }; error: string }[]
          t.deepEqual(letters.map((l) => l.record.id).sort((a, b) => a - b), expected.failed)
          t.true(letters.every((l) => l.error === `record ${l.record.id} fails`))
        }
      })
    }
  }
}
