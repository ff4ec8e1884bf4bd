import test from 'ava'
import { pipeline, sinks, sources, StepError, type DeadLetter, type ErrorPolicy, type Sink } from '../../../index.ts'

const input = [1, 2, 3, 4, 5, 6]
const boomOn3 = (n: number): number => {
  if (n === 3) throw new Error('three is bad')
  return n * 10
}

function mapJob(onError: ErrorPolicy, fn: (n: number) => number = boomOn3) {
  const p = pipeline('policies')
  p.source('in', sources.iterable(input)).map('times10', fn, { onError }).sink('out', sinks.collect())
  return p.run({ batchSize: 4 })
}

test("'fail' fails the job with a StepError naming the step and the input record", async (t) => {
  const e = await t.throwsAsync(mapJob('fail').done, { instanceOf: StepError })
  t.is(e!.step, 'times10')
  t.is(e!.offset, 'input record 3')
  t.is(e!.message, "step 'times10' failed at input record 3: three is bad; fix the function or the record, or set onError: 'skip' | { retry } | { deadLetter } on the step")
  t.is((e!.cause as Error).message, 'three is bad')
})

test("a sink that fails under 'fail' names its batch and points at its target, not at a function or the records", async (t) => {
  const full: Sink<number> = { kind: 'sink', description: 'full', open: () => ({ write() { throw new Error('ENOSPC: no space left on device, write') } }) }
  const e = await t.throwsAsync(pipeline('full-disk').source('in', sources.iterable(input)).sink('out', full).run({ batchSize: 4 }).done, { instanceOf: StepError })
  t.is(e!.step, 'out')
  t.is(e!.message, "step 'out' failed at input record 1..4: ENOSPC: no space left on device, write; the sink could not write this batch: " +
    "check its target (disk space, permissions, the server), or set onError: { retry } | 'skip' | { deadLetter } on the sink step")
})

test("'skip' drops the record, counts it as failed and goes on", async (t) => {
  const s = await mapJob('skip').done
  t.deepEqual(s.results.out, [10, 20, 40, 50, 60])
  t.is(s.steps.times10.failed, 1)
  t.is(s.steps.times10.recordsIn, 6)
  t.is(s.steps.times10.recordsOut, 5)
})

test('{ deadLetter } sends { step, error, record } to the sink and goes on (no offset: a step has no true position)', async (t) => {
  const s = await mapJob({ deadLetter: sinks.collect<DeadLetter>() }).done
  t.deepEqual(s.results.out, [10, 20, 40, 50, 60])
  t.deepEqual(s.deadLetters.times10, [{ step: 'times10', error: 'three is bad', record: 3 }])
  t.is(s.steps.times10.failed, 1)
})

test('{ retry } calls again and keeps order when a later call succeeds', async (t) => {
  let calls = 0
  const flaky = (n: number): number => {
    if (n === 3 && calls++ < 2) throw new Error('transient')
    return n * 10
  }
  const s = await mapJob({ retry: 3, backoffMs: 1 }, flaky).done
  t.deepEqual(s.results.out, [10, 20, 30, 40, 50, 60])
  t.is(calls, 3)
  t.is(s.steps.times10.failed, 0)
})

test('{ retry } fails the job once its attempts run out, with the last cause', async (t) => {
  const e = await t.throwsAsync(mapJob({ retry: 2, backoffMs: 1 }).done, { instanceOf: StepError })
  t.is(e!.message, "step 'times10' failed at input record 3: three is bad; it still failed after 2 retries — fix the cause, or use onError: 'skip' | { deadLetter }")
})

test('filter and flatMap follow the policy per record', async (t) => {
  const p = pipeline('per-record')
  p.source('in', sources.iterable(input))
    .filter('odd', (n) => { if (n === 2) throw new Error('no'); return n % 2 === 1 }, { onError: 'skip' })
    .flatMap('twice', (n) => { if (n === 5) throw new Error('five'); return [n, n] }, { onError: { deadLetter: sinks.collect<DeadLetter>() } })
    .sink('out', sinks.collect())
  const s = await p.run().done
  t.deepEqual(s.results.out, [1, 1, 3, 3])
  t.is(s.steps.odd.failed, 1)
  t.deepEqual((s.deadLetters.twice as DeadLetter[]).map((d) => [d.record, d.offset]), [[5, undefined]])
})

test('mapAsync rejections follow the policy and output keeps input order', async (t) => {
  const p = pipeline('async')
  p.source('in', sources.iterable(input))
    .mapAsync('slow', async (n) => {
      await new Promise((r) => setTimeout(r, (7 - n) * 2)) // later records finish first
      if (n === 4) throw new Error('four')
      return n
    }, { concurrency: 4, onError: 'skip' })
    .sink('out', sinks.collect())
  const s = await p.run().done
  t.deepEqual(s.results.out, [1, 2, 3, 5, 6])
  t.is(s.steps.slow.failed, 1)
})

test('a process step under skip drops the failing record alone (onBatch takes one record at a time), whatever the batch size', async (t) => {
  const p = pipeline('proc')
  p.source('in', sources.iterable(input))
    .process<number>('sum', () => ({
      onBatch(records, ctx) {
        if (records.includes(3)) throw new Error('batch with 3')
        for (const r of records) ctx.emit(r)
      },
    }), { onError: 'skip' })
    .sink('out', sinks.collect())
  const s = await p.run({ batchSize: 2 }).done
  t.deepEqual(s.results.out, [1, 2, 4, 5, 6])
  t.is(s.steps.sum.failed, 1)
})

test('a failing sink write is retried with the same batch', async (t) => {
  const written: number[] = []
  let failures = 1
  const p = pipeline('sink-retry')
  p.source('in', sources.iterable(input)).sink('out', {
    kind: 'sink', description: 'flaky',
    open: () => ({ write(rs: readonly number[]) { if (failures-- > 0) throw new Error('disk full'); written.push(...rs) } }),
  }, { onError: { retry: 2, backoffMs: 1 } })
  await p.run().done
  t.deepEqual(written, input)
})

test('a throwing keyBy function fails the job naming the keyed step', async (t) => {
  const p = pipeline('bad-key')
  p.source('in', sources.iterable(input))
    .keyBy((n) => { if (n === 5) throw new Error('no key'); return n })
    .reduce('r', (a: number) => a + 1, () => 0, { parallelism: 2 })
    .sink('out', sinks.collect())
  const e = await t.throwsAsync(p.run().done, { instanceOf: StepError })
  t.is(e!.step, 'r')
  t.regex(e!.message, /no key; fix the keyBy function$/)
})
