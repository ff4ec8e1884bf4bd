import test from 'ava'
import { InvalidOptionError, pipeline, sinks, sources, type Oxi } from '../../../index.ts'

// p.plan({ openOxis: false }) runs no user code of a .process step (the live page's plan): its
// Oxi is neither made nor opened, and its state is left out with a note. The default opens it.

const build = (opened: { count: number }) => pipeline('open-oxis')
  .source('in', sources.iterable([{ key: 'a', n: 1 }]))
  .keyBy((r) => r.key)
  .process('count', (): Oxi<{ key: string; n: number }, number> => ({
    open(ctx) { opened.count++; ctx.state.value<number>('n') },
    onBatch(rs, ctx) { for (const r of rs) ctx.emit(r.n) },
  }))
  .sink('out', sinks.collect())

test('openOxis false: the Oxi is not opened and its state is not described, saying so; by default it is', (t) => {
  const opened = { count: 0 }
  const p = build(opened)
  const without = p.plan({ workers: 2, openOxis: false })
  t.is(opened.count, 0)
  const count = without.steps.find((s) => s.name === 'count')!
  t.deepEqual(count.state, [])
  t.regex(count.stateNote!, /openOxis: false/)
  t.false(without.restoreLevels.flat().includes('count/state.n'))
  const withState = p.plan({ workers: 2 })
  t.is(opened.count, 1)
  t.deepEqual(withState.steps.find((s) => s.name === 'count')!.state.map((s) => s.stateId), ['count/state.n'])
  // Everything else is the same description.
  t.deepEqual(without.actors, withState.actors)
  t.deepEqual(without.exchanges, withState.exchanges)
})

test('openOxis must be a boolean', (t) => {
  const e = t.throws(() => build({ count: 0 }).plan({ openOxis: 'no' as never }), { instanceOf: InvalidOptionError })
  t.is(e!.message, 'plan(options): options.openOxis must be a boolean (got "no")')
})
