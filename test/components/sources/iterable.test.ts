import test from 'ava'
import fc from 'fast-check'
import { InvalidOptionError } from '../../../runtime/errors/invalid-option-error.ts'
import { Readable } from 'node:stream'
import { iterable } from '../../../components/sources/iterable.ts'
import { IterableConsumedError } from '../../../runtime/errors/iterable-consumed-error.ts'
import { pipeline, sinks } from '../../../index.ts'
import { readAll, sourceContext } from '../../fixtures/components/contexts.ts'

const open = async <T>(input: Iterable<T> | AsyncIterable<T>) => iterable(input).open(sourceContext().ctx)

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve))
    yield item
  }
}

test('an array is read in order in batches of at most max, synchronously', async (t) => {
  const reader = await open([1, 2, 3, 4, 5])
  t.deepEqual(reader.read(2), [1, 2])
  t.deepEqual(reader.read(2), [3, 4])
  t.is(reader.position(), 4)
  t.deepEqual(reader.read(2), [5])
  t.is(reader.read(2), undefined)
  t.is(reader.position(), 5)
})

test('any array, sync iterable or async iterable read with any batch sizes gives back its items', async (t) => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.anything()), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
    async (items, sizes) => {
      t.deepEqual(await readAll(await open(items), sizes), items)
      t.deepEqual(await readAll(await open(new Set(items).values()), sizes), [...new Set(items)])
      t.deepEqual(await readAll(await open(slowly(items)), sizes), items)
    }), { numRuns: 100 })
})

test('a sync iterable is read without promises and max bounds each batch', async (t) => {
  function* numbers() { for (let i = 0; i < 10; i++) yield i }
  const reader = await open(numbers())
  const batch = reader.read(4)
  t.false(batch instanceof Promise)
  t.deepEqual(batch, [0, 1, 2, 3])
  t.is(reader.position(), 4)
})

test('an async iterable returns after max records, and undefined at its end', async (t) => {
  const reader = await open(slowly(['a', 'b', 'c']))
  t.deepEqual(await reader.read(2), ['a', 'b'])
  t.deepEqual(await reader.read(2), ['c'])
  t.is(await reader.read(2), undefined)
  t.is(reader.position(), 3)
})

test('the source is bounded and describes its input', (t) => {
  t.true(iterable([1]).bounded)
  t.is(iterable([1, 2]).description, 'iterable(array[2])')
  t.is(iterable(new Set([1])).description, 'iterable(sync)')
  t.is(iterable(slowly([1])).description, 'iterable(async)')
  t.is(iterable([1], { description: 'numbers' }).description, 'numbers')
})

test('restoring the count read resumes an array or a re-iterable input where it was', async (t) => {
  for (const make of [() => [1, 2, 3, 4, 5], () => new Set([1, 2, 3, 4, 5]), () => ({ [Symbol.asyncIterator]: () => slowly([1, 2, 3, 4, 5]) })]) {
    const first = await open(make())
    t.deepEqual(await first.read(2), [1, 2])
    const state = first.holders!()[0].snapshot()
    t.is(state, 2)
    const second = await open(make())
    second.holders!()[0].restore(state, '1.0.0')
    t.deepEqual(await readAll(second), [3, 4, 5])
  }
})

