import test from 'ava'
import fc from 'fast-check'
import { pipeline, sources, sinks, type Pipeline } from '../../index.ts'

/** A stateless or keyed step on integer records, with the plain-array oracle that defines it. */
type Op =
  | { kind: 'map'; a: number; b: number }
  | { kind: 'filter'; m: number; r: number }
  | { kind: 'flatMap'; copies: number }
  | { kind: 'mapAsync'; c: number }
  | { kind: 'keyedCount'; m: number }
  | { kind: 'batch'; size: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('map' as const), a: fc.integer({ min: -3, max: 3 }), b: fc.integer({ min: -50, max: 50 }) }),
  fc.record({ kind: fc.constant('filter' as const), m: fc.integer({ min: 2, max: 5 }), r: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('flatMap' as const), copies: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('mapAsync' as const), c: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ kind: fc.constant('keyedCount' as const), m: fc.integer({ min: 1, max: 7 }) }),
  fc.record({ kind: fc.constant('batch' as const), size: fc.integer({ min: 1, max: 9 }) }),
)

const mod = (x: number, m: number): number => ((x % m) + m) % m

/** The oracle: each op applied to a plain array with plain loops. */
function oracle(input: number[], ops: Op[]): number[] {
  let xs = input
  for (const op of ops) {
    const out: number[] = []
    switch (op.kind) {
      case 'map': for (const x of xs) out.push(op.a * x + op.b); break
      case 'filter': for (const x of xs) if (mod(x, op.m) !== op.r) out.push(x); break
      case 'flatMap': for (const x of xs) for (let i = 0; i < op.copies; i++) out.push(x + i); break
      case 'mapAsync': for (const x of xs) out.push(x + op.c); break
      case 'keyedCount': {
        const counts = new Map<number, number>()
        for (const x of xs) {
          const n = (counts.get(mod(x, op.m)) ?? 0) + 1
          counts.set(mod(x, op.m), n)
          out.push(x * 1000 + n)
        }
        break
      }
      case 'batch':
        for (let i = 0; i < xs.length; i += op.size) {
          const group = xs.slice(i, i + op.size)
          out.push(group.length * 1_000_000 + group.reduce((s, x) => s + x, 0))
        }
        break
    }
    xs = out
  }
  return xs
}

function apply(stream: Pipeline<number>, ops: Op[], prefix: string): Pipeline<number> {
  let s = stream
  ops.forEach((op, i) => {
    const name = `${prefix}${i}`
    switch (op.kind) {
      case 'map': s = s.map(name, (x) => op.a * x + op.b); break
      case 'filter': s = s.filter(name, (x) => mod(x, op.m) !== op.r); break
      case 'flatMap': s = s.flatMap(name, (x) => Array.from({ length: op.copies }, (_, k) => x + k)); break
      case 'mapAsync': s = s.mapAsync(name, async (x) => x + op.c, { concurrency: 3 }); break
      case 'keyedCount':
        s = s.keyBy((x) => mod(x, op.m)).process<number>(name, () => {
          const counts = new Map<unknown, number>()
          return {
            onBatch(records, ctx) {
              for (const x of records) {
                const k = ctx.key(x)
                const n = (counts.get(k) ?? 0) + 1
                counts.set(k, n)
                ctx.emit(x * 1000 + n)
              }
            },
          }
        })
        break
      case 'batch':
        s = s.batch(name, { size: op.size }).map(`${name}-sum`, (g) => g.length * 1_000_000 + g.reduce((a, x) => a + x, 0))
        break
    }
  })
  return s
}

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

test('stateless steps of any parallelism deliver to a single sink in input order', async (t) => {
  await fc.assert(fc.asyncProperty(inputArb, fc.array(fc.tuple(statelessArb, parallelismArb), { maxLength: 5 }), fc.integer({ min: 1, max: 16 }),
    async (input, steps, batchSize) => {
      const p = pipeline('parallel-stateless')
      let s: Pipeline<number> = p.source('in', sources.iterable(input))
      steps.forEach(([op, parallelism], i) => {
        const name = `s${i}`
        if (op.kind === 'map') s = s.map(name, (x) => op.a * x + op.b, { parallelism })
        else if (op.kind === 'filter') s = s.filter(name, (x) => mod(x, op.m) !== op.r, { parallelism })
        else if (op.kind === 'flatMap') s = s.flatMap(name, (x) => Array.from({ length: op.copies }, (_, k) => x + k), { parallelism })
        else if (op.kind === 'mapAsync') s = s.mapAsync(name, async (x) => x + op.c, { parallelism, concurrency: 2 })
      })
      s.sink('out', sinks.collect())
      const { results } = await p.run({ batchSize }).done
      t.deepEqual(results.out, oracle(input, steps.map(([op]) => op)))
    }), settings)
})

test('per key, a keyed step after parallel stateless steps sees records in input order', async (t) => {
  await fc.assert(fc.asyncProperty(inputArb, fc.array(fc.tuple(statelessArb, parallelismArb), { maxLength: 4 }), parallelismArb, fc.integer({ min: 1, max: 7 }),
    async (input, steps, keyedParallelism, m) => {
      const p = pipeline('parallel-keyed')
      let s: Pipeline<number> = p.source('in', sources.iterable(input))
      steps.forEach(([op, parallelism], i) => {
        const name = `s${i}`
        if (op.kind === 'map') s = s.map(name, (x) => op.a * x + op.b, { parallelism })
        else if (op.kind === 'filter') s = s.filter(name, (x) => mod(x, op.m) !== op.r, { parallelism })
        else if (op.kind === 'flatMap') s = s.flatMap(name, (x) => Array.from({ length: op.copies }, (_, k) => x + k), { parallelism })
        else if (op.kind === 'mapAsync') s = s.mapAsync(name, async (x) => x + op.c, { parallelism })
      })
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
