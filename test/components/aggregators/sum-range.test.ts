import test from 'ava'
import { agg, pipeline, sinks, sources, windows, type Window } from '../../../index.ts'

// A sum of values up to 1e292 in size cannot leave the range of a double (2^53 of them stay below
// Number.MAX_VALUE), so sum and avg refuse larger ones: 1e308 + 1e308 read NaN for good before.
type R = { k: string; v: number; t: number }
const values = [1, 1e308, 1e308, 1, 1, -1e293, 2, 1e292, 1e292, -1e292, 3]
const input: R[] = values.map((v, i) => ({ k: 'a', v, t: i }))
const taken = input.filter((r) => Math.abs(r.v) <= 1e292)

const cases: Array<{ name: string; window: () => Window<R>; oracle: (rs: R[]) => number[][] }> = [
  { name: 'lengthBatch(2), in rows', window: () => windows.lengthBatch(2), oracle: (rs) => chunks(rs, 2) },
  { name: 'length(2), evicting', window: () => windows.length(2), oracle: (rs) => rs.map((_, i) => rs.slice(Math.max(0, i - 1), i + 1).map((r) => r.v)) },
  { name: 'tumbling 3, in rows', window: () => windows.tumbling({ size: 3, time: (r: R) => r.t }), oracle: (rs) => byStart(rs, 3) },
  { name: 'session gap 1, merging', window: () => windows.session({ gap: 1, time: (r: R) => r.t }), oracle: (rs) => sessions(rs, 1) },
]

for (const c of cases) {
  test(`${c.name}: sum and avg refuse |x| > 1e292 naming the record; under 'skip' the windows equal a plain loop over the values taken`, async (t) => {
    const run = (onError: 'fail' | 'skip') => pipeline('p').source('in', sources.iterable(input)).keyBy((r) => r.k).window('w', c.window())
      .aggregate('stats', { total: agg.sum((r: R) => r.v), mean: agg.avg((r: R) => r.v) }, { onError }).sink('out', sinks.collect()).run().done
    await t.throwsAsync(run('fail'), { message: /agg\.sum: fn must return a finite number with \|x\| <= 1e292 .*\(got 1e\+308\)/ })
    const s = await run('skip')
    t.is(s.steps.stats!.failed, values.length - taken.length)
    const out = (s.results.out as Array<{ total: number; mean: number }>).map((w) => [w.total, w.mean])
    const expected = c.oracle(taken).map((vs) => { const sum = vs.reduce((a, b) => a + b, 0); return [sum, sum / vs.length] })
    t.deepEqual(out, expected)
    for (const [total, mean] of out) t.true(Number.isFinite(total) && Number.isFinite(mean), `finite: ${total}, ${mean}`)
  })
}

function chunks(rs: R[], n: number): number[][] {
  const out: number[][] = []
  for (let i = 0; i < rs.length; i += n) out.push(rs.slice(i, i + n).map((r) => r.v))
  return out
}

function byStart(rs: R[], size: number): number[][] {
  const by = new Map<number, number[]>()
  for (const r of rs) {
    const s = Math.floor(r.t / size) * size
    if (!by.has(s)) by.set(s, [])
    by.get(s)!.push(r.v)
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([, vs]) => vs)
}

function sessions(rs: R[], gap: number): number[][] {
  const out: number[][] = []
  let last = -Infinity
  for (const r of rs) {
    if (r.t - last > gap) out.push([])
    out.at(-1)!.push(r.v)
    last = r.t
  }
  return out
}
