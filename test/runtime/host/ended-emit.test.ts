// ctx.emit outside an Oxi callback — after the end, from a timer, in open — used to be dropped
// silently (pushed to a buffer nothing would send again); it throws EmitOutsideCallbackError
// naming the step. Emits inside a callback (sync or async, through a ctx kept from open) work.
import test from 'ava'
import { EmitOutsideCallbackError, pipeline, sinks, sources, type Oxi, type OxiContext, type Source } from '../../../index.ts'
import { thenWait } from '../../fixtures/then-wait.ts'

const message = (when: string) => `step 'p': ctx.emit was called ${when}; the record cannot be sent — emit only while onBatch, ` +
  "onWatermark or onEnd runs (await the work that emits before the callback returns; keep records for a later callback in the Oxi's state)"

test('ctx.emit after onEnd throws EmitOutsideCallbackError naming the step', async (t) => {
  t.timeout(10_000)
  let kept: OxiContext<number> | undefined
  const s = await pipeline('emit-after-end').source('in', sources.iterable([1, 2, 3]))
    .process<number>('p', { onBatch(rs, ctx) { for (const r of rs) ctx.emit(r) }, onEnd(ctx) { kept = ctx; ctx.emit(-1) } })
    .sink('out', sinks.collect()).run().done
  t.deepEqual(s.results.out, [1, 2, 3, -1])
  const e = t.throws(() => kept!.emit(99), { instanceOf: EmitOutsideCallbackError })
  t.is(e?.message, message('after the step ended (onEnd ran, or the job stopped): nothing more goes downstream'))
  t.is(e?.step, 'p')
})

test('ctx.emit from a timer between callbacks throws instead of being dropped or sent with a later batch', async (t) => {
  t.timeout(10_000)
  let kept: OxiContext<number> | undefined
  const job = pipeline('emit-from-timer').source('in', thenWait([1, 2]))
    .process<number>('p', { onBatch(rs, ctx) { kept = ctx; for (const r of rs) ctx.emit(r) } })
    .sink('out', sinks.collect()).run()
  while (!kept) await new Promise((r) => setTimeout(r, 5))
  const thrown = await new Promise<unknown>((resolve) => setTimeout(() => { try { kept!.emit(99); resolve(undefined) } catch (e) { resolve(e) } }, 0))
  t.true(thrown instanceof EmitOutsideCallbackError)
  t.is((thrown as Error).message, message('outside a callback (from a timer, or a promise onBatch/onWatermark/onEnd did not await)'))
  const s = await job.stop()
  t.deepEqual(s.results.out, [1, 2])
})

test('ctx.emit in open fails the job with EmitOutsideCallbackError', async (t) => {
  t.timeout(10_000)
  const job = pipeline('emit-in-open').source('in', sources.iterable([1]))
    .process<number>('p', { open(ctx) { ctx.emit(0) }, onBatch() {} }).sink('out', sinks.collect()).run()
  const e = await t.throwsAsync(job.done, { instanceOf: EmitOutsideCallbackError })
  t.is(e?.message, message('in open (nothing can be sent before the input starts)'))
})

test('emits inside callbacks still go out: after an await in an async onEnd, and through a ctx kept from open', async (t) => {
  t.timeout(10_000)
  const oxi = (): Oxi<number, number> => {
    let emit: (r: number) => void = () => {}
    let n = 0
    return {
      open(ctx) { emit = (r) => ctx.emit(r) },
      onBatch(rs) { for (const r of rs) { n += r; emit(r * 10) } },
      async onEnd(ctx) { await new Promise((r) => setTimeout(r, 5)); ctx.emit(n) },
    }
  }
  const s = await pipeline('emit-inside').source('in', sources.iterable([1, 2, 3])).process('p', oxi).sink('out', sinks.collect()).run().done
  t.deepEqual(s.results.out, [10, 20, 30, 6])
})
