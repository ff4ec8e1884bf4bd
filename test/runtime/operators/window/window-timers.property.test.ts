import test from 'ava'
import fc from 'fast-check'
import { WindowKeys } from '../../../../runtime/operators/window/window-keys.ts'
import { WindowTimers } from '../../../../runtime/operators/window/window-timers.ts'

// The window step's key columns and timer heap against a plain oracle: one object per key with
// its group, order and live due; a pop takes the live key of least (due, group, order) at or
// before `at`. Keys are dropped and re-created (their slots reused under stale timers), and more
// keys than the first capacity (1024) make both grow.
type Op =
  | { op: 'add'; key: number; group: number }
  | { op: 'schedule'; key: number; time: number }
  | { op: 'drop'; key: number }
  | { op: 'pop'; at: number }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), key: fc.nat({ max: 12 }), group: fc.nat({ max: 3 }) }),
  fc.record({ op: fc.constant('schedule' as const), key: fc.nat({ max: 12 }), time: fc.nat({ max: 6 }) }),
  fc.record({ op: fc.constant('drop' as const), key: fc.nat({ max: 12 }) }),
  fc.record({ op: fc.constant('pop' as const), at: fc.nat({ max: 6 }) }),
)

interface OracleKey { group: number; ord: number; due: number }

function run(ops: readonly Op[], external: boolean): { popped: unknown[]; expected: unknown[] } {
  const keys = new WindowKeys(external)
  const timers = new WindowTimers(keys)
  const oracle = new Map<number, OracleKey>()
  // External slots: the caller numbers keys (as RowWindows' KeySlots does), reusing freed numbers.
  const freeSlots: number[] = []
  let nextSlot = 0
  let ord = 0
  const popped: unknown[] = []
  const expected: unknown[] = []
  for (const o of ops) {
    if (o.op === 'add' && !oracle.has(o.key)) {
      const slot = freeSlots.pop() ?? nextSlot++
      keys.add(o.key, o.group, ord, external ? slot : { key: o.key }, 1)
      oracle.set(o.key, { group: o.group, ord: ord++, due: Infinity })
    } else if (o.op === 'schedule' && oracle.has(o.key)) {
      const e = oracle.get(o.key)!
      if (o.time < e.due) e.due = o.time
      timers.schedule(keys.slotOf(o.key)!, o.time)
    } else if (o.op === 'drop' && oracle.has(o.key)) {
      const k = keys.slotOf(o.key)!
      keys.drop(k)
      if (external) freeSlots.push(k)
      oracle.delete(o.key)
    } else if (o.op === 'pop') {
      for (;;) {
        const k = timers.popDue(o.at)
        let best: [number, OracleKey] | undefined
        for (const [key, e] of oracle) {
          if (e.due > o.at) continue
          if (!best || e.due < best[1].due || (e.due === best[1].due && (e.group < best[1].group || (e.group === best[1].group && e.ord < best[1].ord)))) best = [key, e]
        }
        popped.push(k === -1 ? null : [keys.keyAt[k], keys.dues[k]])
        expected.push(best ? [best[0], best[1].due] : null)
        if (k === -1 || !best) break
        // As fireDue: the popped key's timer is spent.
        keys.dues[k] = Infinity
        best[1].due = Infinity
      }
    }
  }
  return { popped, expected }
}

for (const external of [false, true]) {
  test(`timers pop keys in (time, key group, key order) with slots ${external ? 'given by row windows' : 'from the free list'}, stale timers of dropped keys never fire their slot's next key`, (t) => {
    const seed = Date.now() % 2 ** 31
    t.log(`fast-check seed ${seed}`)
    fc.assert(fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
      const { popped, expected } = run(ops, external)
      t.deepEqual(popped, expected)
    }), { numRuns: 300, seed })
  })
}

test('key columns grow past their first capacity and keep every key\'s group, order and state; entries are made on demand in registration order', (t) => {
  const keys = new WindowKeys(false)
  const timers = new WindowTimers(keys)
  const n = 5000
  for (let i = 0; i < n; i++) timers.schedule(keys.add(`k${i}`, i % 7, i, { i }, 1), n - i)
  for (let i = 0; i < n; i += 2) keys.drop(keys.slotOf(`k${i}`)!)
  t.is(keys.size, n / 2)
  t.deepEqual(keys.get('k1'), { key: 'k1', group: 1, ord: 1, state: { i: 1 }, due: n - 1, dropped: false, epoch: 1 })
  t.deepEqual([...keys.keys()].slice(0, 3), ['k1', 'k3', 'k5'])
  const order: unknown[] = []
  for (let k = timers.popDue(Infinity); k !== -1; k = timers.popDue(Infinity)) order.push(keys.keyAt[k])
  t.deepEqual(order, Array.from({ length: n / 2 }, (_, j) => `k${n - 1 - 2 * j}`))
  t.deepEqual([...keys.inKeyOrder()].slice(0, 2).map((k) => keys.keyAt[k]), ['k7', 'k21'])
})

test('a stale timer left by a dropped key does not fire the key that reuses its slot ahead of a key due at the same time', (t) => {
  for (const external of [false, true]) {
    const keys = new WindowKeys(external)
    const timers = new WindowTimers(keys)
    // A (order 0) due at 5 and dropped; X (order 1) and then B (order 2, in A's slot) due at 5: X fires first.
    const a = keys.add('A', 0, 0, external ? 0 : {}, 1)
    const d = keys.add('D', 0, 1, external ? 1 : {}, 1)
    timers.schedule(a, 5)
    keys.drop(a)
    keys.drop(d)
    const x = keys.add('X', 0, 2, external ? 1 : {}, 1)
    const b = keys.add('B', 0, 3, external ? 0 : {}, 1)
    t.is(b, a, 'B reuses A\'s slot')
    timers.schedule(x, 5)
    timers.schedule(b, 5)
    const order: unknown[] = []
    for (let k = timers.popDue(5); k !== -1; k = timers.popDue(5)) { order.push(keys.keyAt[k]); keys.dues[k] = Infinity }
    t.deepEqual(order, ['X', 'B'], external ? 'slots given by row windows' : 'slots from the free list')
  }
})
