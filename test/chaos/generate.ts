// fast-check arbitraries of whole chaos pipelines (test/fixtures/chaos/spec.ts), shaped by the
// features (features.ts) that keep out what an open defect breaks.
import fc from 'fast-check'
import type { WindowParams } from '../fixtures/windows/window-pipeline.ts'
import type { AggName, BranchSpec, ChaosSpec, KeyedSpec, SourceSpec, StatelessSpec } from '../fixtures/chaos/spec.ts'
import type { Features } from './features.ts'

const parArb = fc.constantFrom<number | undefined>(undefined, undefined, 1, 2, 3)
const AGGS: AggName[] = ['count', 'sum', 'avg', 'min', 'max', 'distinctCount', 'stddev', 'first', 'last', 'percentile']

function statelessArb(f: Features, ordered: boolean): fc.Arbitrary<StatelessSpec> {
  // Steps before an order-sensitive stage run as one instance: parallel instances keep each
  // key's order but not the order across keys, which an event-time watermark depends on.
  const p = ordered ? fc.constant(1) : parArb
  // 'fail' rarely: the job then fails, and every run must fail the same way as the oracle.
  const policies = [...['skip', 'skip', 'retry', 'retry'] as const, ...(f.deadLetters ? ['deadLetter', 'deadLetter'] as const : []), 'fail' as const]
  return fc.oneof(
    fc.record({ op: fc.constant('map' as const), a: fc.integer({ min: -3, max: 3 }), c: fc.integer({ min: 0, max: 999 }), par: p }),
    fc.record({ op: fc.constant('filter' as const), m: fc.integer({ min: 2, max: 7 }), r: fc.integer({ min: 0, max: 6 }), par: p }),
    fc.record({ op: fc.constant('flatMap' as const), copies: fc.integer({ min: 0, max: 2 }), par: p }),
    fc.record({ op: fc.constant('mapAsync' as const), c: fc.integer({ min: 0, max: 999 }), par: p }),
    fc.record({ op: fc.constant('throw' as const), m: fc.integer({ min: 11, max: 29 }), r: fc.integer({ min: 0, max: 4 }), policy: fc.constantFrom(...policies), par: p }),
  ).map((s) => (s.par === undefined ? (({ par: _, ...rest }) => rest)(s) as StatelessSpec : s))
}

function windowArb(f: Features, ordered: boolean, inTail: boolean): fc.Arbitrary<WindowParams> {
  // Out of order (file splits, parallel steps), only a watermark that never passes a window
  // before the end makes the output independent of arrival order across keys.
  const ooo = ordered ? fc.constantFrom(0, 0, 5, 20) : fc.constant(1e12)
  const event = [
    fc.record({ type: fc.constant('tumbling' as const), size: fc.constantFrom(20, 50, 100, 1000), maxOutOfOrderness: ooo, allowedLateness: fc.constant(0) }),
    fc.record({ type: fc.constant('sliding' as const), size: fc.constantFrom(50, 100), slide: fc.constantFrom(10, 25, 50), maxOutOfOrderness: ooo, allowedLateness: fc.constant(0) }),
    ...(f.session ? [fc.record({ type: fc.constant('session' as const), gap: fc.constantFrom(10, 20, 50), maxOutOfOrderness: ooo, allowedLateness: fc.constant(0) })] : []),
  ]
  return fc.oneof(
    fc.record({ type: fc.constantFrom('length' as const, 'lengthBatch' as const, 'sort' as const), n: fc.integer({ min: 1, max: 5 }) }),
    // Processing time on the wall clock: a span of ~23 days keeps every record in one window (a
    // longer one overflows Node's 32-bit timers: the step then wakes every millisecond).
    fc.record({ type: fc.constantFrom('time' as const, 'timeBatch' as const), ms: fc.constant(2_000_000_000) }),
    // Not after the union: a branch's window forwards its watermark in band, and whether the
    // tail sees it before or after another branch's records depends on timing.
    ...(inTail ? [] : event),
  )
}

function stageArb(f: Features, ordered: boolean, inTail: boolean): fc.Arbitrary<KeyedSpec> {
  return fc.oneof(
    fc.record({ op: fc.constant('process' as const), emitEnd: f.onEnd ? fc.boolean() : fc.constant(false), par: parArb }),
    fc.record({ op: fc.constant('reduce' as const), par: parArb }),
    fc.record({
      op: fc.constant('window' as const),
      window: windowArb(f, ordered, inTail),
      // An unkeyed window sees the records of all keys in arrival order: only where that is fixed.
      keyed: ordered ? fc.boolean() : fc.constant(true),
      out: fc.constantFrom('aggregate' as const, 'reduce' as const, 'collect' as const),
      aggs: fc.subarray(AGGS, { minLength: 1, maxLength: 4 }),
      par: parArb,
    }).map((w) => (w.keyed ? w : { ...w, par: 1 })),
  ).map((s) => (s.par === undefined ? (({ par: _, ...rest }) => rest)(s) as KeyedSpec : s))
}

