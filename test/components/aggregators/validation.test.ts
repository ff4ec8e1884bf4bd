import test from 'ava'
import { InvalidOptionError } from '../../../runtime/errors/invalid-option-error.ts'
import { OxiflowError } from '../../../runtime/errors/oxiflow-error.ts'
import type { Aggregator } from '../../../runtime/contracts/aggregator.ts'
import * as agg from '../../../components/aggregators/index.ts'

const value = (r: { value: any }) => r.value
const notAFunction = 'r => r.value' as any

const badArguments: Array<[string, () => unknown, string, string]> = [
  ['sum', () => agg.sum(notAFunction), 'fn', 'agg.sum: fn must be a function'],
  ['avg', () => agg.avg(undefined as any), 'fn', 'agg.avg: fn must be a function'],
  ['min', () => agg.min(42 as any), 'fn', 'agg.min: fn must be a function'],
  ['max', () => agg.max(null as any), 'fn', 'agg.max: fn must be a function'],
  ['distinctCount', () => agg.distinctCount({} as any), 'fn', 'agg.distinctCount: fn must be a function'],
  ['stddev', () => agg.stddev(notAFunction), 'fn', 'agg.stddev: fn must be a function'],
  ['first', () => agg.first(notAFunction), 'fn', 'agg.first: fn must be a function'],
  ['last', () => agg.last(notAFunction), 'fn', 'agg.last: fn must be a function'],
  ['percentile fn', () => agg.percentile(notAFunction, 50), 'fn', 'agg.percentile: fn must be a function'],
  ['percentile p > 100', () => agg.percentile(value, 101), 'p', 'agg.percentile: p must be a number in [0, 100] (got 101)'],
  ['percentile p < 0', () => agg.percentile(value, -1), 'p', 'agg.percentile: p must be a number in [0, 100] (got -1)'],
  ['percentile p NaN', () => agg.percentile(value, Number.NaN), 'p', 'agg.percentile: p must be a number in [0, 100] (got NaN)'],
  ['percentile p string', () => agg.percentile(value, '50' as any), 'p', 'agg.percentile: p must be a number in [0, 100] (got "50")'],
  ['percentile p missing', () => (agg.percentile as any)(value), 'p', 'agg.percentile: p must be a number in [0, 100] (got undefined)'],
]

for (const [name, build, option, message] of badArguments) {
  test(`${name}: a bad argument throws InvalidOptionError naming ${option} when the aggregator is built`, t => {
    const error = t.throws(build, { instanceOf: InvalidOptionError, message })
    t.is(error?.option, option)
    t.is(error?.code, 'ERR_INVALID_OPTION')
  })
}

test('percentile accepts both ends of [0, 100]', t => {
  t.notThrows(() => agg.percentile(value, 0))
  t.notThrows(() => agg.percentile(value, 100))
})

const fix = 'convert the value inside fn (e.g. r => Number(r.x)) or filter such records out before the window'
const badValues: Array<[Aggregator<{ value: any }, any, any>, unknown, string]> = [
  [agg.sum(value), '12', `agg.sum: fn must return a finite number (got "12"); ${fix}`],
  [agg.avg(value), Number.NaN, `agg.avg: fn must return a finite number (got NaN); ${fix}`],
  [agg.sum(value), 1e308, `agg.sum: fn must return a finite number with |x| <= 1e292 (a sum of larger ones can leave the range of a double) (got 1e+308); ${fix}`],
  [agg.avg(value), -2e292, `agg.avg: fn must return a finite number with |x| <= 1e292 (a sum of larger ones can leave the range of a double) (got -2e+292); ${fix}`],
  [agg.min(value), Number.POSITIVE_INFINITY, `agg.min: fn must return a finite number (got Infinity); ${fix}`],
  [agg.max(value), undefined, `agg.max: fn must return a finite number (got undefined); ${fix}`],
  [agg.percentile(value, 50), 5n, `agg.percentile: fn must return a finite number (got 5n); ${fix}`],
  [agg.stddev(value), null, `agg.stddev: fn must return a finite number (got null); ${fix}`],
  [agg.stddev(value), -1e101, `agg.stddev: fn must return a finite number with |x| <= 1e100 (got -1e+101); ${fix}`],
  [agg.distinctCount(value), { id: 1 }, `agg.distinctCount: fn must return a string, number, bigint, boolean, null or undefined (got an object); ${fix}`],
  [agg.distinctCount(value), [1], `agg.distinctCount: fn must return a string, number, bigint, boolean, null or undefined (got an array); ${fix}`],
]

for (const [aggregator, bad, message] of badValues) {
  test(`${aggregator.kind} refuses the value ${typeof bad === 'bigint' ? `${bad}n` : JSON.stringify(bad) ?? String(bad)} with ERR_AGGREGATE_VALUE and leaves the accumulator unchanged`, t => {
    const acc = aggregator.add(aggregator.create(), { value: 1 })
    const before = structuredClone(acc)
    const error = t.throws(() => aggregator.add(acc, { value: bad }), { instanceOf: OxiflowError, message })
    t.is(error?.code, 'ERR_AGGREGATE_VALUE')
    t.deepEqual(acc, before)
  })
}

const all: Array<Aggregator<{ value: any }, any, any>> = [
  agg.count(), agg.sum(value), agg.avg(value), agg.min(value), agg.max(value), agg.distinctCount(value),
  agg.stddev(value), agg.first(value), agg.last(value), agg.percentile(value, 50),
]

for (const aggregator of all) {
  test(`${aggregator.kind}: evict on an empty accumulator throws ERR_AGGREGATE_EVICT`, t => {
    const error = t.throws(() => aggregator.evict(aggregator.create(), { value: 1 }), { instanceOf: OxiflowError })
    t.is(error?.code, 'ERR_AGGREGATE_EVICT')
  })
}

test('distinctCount and percentile name an evicted value that is not in the window', t => {
  const distinct = agg.distinctCount(value)
  t.throws(() => distinct.evict(distinct.add(distinct.create(), { value: 'a' }), { value: 'b' }), {
    message: 'agg.distinctCount: the evicted value "b" is not in the window; evict must get the oldest record still in the accumulator, once per added record',
  })
  const p = agg.percentile(value, 50)
  t.throws(() => p.evict(p.add(p.create(), { value: 1 }), { value: 2 }), {
    message: 'agg.percentile: the evicted value 2 is not in the window; evict must get the oldest record still in the accumulator, once per added record',
  })
})