// Each run and each restart of a job opens a new reader on the same source object.
const inputs: Array<[string, () => Iterable<number> | AsyncIterable<number>, 'again' | 'refused']> = [
  ['an array', () => [1, 2, 3], 'again'],
  ['a Set', () => new Set([1, 2, 3]), 'again'],
  ['an object whose [Symbol.iterator]() returns a fresh generator', () => ({ *[Symbol.iterator]() { yield* [1, 2, 3] } }), 'again'],
  ['an object whose [Symbol.asyncIterator]() returns a fresh generator', () => ({ [Symbol.asyncIterator]: () => slowly([1, 2, 3]) }), 'again'],
  ['a generator object', () => (function* () { yield* [1, 2, 3] })(), 'refused'],
  ['an array iterator', () => [1, 2, 3].values(), 'refused'],
  ['an async generator object', () => slowly([1, 2, 3]), 'refused'],
  ['an iterable handing out one shared iterator', () => { const it = [1, 2, 3].values(); return { [Symbol.iterator]: () => it } }, 'refused'],
  ['a Node stream (new iterators over one flow of data)', () => Readable.from([1, 2, 3]), 'refused'],
]
for (const [what, make, outcome] of inputs) {
  test(`a second reader of one source, after a restore to record 1: ${what} ${outcome === 'again' ? 'is read again' : 'is refused with IterableConsumedError'}`, async (t) => {
    const source = iterable(make())
    const first = await source.open(sourceContext({ step: 'nums' }).ctx)
    t.deepEqual(await first.read(2), [1, 2])
    await first.close?.()
    const second = await source.open(sourceContext({ step: 'nums' }).ctx)
    second.holders!()[0].restore(1, '1.0.0')
    if (outcome === 'again') return t.deepEqual(await readAll(second), [2, 3])
    const e = await t.throwsAsync(async () => second.read(2), { instanceOf: IterableConsumedError })
    t.deepEqual([e!.code, e!.step, e!.alreadyRead, e!.position], ['ERR_ITERABLE_CONSUMED', 'nums', 2, 1])
    t.regex(e!.message, /^step 'nums': the input of sources\.iterable is one-shot \(.+\) and an earlier run or attempt in this process already read 2 records from it; resuming it at record 1, as the restored checkpoint asks, would find only what is left/)
  })
}

test('a one-shot input not read yet may be opened again: a restore before its first read skips into it', async (t) => {
  const source = iterable([1, 2, 3, 4].values())
  await source.open(sourceContext().ctx)
  const reader = await source.open(sourceContext().ctx)
  reader.holders!()[0].restore(2, '1.0.0')
  t.deepEqual(await readAll(reader), [3, 4])
})

test('running a pipeline twice over a generator object fails the second run instead of completing with no records', async (t) => {
  const p = pipeline('twice').source('nums', iterable([1, 2, 3].values())).sink('out', sinks.collect())
  t.deepEqual((await p.run().done).results.out, [1, 2, 3])
  const e = await t.throwsAsync(p.run().done, { instanceOf: IterableConsumedError })
  t.regex(e!.message, /already read 3 records from it; reading it again from the start would find only what is left/)
})

test('close ends an unfinished iterator so its finally blocks run', async (t) => {
  let cleaned = false
  function* items() { try { yield 1; yield 2 } finally { cleaned = true } }
  const reader = await open(items())
  reader.read(1)
  await reader.close!()
  t.true(cleaned)
})

const invalid: Array<[string, unknown, string]> = [
  ['a number', 5, 'iterable: input must be an array, an iterable or an async iterable (got 5)'],
  ['null', null, 'iterable: input must be an array, an iterable or an async iterable (got null)'],
  ['a plain object', { a: 1 }, 'iterable: input must be an array, an iterable or an async iterable (got an object)'],
  ['a string', 'in.jsonl', 'iterable: input must be an array, an iterable or an async iterable (got "in.jsonl"); to read a file use sources.jsonl(path) or sources.csv(path)'],
  ['a generator function', slowly, 'iterable: input must be an array, an iterable or an async iterable (got a function); pass the iterable the function returns, e.g. iterable(gen()) rather than iterable(gen)'],
]
for (const [what, input, message] of invalid) {
  test(`an input that is not iterable is refused up front: ${what}`, (t) => {
    const e = t.throws(() => iterable(input as number[]), { instanceOf: InvalidOptionError })
    t.is(e!.message, message)
  })
}

test('a description that is not a string is refused up front, naming the option', (t) => {
  const e = t.throws(() => iterable([1], { description: 5 as unknown as string }), { instanceOf: InvalidOptionError })
  t.is(e!.message, 'iterable: options.description must be a string (got 5)')
})
