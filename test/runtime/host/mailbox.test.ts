// An actor's mailbox (runtime/host/mailbox.ts): items of several observables handled one at a
// time in arrival order, synchronously when the handler is, waiting while one is awaited or
// handled; a throw or rejection closes it. The oracle is a plain FIFO: what arrived, in order.
import test from 'ava'
import fc from 'fast-check'
import { Subject } from '../../../runtime/rx.ts'
import { Mailbox } from '../../../runtime/host/mailbox.ts'

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

test('a synchronous handler runs inside next(), in arrival order across sources', (t) => {
  const a = new Subject<string>()
  const b = new Subject<string>()
  const seen: string[] = []
  const box = new Mailbox<string>((source, item) => { seen.push(`${source}:${item}`) }, () => t.fail())
  box.open([a, b])
  a.next('x')
  t.deepEqual(seen, ['0:x'], 'handled before next() returned')
  b.next('y')
  a.next('z')
  t.deepEqual(seen, ['0:x', '1:y', '0:z'])
  t.is(box.handlingSince, undefined)
  t.true(box.busyMs >= 0)
})

test('an item sent from inside the handler waits until the handler returns', (t) => {
  const a = new Subject<number>()
  const log: string[] = []
  const box = new Mailbox<number>((_, n) => {
    log.push(`start ${n}`)
    if (n < 3) a.next(n + 1)
    log.push(`end ${n}`)
  }, () => t.fail())
  box.open([a])
  a.next(1)
  t.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3'])
})

test('while an item is awaited the others wait, then go in order; handlingSince names the wait', async (t) => {
  const a = new Subject<number>()
  let release!: () => void
  const seen: number[] = []
  const box = new Mailbox<number>((_, n) => {
    seen.push(n)
    if (n === 1) return new Promise<void>((resolve) => { release = resolve })
  }, () => t.fail())
  box.open([a])
  a.next(1)
  a.next(2)
  a.next(3)
  t.deepEqual(seen, [1])
  t.not(box.handlingSince, undefined, 'an item is being handled')
  release()
  await tick()
  t.deepEqual(seen, [1, 2, 3])
  t.is(box.handlingSince, undefined)
})

test('any mix of synchronous and awaited items, sent from outside and from inside the handler, is handled once each in arrival order (fast-check)', async (t) => {
  const seed = Date.now() % 2 ** 31
  t.log(`fast-check seed ${seed}`)
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ source: fc.nat(2), awaited: fc.boolean(), spawns: fc.nat(2) }), { minLength: 1, maxLength: 300 }),
    async (plan) => {
      const subjects = [new Subject<number>(), new Subject<number>(), new Subject<number>()]
      const arrived: number[] = []
      const handled: number[] = []
      let next = 0
      let active = 0
      let overlap = false
      // Item n: plan[n % plan.length] says whether it is awaited and how many items it sends itself (items below 600 only).
      const send = (n: number): void => {
        arrived.push(n)
        subjects[plan[n % plan.length].source].next(n)
      }
      const box = new Mailbox<number>((_, n) => {
        if (active++ > 0) overlap = true
        handled.push(n)
        const p = plan[n % plan.length]
        for (let i = 0; i < p.spawns && next < 600; i++) send(next++)
        if (!p.awaited) {
          active--
          return
        }
        return tick().then(() => { active-- })
      }, (e) => { throw e })
      box.open(subjects)
      while (next < plan.length) send(next++)
      for (let i = 0; i < 2000 && handled.length < arrived.length; i++) await tick()
      return !overlap && handled.length === arrived.length && handled.every((n, i) => n === arrived[i])
    }), { numRuns: 60, seed })
  t.pass()
})

test('a throw closes the mailbox: fail gets the error, what waits is dropped, later items are not handled, the sources are left', (t) => {
  const a = new Subject<number>()
  const seen: number[] = []
  const errors: unknown[] = []
  const box = new Mailbox<number>((_, n) => {
    seen.push(n)
    if (n === 1) a.next(2) // waits, then is dropped
    if (n === 1) throw new Error('boom')
  }, (e) => errors.push(e))
  box.open([a])
  a.next(1)
  a.next(3)
  t.deepEqual(seen, [1])
  t.is(errors.length, 1)
  t.is((errors[0] as Error).message, 'boom')
  t.false(a.observed, 'unsubscribed')
})

test('a rejection closes the mailbox the same way', async (t) => {
  const a = new Subject<number>()
  const seen: number[] = []
  const errors: unknown[] = []
  const box = new Mailbox<number>((_, n) => {
    seen.push(n)
    if (n === 1) return Promise.reject(new Error('later'))
  }, (e) => errors.push(e))
  box.open([a])
  a.next(1)
  a.next(2)
  await tick()
  a.next(3)
  t.deepEqual(seen, [1])
  t.is((errors[0] as Error).message, 'later')
  t.is(box.handlingSince, undefined)
})

test('an erroring source fails the mailbox; close() stops it taking items', (t) => {
  const a = new Subject<number>()
  const b = new Subject<number>()
  const errors: unknown[] = []
  const seen: number[] = []
  const box = new Mailbox<number>((_, n) => { seen.push(n) }, (e) => errors.push(e))
  box.open([a, b])
  b.error(new Error('channel broke'))
  t.is((errors[0] as Error).message, 'channel broke')
  t.false(a.observed)
  const c = new Subject<number>()
  const box2 = new Mailbox<number>((_, n) => { seen.push(n) }, (e) => errors.push(e))
  box2.open([c])
  c.next(1)
  box2.close()
  c.next(2)
  t.deepEqual(seen, [1])
  t.false(c.observed)
})
