import test from 'ava'
import { snapshotContent } from '../../fixtures/state/snapshot-content.ts'
import fc from 'fast-check'
import v8 from 'node:v8'
import { keyGroupOf } from '../../../index.ts'
import { KeyedStateHolder } from '../../../runtime/state/keyed-state-holder.ts'
import type { KeyedStateSnapshot } from '../../../runtime/state/keyed-snapshot.ts'

// Incremental snapshots of one keyed state, against a plain Map as oracle: random writes,
// deletes and clock moves, a snapshot (full, or changes since the previous one) now and then.
// Folding the chain full, changes, changes… gives the live state, and so does a full snapshot;
// either restores (whole, or split by key group) into a holder holding what the Map holds.
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
const G = 8

type Op = { kind: 'set'; key: number; value: number } | { kind: 'delete'; key: number } | { kind: 'advance'; ms: number } | { kind: 'snapshot'; full: boolean }
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 30 }), value: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const), full: fc.boolean() }) },
)

// Every other run packs every key group (as snapshots pack groups of PACK_FROM keys and more).
let runs = 0
function holder(clock: { t: number }, ttl: number | undefined): KeyedStateHolder {
  return new KeyedStateHolder({ step: 's', name: 'v', keyOf: (r) => r, groupOf: (k) => keyGroupOf(k, G), now: () => clock.t,
    watermark: () => -Infinity, options: ttl === undefined ? {} : { ttl: { ms: ttl } }, ...(runs++ % 2 === 0 && { packFrom: 1 }) })
}

const content = snapshotContent

const sorted = (m: Map<number, number>) => new Map([...m].sort(([a], [b]) => a - b))

test('a chain of incremental snapshots folds to the live state; restored whole or split by key group, it holds what a plain Map holds', (t) => {
  t.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
  fc.assert(fc.property(fc.array(opArb, { maxLength: 80 }), fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }), (ops, ttl) => {
    const clock = { t: 1000 }
    const h = holder(clock, ttl)
    const oracle = new Map<number, { value: number; at: number }>()
    const live = () => sorted(new Map([...oracle].filter(([, e]) => ttl === undefined || e.at + ttl > clock.t).map(([k, e]) => [k, e.value])))
    let chain: KeyedStateSnapshot | undefined
    let id = 0
    let chainLive = new Map<number, number>()
    let chainTime = 0
    for (const op of ops) {
      if (op.kind === 'set') { h.set(op.key, op.value); oracle.set(op.key, { value: op.value, at: clock.t }) }
      else if (op.kind === 'delete') { h.delete(op.key); oracle.delete(op.key) }
      else if (op.kind === 'advance') clock.t += op.ms
      else {
        id++
        const changes = !op.full && chain !== undefined ? h.snapshotChanges(id - 1, id) : undefined
        // Every snapshot goes through v8 as a checkpoint's would.
        const taken = v8.deserialize(v8.serialize(changes ?? h.snapshot(id))) as KeyedStateSnapshot
        chain = changes ? h.applyChanges(chain!, taken) : taken
        t.deepEqual(content(chain), live(), `after snapshot ${id} (${changes ? 'changes' : 'full'})`)
        chainLive = live()
        chainTime = clock.t
      }
    }
    const full = h.snapshot(id + 1)
    t.deepEqual(content(full), live(), 'a full snapshot holds the live, unexpired entries')
    if (!chain) return
    clock.t = chainTime
    // The chain's last state restores whole, and split in two by key group (two new instances).
    const whole = holder(clock, ttl)
    whole.restore(chain, '1.0.0')
    const halves = [holder(clock, ttl), holder(clock, ttl)]
    halves.forEach((half, i) => half.restore(new Map([...chain!].filter(([g]) => (g < G / 2) === (i === 0))), '1.0.0'))
    const read = (hs: KeyedStateHolder[]) => sorted(new Map(hs.flatMap((x) => [...x.entries()]) as [number, number][]))
    t.deepEqual(read([whole]), chainLive)
    t.deepEqual(read(halves), chainLive)
  }), { seed, numRuns: 300 })
})

test('changes since a checkpoint this run did not snapshot, or after a restore, are unknown (undefined: take a full one)', (t) => {
  const clock = { t: 0 }
  const h = holder(clock, undefined)
  h.set('a', 1)
  t.is(h.snapshotChanges(1, 2), undefined, 'no snapshot for checkpoint 1 was taken')
  h.snapshot(2)
  h.set('b', 2)
  t.deepEqual(content(h.snapshotChanges(2, 3)!), new Map([['b', 2]]))
  h.delete('a')
  const changes = h.snapshotChanges(2, 4)!
  t.deepEqual(content(changes), new Map([['b', 2]]), 'since 2: b written')
  t.deepEqual([...changes.values()].flatMap((g) => g.removed ?? []), ['a'], 'since 2: a removed')
  h.restore(h.snapshot(5), '1.0.0')
  t.is(h.snapshotChanges(5, 6), undefined, 'a restore forgets the epochs')
})

test('epochs are bounded: changes since a checkpoint 17 snapshots back are unknown', (t) => {
  const h = holder({ t: 0 }, undefined)
  h.snapshot(1)
  for (let id = 2; id <= 18; id++) { h.set(id, id); h.snapshotChanges(id - 1, id) }
  t.is(h.snapshotChanges(1, 19), undefined)
  t.truthy(h.snapshotChanges(10, 20))
})
