import test from 'ava'
import fc from 'fast-check'
import { virtualClock } from '../../../runtime/clock.ts'
import { InvalidOptionError } from '../../../runtime/errors/invalid-option-error.ts'
import { isOxiflowError } from '../../../runtime/errors/oxiflow-error.ts'
import { generator, type GeneratedRecord, type GeneratorOptions } from '../../../components/sources/generator.ts'
import { readAll, sourceContext } from '../../fixtures/components/contexts.ts'

/** Opens a generator reader directly through the contract (open is synchronous for this source). */
function open(options: GeneratorOptions, ctxOptions: Parameters<typeof sourceContext>[0] = {}) {
  const { ctx, abort } = sourceContext(ctxOptions)
  const reader = generator(options).open(ctx)
  if (reader instanceof Promise) throw new Error('generator.open should be synchronous')
  return { reader, abort }
}
const readerOf = (options: GeneratorOptions) => open(options).reader

test('the same seed gives the same records whatever batch sizes read them', async (t) => {
  await fc.assert(fc.asyncProperty(
    fc.integer(), fc.integer({ min: 0, max: 300 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
    async (seed, count, sizes) => {
      const whole = await readAll(readerOf({ seed, count }), count + 1)
      const pieces = await readAll(readerOf({ seed, count, keys: 100 }), sizes)
      t.deepEqual(pieces, whole)
    }), { numRuns: 200 })
})

test('records are { id, key, value, ts } with ids from 0, keys in [0, keys), values in [0, 1) with 4 decimals', async (t) => {
  const records = await readAll(readerOf({ seed: 7, count: 2000, keys: 10 }), 333)
  t.is(records.length, 2000)
  const keys = new Set<string>()
  records.forEach((r: GeneratedRecord, i) => {
    t.deepEqual(Object.keys(r), ['id', 'key', 'value', 'ts'])
    t.is(r.id, i)
    t.is(r.ts, 1_700_000_000_000 + i * 10)
    t.true(r.value >= 0 && r.value < 1)
    t.is(Math.round(r.value * 10000) / 10000, r.value)
    t.regex(r.key, /^k\d$/)
    keys.add(r.key)
  })
  t.is(keys.size, 10, 'every key is drawn over 2000 records')
})

test('different seeds give different sequences', async (t) => {
  const a = await readAll(readerOf({ seed: 1, count: 50 }))
  const b = await readAll(readerOf({ seed: 2, count: 50 }))
  const c = await readAll(readerOf({ seed: 2 ** 32 + 1, count: 50 }))
  t.notDeepEqual(a.map((r) => r.value), b.map((r) => r.value))
  t.notDeepEqual(a.map((r) => r.value), c.map((r) => r.value))
})

test('count is respected: exactly count records, then undefined; the source is bounded', async (t) => {
  t.true(generator({ seed: 1, count: 5 }).bounded)
  const reader = readerOf({ seed: 1, count: 5 })
  t.is((reader.read(3) as GeneratedRecord[]).length, 3)
  t.is((reader.read(3) as GeneratedRecord[]).length, 2)
  t.is(reader.read(3), undefined)
  t.is(reader.position(), 5)
  t.is(readerOf({ seed: 1, count: 0 }).read(10), undefined)
})

test('without count the source is unbounded and keeps producing', (t) => {
  t.false(generator({ seed: 1 }).bounded)
  const reader = readerOf({ seed: 1 })
  for (let i = 0; i < 50; i++) {
    const batch = reader.read(1000) as GeneratedRecord[]
    t.is(batch.length, 1000)
    t.is(batch[0].id, i * 1000)
  }
  t.is(reader.position(), 50_000)
})

test('a large key count builds key names on demand', (t) => {
  const batch = readerOf({ seed: 3, count: 100, keys: 1_000_000 }).read(100) as GeneratedRecord[]
  for (const r of batch) t.true(Number(r.key.slice(1)) < 1_000_000)
})

test('snapshot then restore on a fresh reader continues the sequence exactly', async (t) => {
  await fc.assert(fc.asyncProperty(fc.integer(), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 30 }),
    async (seed, cut, max) => {
      const full = await readAll(readerOf({ seed, count: 200 }), 200)
      const first = readerOf({ seed, count: 200 })
      const head: GeneratedRecord[] = []
      while (head.length < cut) head.push(...(first.read(Math.min(max, cut - head.length)) as GeneratedRecord[]))
      const [holder] = first.holders!()
      t.is(holder.stateId, 'src/position')
      t.is(holder.stateVersion, '1.0.0')
      const state = holder.snapshot()
      t.is(state, cut)
      const second = readerOf({ seed, count: 200 })
      second.holders!()[0].restore(state, '1.0.0')
      t.deepEqual([...head, ...await readAll(second, max)], full)
    }), { numRuns: 100 })
})

