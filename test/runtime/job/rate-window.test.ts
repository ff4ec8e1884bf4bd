import test from 'ava'
import fc from 'fast-check'
import { RateWindow } from '../../../runtime/job/rate-window.ts'

const one = (v: number) => new Map([['in', v]])

test('the rate is the change from the newest sample at least windowMs older (else the first) to the newest, per second — against the whole history', (t) => {
  // Gaps of at least minGapMs: every sample is kept, so the oracle can search the full history.
  fc.assert(fc.property(fc.array(fc.record({ gap: fc.integer({ min: 100, max: 700 }), add: fc.nat(10_000) }), { minLength: 1, maxLength: 60 }), (steps) => {
    const w = new RateWindow(1000, 100)
    const history: Array<{ at: number; v: number }> = [{ at: 0, v: 0 }]
    w.add(0, one(0))
    for (const { gap, add } of steps) {
      const last = history.at(-1)!
      history.push({ at: last.at + gap, v: last.v + add })
      w.add(last.at + gap, one(last.v + add))
      const newest = history.at(-1)!
      let base = history[0]
      for (const s of history) if (s.at <= newest.at - 1000) base = s
      const expected = ((newest.v - base.v) * 1000) / (newest.at - base.at)
      const found = w.rate('in')!
      if (Math.abs(found - expected) > 1e-9 * Math.max(1, Math.abs(expected))) return false
    }
    return true
  }), { numRuns: 300 })
  t.pass()
})

test('reading changes nothing: any number of reads between two samples give the same rate', (t) => {
  const w = new RateWindow(1000, 100)
  for (let at = 0; at <= 2000; at += 250) w.add(at, one(at * 3))
  const first = w.rate('in')
  for (let i = 0; i < 1000; i++) t.is(w.rate('in'), first)
  t.is(first, 3000)
})

test('a counter at 100/s for 2 s, then 1000/s: the rate follows over the trailing second, sampled every 250 ms', (t) => {
  const w = new RateWindow(1000, 100)
  const value = (at: number) => (at <= 2000 ? at / 10 : 200 + (at - 2000))
  const seen = new Map<number, number>()
  for (let at = 0; at <= 4000; at += 250) {
    w.add(at, one(value(at)))
    seen.set(at, w.rate('in')!)
  }
  t.is(seen.get(250), 100)
  t.is(seen.get(2000), 100)
  t.is(seen.get(2500), (value(2500) - value(1500)) * 1000 / 1000) // half the window at each rate: 550
  t.is(seen.get(3000), 1000)
  t.is(seen.get(4000), 1000)
})

test('samples closer than minGapMs are the newest figures but never the base: a flood does not shrink the window', (t) => {
  const w = new RateWindow(1000, 100)
  for (let at = 0; at <= 3000; at += 5) {
    w.add(at, one(at * 2))
    if (at >= 1100) t.true(w.spanMs >= 1000, `span ${w.spanMs} ms at ${at}`)
    if (at >= 1100) t.true(w.spanMs <= 1100, `span ${w.spanMs} ms at ${at}`)
  }
  t.is(w.rate('in'), 2000)
  t.is(w.newest!.at, 3000)
})

test('before two samples, or with samples at one instant, there is no rate; an older sample is ignored; an unknown series counts from 0', (t) => {
  const w = new RateWindow(1000, 100)
  t.is(w.rate('in'), undefined)
  w.add(10, one(5))
  t.is(w.rate('in'), undefined)
  w.add(10, one(9))
  t.is(w.rate('in'), undefined)
  w.add(510, new Map([['in', 105], ['bytes', 50]]))
  t.is(w.rate('in'), 200)
  w.add(400, one(0))
  t.is(w.rate('in'), 200, 'a sample older than the newest changes nothing')
  t.is(w.rate('bytes'), 100, 'absent from the first sample: counted from 0 there')
})

test('the history stays bounded: after an hour of samples the window still spans about one second', (t) => {
  const w = new RateWindow(1000, 100)
  for (let at = 0; at <= 3_600_000; at += 250) w.add(at, one(at))
  t.true(w.spanMs >= 1000 && w.spanMs <= 1250, String(w.spanMs))
  t.is(w.rate('in'), 1000)
})
