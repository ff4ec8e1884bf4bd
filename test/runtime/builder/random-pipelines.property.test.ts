import test from 'ava'
import fc from 'fast-check'
import { pipeline, sources, sinks, type Pipeline } from '../../../index.ts'
import { apply, mod, opArb, oracle, type Op } from '../../fixtures/runtime/random-ops.ts'

const inputArb = fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 300 })
const settings = { numRuns: 60 }

test('a random chain of steps equals the plain-array oracle, record for record', async (t) => {
  await fc.assert(fc.asyncProperty(inputArb, fc.array(opArb, { maxLength: 6 }), fc.integer({ min: 1, max: 64 }), async (input, ops, batchSize) => {
    const p = pipeline('random')
    apply(p.source('in', sources.iterable(input)), ops, 's').sink('out', sinks.collect())
    const summary = await p.run({ batchSize, channelCapacity: 2 }).done
    t.deepEqual(summary.results.out, oracle(input, ops))
    t.is(summary.steps.in.recordsOut, input.length)
  }), settings)
})

test('two branches joined by union give the oracle multiset, each branch in order', async (t) => {
  await fc.assert(fc.asyncProperty(inputArb, inputArb, fc.array(opArb, { maxLength: 4 }), fc.array(opArb, { maxLength: 4 }),
    fc.array(opArb.filter((o) => o.kind !== 'keyedCount' && o.kind !== 'batch'), { maxLength: 3 }),
    async (left, right, leftOps, rightOps, tailOps) => {
      const p = pipeline('union')
      // Tag each branch (even / odd) so each branch's own order can be checked after the merge.
      const a = apply(p.source('a', sources.iterable(left)), leftOps, 'a').map('tag-a', (x) => x * 2)
      const b = apply(p.source('b', sources.iterable(right)), rightOps, 'b').map('tag-b', (x) => x * 2 + 1)
      a.union('both', b).map('untag', (x) => x).sink('out', sinks.collect())
      const { results } = await p.run({ batchSize: 7 }).done
      const out = results.out as number[]
      const expectA = oracle(left, leftOps).map((x) => x * 2)
      const expectB = oracle(right, rightOps).map((x) => x * 2 + 1)
      t.deepEqual(out.filter((x) => mod(x, 2) === 0), expectA)
      t.deepEqual(out.filter((x) => mod(x, 2) === 1), expectB)
      // The tail of stateless steps after the union, checked as a multiset.
      const q = pipeline('union-tail')
      apply(q.source('merged', sources.iterable(out)), tailOps, 't').sink('out', sinks.collect())
      const tail = (await q.run().done).results.out as number[]
      t.deepEqual([...tail].sort((x, y) => x - y), oracle(out, tailOps).sort((x, y) => x - y))
    }), { numRuns: 40 })
})

test('a keyed step with parallelism 3 keeps every key in input order', async (t) => {
  await fc.assert(fc.asyncProperty(inputArb, fc.integer({ min: 1, max: 9 }), async (input, m) => {
    const p = pipeline('keyed')
    p.source('in', sources.iterable(input))
      .keyBy((x) => mod(x, m))
      .reduce('seen', (acc: number[], x: number) => [...acc, x], () => [], { parallelism: 3 })
      .sink('out', sinks.collect())
    const { results } = await p.run().done
    const last = new Map<unknown, number[]>()
    for (const r of results.out as { key: unknown; value: number[] }[]) last.set(r.key, r.value)
    const expected = new Map<unknown, number[]>()
    for (const x of input) expected.set(mod(x, m), [...(expected.get(mod(x, m)) ?? []), x])
    const sorted = (m: Map<unknown, number[]>) => [...m].sort((x, y) => Number(x[0]) - Number(y[0]))
    t.deepEqual(sorted(last), sorted(expected))
  }), settings)
})

const statelessArb = opArb.filter((o) => o.kind !== 'keyedCount' && o.kind !== 'batch')
const parallelismArb = fc.integer({ min: 1, max: 3 })

/** Appends stateless steps, each with its own parallelism (the oracle ignores parallelism). */
function parallelSteps(start: Pipeline<number>, steps: readonly [Op, number][]): Pipeline<number> {
  let s = start
  steps.forEach(([op, parallelism], i) => {
    const name = `s${i}`
    if (op.kind === 'map') s = s.map(name, (x) => op.a * x + op.b, { parallelism })
    else if (op.kind === 'filter') s = s.filter(name, (x) => mod(x, op.m) !== op.r, { parallelism })
    else if (op.kind === 'flatMap') s = s.flatMap(name, (x) => Array.from({ length: op.copies }, (_, k) => x + k), { parallelism })
    else if (op.kind === 'mapAsync') s = s.mapAsync(name, async (x) => x + op.c, { parallelism, concurrency: 2 })
  })
  return s
}

test('stateless steps of any parallelism deliver to a single sink in input order', async (t) => {
  await fc.assert(fc.asyncProperty(inputArb, fc.array(fc.tuple(statelessArb, parallelismArb), { maxLength: 5 }), fc.integer({ min: 1, max: 16 }),
    async (input, steps, batchSize) => {
      const p = pipeline('parallel-stateless')
      const s = parallelSteps(p.source('in', sources.iterable(input)), steps)
      s.sink('out', sinks.collect())
      const { results } = await p.run({ batchSize }).done
      t.deepEqual(results.out, oracle(input, steps.map(([op]) => op)))
    }), settings)
})

test('per key, a keyed step after parallel stateless steps sees records in input order', async (t) => {
  await fc.assert(fc.asyncProperty(inputArb, fc.array(fc.tuple(statelessArb, parallelismArb), { maxLength: 4 }), parallelismArb, fc.integer({ min: 1, max: 7 }),
    async (input, steps, keyedParallelism, m) => {
      const p = pipeline('parallel-keyed')
      const s = parallelSteps(p.source('in', sources.iterable(input)), steps)
      s.keyBy((x) => mod(x, m)).reduce('seen', (acc: number[], x: number) => [...acc, x], () => [], { parallelism: keyedParallelism })
        .sink('out', sinks.collect())
      const { results } = await p.run({ batchSize: 5 }).done
      const last = new Map<unknown, number[]>()
      for (const r of results.out as { key: unknown; value: number[] }[]) last.set(r.key, r.value)
      const expected = new Map<unknown, number[]>()
      for (const x of oracle(input, steps.map(([op]) => op))) expected.set(mod(x, m), [...(expected.get(mod(x, m)) ?? []), x])
      const sorted = (mp: Map<unknown, number[]>) => [...mp].sort((x, y) => Number(x[0]) - Number(y[0]))
      t.deepEqual(sorted(last), sorted(expected))
    }), settings)
})