test('restore refuses a state that is not a next id, and another major version', (t) => {
  const [holder] = readerOf({ seed: 1 }).holders!()
  const bad = t.throws(() => holder.restore({ byte: 3, line: 2 }, '1.0.0'))
  t.true(isOxiflowError(bad))
  t.regex(bad!.message, /^src\/position: cannot restore source position \{"byte":3,"line":2\}: expected the next id/)
  const version = t.throws(() => holder.restore(5, '2.0.0'))
  t.regex(version!.message, /state version 2\.0\.0, 1\.x expected/)
})

test('rate paces reads on the job clock: nothing early, what is due once time passes', async (t) => {
  const clock = virtualClock(1000)
  const { reader } = open({ seed: 1, rate: 10 }, { clock })
  // Record 0 is due at once, record j at j × 100 ms.
  t.deepEqual((reader.read(100) as GeneratedRecord[]).map((r) => r.id), [0])
  const pending = reader.read(100)
  t.true(pending instanceof Promise)
  let settled: readonly GeneratedRecord[] | undefined
  void (pending as Promise<readonly GeneratedRecord[] | undefined>).then((b) => { settled = b })
  clock.advance(99)
  await flush()
  t.is(settled, undefined, 'record 1 is not due before 100 ms')
  clock.advance(1)
  await flush()
  t.deepEqual(settled?.map((r) => r.id), [1])
  clock.advance(550)
  // At 650 ms records 2..6 are due; max caps the batch.
  t.deepEqual((reader.read(3) as GeneratedRecord[]).map((r) => r.id), [2, 3, 4])
  t.deepEqual((reader.read(100) as GeneratedRecord[]).map((r) => r.id), [5, 6])
})

test('a fractional rate never spins and delivers at the right times', async (t) => {
  const clock = virtualClock(0)
  const { reader } = open({ seed: 1, rate: 3, count: 7 }, { clock })
  const times: number[] = []
  for (;;) {
    let out = reader.read(1)
    if (out instanceof Promise) {
      let done = false
      void out.then(() => { done = true })
      while (!done) { clock.advance(1); await flush() }
      out = await out
    }
    if (out === undefined) break
    times.push(clock.now())
  }
  t.deepEqual(times, [0, 334, 667, 1000, 1334, 1667, 2000])
})

test('a pending paced read resolves with undefined when the job stops', async (t) => {
  const clock = virtualClock(0)
  const { reader, abort } = open({ seed: 1, rate: 1 }, { clock })
  reader.read(10)
  const pending = reader.read(10)
  abort()
  t.is(await pending, undefined)
})

const invalid: Array<[string, unknown, string]> = [
  ['options missing', undefined, 'generator: options must be an object like { seed: 1, count: 1000 } (got undefined)'],
  ['seed missing', {}, 'generator: options.seed must be an integer (got undefined)'],
  ['seed fractional', { seed: 1.5 }, 'generator: options.seed must be an integer (got 1.5)'],
  ['seed a string', { seed: '1' }, 'generator: options.seed must be an integer (got "1")'],
  ['count negative', { seed: 1, count: -1 }, 'generator: options.count must be a non-negative integer (got -1)'],
  ['count fractional', { seed: 1, count: 2.5 }, 'generator: options.count must be a non-negative integer (got 2.5)'],
  ['rate zero', { seed: 1, rate: 0 }, 'generator: options.rate must be a positive number of records per second (got 0)'],
  ['rate infinite', { seed: 1, rate: Infinity }, 'generator: options.rate must be a positive number of records per second (got Infinity)'],
  ['keys zero', { seed: 1, keys: 0 }, 'generator: options.keys must be a positive integer (got 0)'],
  ['keys NaN', { seed: 1, keys: NaN }, 'generator: options.keys must be a positive integer (got NaN)'],
]
for (const [what, options, message] of invalid) {
  test(`invalid options are refused up front with the rule: ${what}`, (t) => {
    const e = t.throws(() => generator(options as GeneratorOptions), { instanceOf: InvalidOptionError })
    t.is(e!.message, message)
  })
}

/** Lets promise callbacks run (no time passes on any clock). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
