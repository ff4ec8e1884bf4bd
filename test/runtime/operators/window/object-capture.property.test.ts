import test from 'ava'
import fc from 'fast-check'
import { finishCaptureNow, type SnapshotCapture } from '../../../../persistence/snapshot-capture.ts'
import { ObjectCapture } from '../../../../runtime/operators/window/object-capture.ts'
import type { WindowStepState } from '../../../../runtime/operators/window/window-snapshot.ts'
import type { OutputKind, Rec, WindowParams } from '../../../fixtures/windows/window-pipeline.ts'
import { feed, handOperator, stored, type HandOperator } from '../../../fixtures/windows/window-operator-harness.ts'

// A checkpoint of window state kept in objects marks the states at the barrier and gathers them
// in slices afterwards while records keep arriving (copy-on-write by slot). Differential oracle:
// restoring what was gathered and continuing gives the uninterrupted run's output, and the
// restored state is the one a snapshot taken at the barrier restores to.
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
ObjectCapture.slice = 1

type Kind = Exclude<OutputKind, 'columns'>
const windowCases: [string, fc.Arbitrary<WindowParams>][] = [
  ['length', fc.integer({ min: 1, max: 4 }).map((n) => ({ type: 'length', n }))],
  ['lengthBatch', fc.integer({ min: 1, max: 4 }).map((n) => ({ type: 'lengthBatch', n }))],
  ['sort', fc.integer({ min: 1, max: 4 }).map((n) => ({ type: 'sort', n }))],
  ['session', fc.integer({ min: 1, max: 15 }).map((gap) => ({ type: 'session', gap, maxOutOfOrderness: 0, allowedLateness: 3 }))],
  // Processing time on a clock that stands still: what they keep (time: a queue of records) is captured all the same.
  ['time', fc.integer({ min: 1, max: 40 }).map((ms) => ({ type: 'time', ms }))],
  ['timeBatch', fc.integer({ min: 1, max: 40 }).map((ms) => ({ type: 'timeBatch', ms }))],
  ['tumbling', fc.integer({ min: 1, max: 20 }).map((size) => ({ type: 'tumbling', size, maxOutOfOrderness: 2, allowedLateness: 0 }))],
]
const kindArb = fc.constantFrom<Kind>('aggregate', 'reduce', 'collect')

/** Records over 8 keys in slowly rising event time (sessions and tumbling windows fire, keys go and come back). */
const recordsArb = fc.array(fc.record({ k: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), v: fc.integer({ min: -9, max: 9 }), step: fc.integer({ min: 0, max: 4 }) }),
  { minLength: 1, maxLength: 60 }).map((xs) => {
  let t = 1_000
  return xs.map((x, id): Rec => ({ k: x.k, v: x.v, t: t += x.step, id }))
})

/** Feeds `records` a batch of 1–3 at a time, stepping `capture` after each. */
function feedStepping(h: HandOperator, records: readonly Rec[], capture: SnapshotCapture): void {
  for (let i = 0; i < records.length;) {
    const n = 1 + (records[i]!.id % 3)
    feed(h, records.slice(i, i += n))
    capture.step()
  }
}

/** The state a snapshot restores to, as a snapshot at once after that restore writes it. */
function restoredAs(window: WindowParams, kind: Kind, state: WindowStepState, version: string): unknown {
  const h = handOperator(window, kind)
  h.holder.restore(stored(state), version)
  return stored(h.holder.snapshot())
}

/** Restores `state`, feeds the rest, ends: the output after the restore. */
function continued(window: WindowParams, kind: Kind, state: WindowStepState, version: string, rest: readonly Rec[]): unknown[] {
  const h = handOperator(window, kind)
  h.holder.restore(stored(state), version)
  feed(h, rest)
  void h.op.end(true)
  return h.out
}

function uninterrupted(window: WindowParams, kind: Kind, input: readonly Rec[]): unknown[] {
  const h = handOperator(window, kind)
  feed(h, input)
  void h.op.end(true)
  return h.out
}

for (const [name, windowArb] of windowCases) {
  test(`${name}: a capture gathered while records arrive restores to the barrier's state; continuing equals the uninterrupted run`, (t) => {
    t.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
    fc.assert(fc.property(windowArb, kindArb, recordsArb, fc.nat(), (window, kind, input, cut) => {
      const at = cut % (input.length + 1)
      const h = handOperator(window, kind)
      feed(h, input.slice(0, at))
      const before = h.out.length
      const atBarrier = stored(h.holder.snapshot() as WindowStepState)
      const capture = h.holder.capture!(1)!
      t.truthy(capture, 'state in objects is captured')
      feedStepping(h, input.slice(at), capture)
      const captured = finishCaptureNow(capture) as WindowStepState
      const version = h.holder.stateVersion
      t.deepEqual(restoredAs(window, kind, captured, version), restoredAs(window, kind, atBarrier, version))
      const expected = uninterrupted(window, kind, input)
      t.deepEqual([...h.out.slice(0, before), ...continued(window, kind, captured, version, input.slice(at))], expected)
      void h.op.end(true)
      t.deepEqual(h.out, expected, 'the live step went on unchanged')
    }), { numRuns: 60, seed })
  })
}