function sourceArb(f: Features, first: boolean): fc.Arbitrary<SourceSpec> {
  // The first branch is a paced generator, so every job runs long enough (~0.3–1.5 s) to be
  // killed mid-stream; the others end early, as bounded inputs do beside a stream.
  if (first) return fc.record({ kind: fc.constant('generator' as const), count: fc.integer({ min: 300, max: 900 }), keys: fc.integer({ min: 1, max: 12 }), rate: fc.constantFrom(600, 1000) })
  return fc.oneof(
    fc.record({ kind: fc.constant('iterable' as const), count: fc.integer({ min: 0, max: 400 }), keys: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('generator' as const), count: fc.integer({ min: 0, max: 400 }), keys: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constantFrom('jsonl' as const, 'csv' as const), count: fc.integer({ min: 1, max: 600 }), keys: fc.integer({ min: 1, max: 12 }),
      bad: fc.integer({ min: 0, max: 4 }), onError: f.deadLetters ? fc.constantFrom('skip' as const, 'deadLetter' as const) : fc.constant('skip' as const) }),
  )
}

function branchArb(f: Features, first: boolean): fc.Arbitrary<BranchSpec> {
  return sourceArb(f, first).chain((source) => {
    const single = source.kind === 'iterable' || source.kind === 'generator'
    return fc.boolean().chain((ordered0) => {
      const ordered = single && ordered0
      return fc.record({
        source: fc.constant(source),
        before: fc.array(statelessArb(f, ordered), { maxLength: 3 }),
        stage: fc.option(stageArb(f, ordered, false), { nil: undefined, freq: 3 }),
        after: fc.array(statelessArb(f, false), { maxLength: 2 }),
      }).map((b) => (b.stage === undefined ? (({ stage: _, ...rest }) => rest)(b) : b))
    })
  })
}

/** A whole chaos pipeline: 1–3 branches of different lengths unioned, a tail, one sink. */
export function specArb(f: Features): fc.Arbitrary<ChaosSpec> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    branches: fc.tuple(branchArb(f, true), fc.array(branchArb(f, false), { maxLength: 2 })).map(([a, rest]) => [a, ...rest]),
    tail: fc.record({
      before: fc.array(statelessArb(f, false), { maxLength: 2 }),
      stage: fc.option(stageArb(f, false, true), { nil: undefined, freq: 2 }),
      after: fc.array(statelessArb(f, false), { maxLength: 2 }),
    }),
  }).map(({ seed, branches: drawn, tail: t }) => {
    // A stage after a merge sees each key in order only where the merge keeps it (mergeOrder).
    const staged = t.stage !== undefined && keepsOrder({ branches: drawn }, f)
    const { stage: _, ...rest } = t
    const tail: ChaosSpec['tail'] = staged ? t : rest
    if (f.mergeOrder) return { seed, branches: drawn, tail }
    // Without mergeOrder, every step from the first stage on has the default parallelism: a
    // keyed stage's instances merged into fewer and fanned out again lose each key's order.
    const branches = drawn.map((b) => (b.stage ? { ...b, stage: defaultPar(b.stage), after: b.after.map(defaultPar) } : b))
    const branchStage = branches.some((b) => b.stage)
    const before = branchStage ? tail.before.map(defaultPar) : tail.before
    const after = branchStage || tail.stage ? tail.after.map(defaultPar) : tail.after
    return { seed, branches, tail: { before, ...(tail.stage && { stage: defaultPar(tail.stage) }), after } }
  // A sink parallelism of 2 must be refused (sinks.jsonl is one writer; item 4: it dropped records).
  }).chain((p) => fc.integer({ min: 0, max: 9 }).map((i) => ({ ...p, sinkParallelism: i === 0 ? 2 : 1 })))
}

/** Whether a run of `spec` must keep each key's order (see Features.mergeOrder). */
export function keepsOrder(spec: Pick<ChaosSpec, 'branches'>, f: Features): boolean {
  return f.mergeOrder || spec.branches.length === 1
}

/** A step with the default parallelism; an unkeyed window keeps its one instance. */
function defaultPar<T extends { readonly par?: number }>(step: T): T {
  if ('keyed' in step && step.keyed === false) return step
  const { par: _, ...rest } = step
  return rest as T
}
