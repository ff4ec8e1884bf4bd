import test from 'ava'
import { GRAPH_SIZES, planLayout, type ActorBox, type EdgeLine, type PlanLayout } from '../../../runtime/metrics/plan-layout.ts'
import { planOfSteps } from '../../../runtime/metrics/plan-of-steps.ts'
import { PLAN_20_STEPS, PLAN_UNION_SKIP } from '../../fixtures/metrics/plans.ts'

const overlaps = (a: ActorBox, b: ActorBox): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

test('a plan of 20 steps on 3 workers is laid out with every step once and no two boxes overlapping', (t) => {
  const layout = planLayout(PLAN_20_STEPS)
  t.is(PLAN_20_STEPS.steps.length, 20)
  t.deepEqual(layout.actors.flatMap((a) => a.steps.map((s) => s.name)).sort(), PLAN_20_STEPS.steps.map((s) => s.name).sort())
  const pairs = layout.actors.flatMap((a, i) => layout.actors.slice(i + 1).filter((b) => overlaps(a, b)).map((b) => `${a.id}/${b.id}`))
  t.deepEqual(pairs, [])
  for (const a of layout.actors) {
    t.is(a.height, GRAPH_SIZES.header + GRAPH_SIZES.row * a.steps.length + GRAPH_SIZES.padding, `actor ${a.id}`)
    t.true(a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width && a.y + a.height <= layout.height, `actor ${a.id} inside the graph`)
    // Rows stack inside their box, one row height apart.
    a.steps.forEach((s, i) => t.is(s.y, a.y + GRAPH_SIZES.header + i * GRAPH_SIZES.row))
  }
  t.is(layout.actors.find((a) => a.id === 1)!.hosts, 'worker 1, worker 2, worker 3')
})

test('every exchange points right: a receiving actor sits in a later column than each of its senders', (t) => {
  const layout = planLayout(PLAN_20_STEPS)
  const byId = new Map(layout.actors.map((a) => [a.id, a]))
  t.is(layout.edges.length, PLAN_20_STEPS.exchanges.length)
  for (const e of PLAN_20_STEPS.exchanges) {
    t.true(byId.get(e.toActor)!.layer > byId.get(e.fromActor)!.layer, `${e.from} -> ${e.to}`)
  }
  for (const e of layout.edges) {
    const from = layout.actors.find((a) => a.steps.some((s) => s.name === e.from))!
    const to = layout.actors.find((a) => a.steps[0]!.name === e.to)!
    t.is(e.x1, from.x + from.width, `${e.from} leaves from its box's right side`)
    t.is(e.x2, to.x, `${e.to} enters its box's left side`)
    t.true(e.x2 > e.x1)
  }
  // The longest path: gen's actor 0 → 2 → 3 → 5 → 6, so 5 columns.
  t.deepEqual(layout.actors.map((a) => [a.id, a.layer]), [[0, 0], [1, 1], [2, 1], [3, 2], [4, 2], [5, 3], [6, 4], [7, 1], [8, 2]])
  t.deepEqual(layout.edges.filter((e) => e.side).map((e) => e.to), ['parse-dead', 'minute-late'])
  t.deepEqual(layout.edges.filter((e) => e.crossesThreads).length, 7)
})

test('without a plan, the steps of a metrics sample are drawn one actor each, in one column', (t) => {
  const figures = { kind: 'map', parallelism: 1, recordsIn: 0, recordsOut: 0, failed: 0, ratePerSec: 0, busyPercent: 0, backpressureMs: 0, queueDepth: 0,
    alignment: { count: 0, totalMs: 0, maxMs: 0, lastMs: 0 } }
  const layout = planLayout(planOfSteps('p', { pipelineId: 'p', status: 'running', elapsedMs: 1, steps: { a: figures, b: figures, c: figures } }))
  t.deepEqual(layout.actors.map((a) => [a.steps[0]!.name, a.layer, a.x]), [['a', 0, 16], ['b', 0, 16], ['c', 0, 16]])
  t.true(layout.actors[1]!.y >= layout.actors[0]!.y + layout.actors[0]!.height)
  t.deepEqual(layout.edges, [])
  t.deepEqual(planLayout(planOfSteps('p', undefined)).actors, [])
})

type Rect = { x1: number; y1: number; x2: number; y2: number }
const rect = (xa: number, ya: number, xb: number, yb: number): Rect => ({ x1: Math.min(xa, xb), y1: Math.min(ya, yb), x2: Math.max(xa, xb), y2: Math.max(ya, yb) })

/** Rectangles that hold an edge as the page draws it (each curve lies within its end points' box). */
function pieces(e: EdgeLine): Rect[] {
  if (e.lane === undefined) return [rect(e.x1, e.y1, e.x2, e.y2)]
  const half = GRAPH_SIZES.columnGap / 2
  const r = Math.min(20, half - 4)
  return [rect(e.x1, e.y1, e.x1 + half + r, e.lane), rect(e.x1 + half + r, e.lane, e.x2 - half - r, e.lane), rect(e.x2 - half - r, e.lane, e.x2, e.y2)]
}

/** The boxes an edge's pieces pass through (touching a box's side, where it leaves or enters, is not through). */
function boxesCrossed(layout: PlanLayout, e: EdgeLine, of: (e: EdgeLine) => Rect[] = pieces): number[] {
  return layout.actors.filter((a) => of(e).some((p) => p.x1 < a.x + a.width && a.x < p.x2 && p.y1 < a.y + a.height && a.y < p.y2)).map((a) => a.id)
}

test('an exchange that skips columns runs in a lane above the boxes and passes behind none of them; the others stay in their gap', (t) => {
  const layout = planLayout(PLAN_UNION_SKIP)
  t.deepEqual(layout.actors.map((a) => [a.id, a.layer]), [[0, 0], [1, 1], [2, 2], [3, 3], [4, 0]])
  const skip = layout.edges.find((e) => e.from === 'shape')!
  // Drawn as one curve from end to end, it would pass behind the keyed steps' boxes.
  t.deepEqual(boxesCrossed(layout, skip, (e) => [rect(e.x1, e.y1, e.x2, e.y2)]), [1, 2], 'the fixture has an edge that a plain curve draws behind boxes')
  t.true(skip.lane !== undefined && skip.lane < Math.min(...layout.actors.map((a) => a.y)), 'its lane is above every box')
  for (const e of layout.edges) {
    t.deepEqual(boxesCrossed(layout, e), [], `${e.from} -> ${e.to} passes behind no box`)
    if (e !== skip) t.is(e.lane, undefined, `${e.from} -> ${e.to} joins neighbouring columns`)
  }
  for (const a of layout.actors) t.true(a.y + a.height <= layout.height, `actor ${a.id} inside the graph`)
})