test('incremental checkpoints across a capture: full, changes captured while records arrive, changes after — the chain restores and continues as the uninterrupted run', (t) => {
  t.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
  let changes = 0
  fc.assert(fc.property(fc.oneof(...windowCases.map(([, a]) => a)), kindArb, recordsArb, fc.nat(), fc.nat(), fc.nat(), (window, kind, input, x, y, z) => {
    const [a, b, c] = [x, y, z].map((n) => n % (input.length + 1)).sort((p, q) => p - q) as [number, number, number]
    const h = handOperator(window, kind)
    const version = h.holder.stateVersion
    feed(h, input.slice(0, a))
    const full = stored(h.holder.snapshot(1) as WindowStepState)
    feed(h, input.slice(a, b))
    const atB = stored(h.holder.snapshot() as WindowStepState)
    const second = h.holder.capture!(2, 1) ?? h.holder.capture!(2)!
    // Records keep arriving while checkpoint 2 is gathered; checkpoint 3 takes what changed since 2.
    feedStepping(h, input.slice(b, c), second)
    const two = stored(finishCaptureNow(second) as WindowStepState)
    const third = h.holder.capture!(3, 2)
    const three = third === undefined ? undefined : stored(finishCaptureNow(third) as WindowStepState)
    const isChanges = (s: WindowStepState) => [...s.values()].some((g) => g.removed !== undefined)
    if (isChanges(two)) changes++
    let chain = (isChanges(two) ? h.holder.applyChanges!(full, two) : two) as WindowStepState
    t.deepEqual(restoredAs(window, kind, stored(chain), version), restoredAs(window, kind, atB, version), 'checkpoint 2 is the state at its barrier')
    if (three !== undefined) chain = h.holder.applyChanges!(chain, three) as WindowStepState
    else chain = stored(h.holder.snapshot(3) as WindowStepState)
    const before = h.out.length
    void h.op.end(true)
    const expected = uninterrupted(window, kind, input)
    t.deepEqual([...h.out.slice(0, before), ...continued(window, kind, chain, version, input.slice(c))], expected)
  }), { numRuns: 150, seed })
  t.true(changes > 10, `checkpoint 2 was a changes capture ${changes} times`)
})

test('a capture still gathering is finished at once when a restore or another capture comes, and still holds the barrier\'s state', (t) => {
  const window: WindowParams = { type: 'length', n: 3 }
  const input = Array.from({ length: 40 }, (_, id): Rec => ({ k: 'abcdefgh'[id % 8]!, v: id % 5, t: 1_000 + id, id }))
  for (const then of ['restore', 'capture'] as const) {
    const h = handOperator(window, 'collect')
    feed(h, input.slice(0, 20))
    const atBarrier = stored(h.holder.snapshot() as WindowStepState)
    const capture = h.holder.capture!(1)!
    capture.step()
    feed(h, input.slice(20, 30))
    if (then === 'restore') h.holder.restore(stored(atBarrier), h.holder.stateVersion)
    else h.holder.capture!(2)
    const done = capture.step()
    t.truthy(done, `the first capture was completed by the ${then}`)
    t.deepEqual(restoredAs(window, 'collect', done as WindowStepState, h.holder.stateVersion), restoredAs(window, 'collect', atBarrier, h.holder.stateVersion))
  }
})

test('a state v8 cannot serialize, kept before it changes, fails the capture at its next step — not the record that changed it', (t) => {
  let done = 0
  const slots = {
    slotCount: 2, keyAt: ['a', 'b'], states: [{ f: () => 1 }, { n: 1 }] as unknown[],
    groups: Int32Array.of(3, 4), ords: Float64Array.of(0, 1), epochs: Float64Array.of(1, 1),
  }
  const capture = new ObjectCapture(slots, -Infinity, 1, () => { done++ })
  t.notThrows(() => capture.keep(0))
  t.throws(() => capture.step(), { message: /could not be cloned/ })
  t.is(done, 1, 'the failed capture ended: the step keeps nothing more for it')
  t.throws(() => capture.step(), { message: /could not be cloned/ }, 'and it fails again at every step')
})

test('snapshots the older minor wrote ([key, state] lists, 1.0.0 / 1.2.0) restore under the new one; a newer minor is refused naming both', (t) => {
  const input = Array.from({ length: 40 }, (_, id): Rec => ({ k: 'abcdefgh'[id % 8]!, v: id % 5, t: 1_000 + id, id }))
  for (const [window, older] of [[{ type: 'length', n: 3 }, '1.0.0'], [{ type: 'session', gap: 5, maxOutOfOrderness: 0, allowedLateness: 0 }, '1.2.0']] as const) {
    const h = handOperator(window, 'aggregate')
    feed(h, input.slice(0, 25))
    const before = h.out.length
    const old = stored(h.holder.snapshot() as WindowStepState)
    t.true([...old.values()].every((g) => g.states === undefined), 'a snapshot at the barrier still lists its keys')
    t.deepEqual([...h.out.slice(0, before), ...continued(window, 'aggregate', old, older, input.slice(25))], uninterrupted(window, 'aggregate', input))
    const [major, minor] = h.holder.stateVersion.split('.').map(Number)
    t.throws(() => handOperator(window, 'aggregate').holder.restore(old, `${major}.${minor! + 1}.0`), { message: new RegExp(`found version ${major}.${minor! + 1}.0, expected 1.x.x up to ${h.holder.stateVersion}`) })
  }
})
