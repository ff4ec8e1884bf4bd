import type { ExchangeDescription, PlanDescription } from '../plan/plan-description.ts'

/** Sizes of the live page's graph, in CSS pixels: the page's stylesheet draws boxes of exactly these. */
export const GRAPH_SIZES = { boxWidth: 290, header: 26, row: 58, padding: 6, columnGap: 90, rowGap: 26, margin: 16, lane: 16 } as const

/** One step drawn inside its actor's box. */
export interface StepBox {
  readonly name: string
  readonly kind: string
  readonly detail: string | undefined
  readonly keyed: boolean
  /** Top of the step's row, relative to the page's graph. */
  readonly y: number
}

/** An actor's box: its fused steps top to bottom, head first. */
export interface ActorBox {
  readonly id: number
  readonly layer: number
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
  readonly parallelism: number
  /** Where its instances run, e.g. `main, worker 1, worker 2` (each host once, in instance order). */
  readonly hosts: string
  readonly steps: readonly StepBox[]
}

/** An exchange drawn from the right side of its sending step to the left side of the receiving actor's head. */
export interface EdgeLine {
  readonly from: string
  readonly to: string
  readonly partitioning: ExchangeDescription['partitioning']
  readonly crossesThreads: boolean
  readonly side: boolean
  readonly x1: number
  readonly y1: number
  readonly x2: number
  readonly y2: number
  /**
   * For an edge that skips a column: the height of its lane above every box. It leaves its step
   * into the gap after the sender's column, runs along the lane and comes down in the gap before
   * the receiver's, so it never passes behind a box; undefined for an edge between neighbouring
   * columns (it stays in the gap between them).
   */
  readonly lane?: number
}

/** Where the live page draws a plan: boxes that never overlap, and the edges between them. */
export interface PlanLayout {
  readonly pipelineId: string
  readonly width: number
  readonly height: number
  readonly sizes: typeof GRAPH_SIZES
  readonly actors: readonly ActorBox[]
  readonly edges: readonly EdgeLine[]
}

/**
 * Lays a plan out left to right by dataflow: an actor's column (layer) is the longest path of
 * exchanges from a source to it, so every edge points right; within a column actors are ordered
 * by the mean row of their senders (one barycenter pass, which untangles the usual fan-in and
 * fan-out), then stacked with a gap and the column centred on the tallest. Boxes have fixed
 * sizes (GRAPH_SIZES), so the layout needs no measuring and cannot overlap. An exchange that
 * skips a column (a union of a long and a short branch) runs in a lane of its own above the
 * boxes (EdgeLine.lane), so no edge passes behind a box.
 *
 * @example
 * const layout = planLayout(p.plan({ workers: 3 })); layout.actors[0].x // 16
 */
export function planLayout(plan: PlanDescription): PlanLayout {
  const s = GRAPH_SIZES
  const layer = layers(plan)
  const columns: number[][] = []
  for (const actor of plan.actors) (columns[layer.get(actor.id) ?? 0] ??= []).push(actor.id)
  const heightOf = (id: number): number => s.header + s.row * (plan.actors.find((a) => a.id === id)?.steps.length ?? 1) + s.padding
  const rank = new Map<number, number>()
  for (const column of columns) {
    if (!column) continue
    const senders = (id: number): number[] => plan.exchanges.filter((e) => e.toActor === id && rank.has(e.fromActor)).map((e) => rank.get(e.fromActor)!)
    const key = new Map(column.map((id, i) => {
      const from = senders(id)
      return [id, from.length === 0 ? i : from.reduce((a, b) => a + b, 0) / from.length] as const
    }))
    column.sort((a, b) => key.get(a)! - key.get(b)! || a - b)
    column.forEach((id, i) => rank.set(id, i))
  }
  const columnHeight = (column: number[]): number => column.reduce((h, id) => h + heightOf(id), 0) + s.rowGap * (column.length - 1)
  const tallest = Math.max(0, ...columns.map((c) => (c ? columnHeight(c) : 0)))
  // One lane above the boxes for each exchange that skips a column, in exchange order.
  const skipping = plan.exchanges.filter((e) => (layer.get(e.toActor) ?? 0) - (layer.get(e.fromActor) ?? 0) > 1)
  const lanes = skipping.length * s.lane
  const boxes = new Map<number, ActorBox>()
  columns.forEach((column, index) => {
    if (!column) return
    let y = s.margin + lanes + (tallest - columnHeight(column)) / 2
    for (const id of column) {
      const actor = plan.actors.find((a) => a.id === id)!
      const top = y
      const steps = actor.steps.map((name, i) => {
        const step = plan.steps.find((st) => st.name === name)
        return { name, kind: step?.kind ?? '', detail: step?.detail, keyed: step?.keyed ?? false, y: top + s.header + i * s.row }
      })
      boxes.set(id, { id, layer: index, x: s.margin + index * (s.boxWidth + s.columnGap), y: top, width: s.boxWidth, height: heightOf(id),
        parallelism: actor.parallelism, hosts: [...new Set(actor.instances.map((i) => i.host))].join(', '), steps })
      y += heightOf(id) + s.rowGap
    }
  })
  const edges = plan.exchanges.flatMap((e): EdgeLine[] => {
    const from = boxes.get(e.fromActor)
    const to = boxes.get(e.toActor)
    const row = from?.steps.find((st) => st.name === e.from)
    if (!from || !to || !row) return []
    const lane = skipping.indexOf(e)
    return [{ from: e.from, to: e.to, partitioning: e.partitioning, crossesThreads: e.crossesThreads, side: e.side === true,
      x1: from.x + from.width, y1: row.y + s.row / 2, x2: to.x, y2: to.y + s.header + s.row / 2, ...(lane >= 0 && { lane: s.margin / 2 + (lane + 0.5) * s.lane }) }]
  })
  return {
    pipelineId: plan.pipelineId, sizes: s, actors: [...boxes.values()].sort((a, b) => a.id - b.id), edges,
    width: 2 * s.margin + columns.length * s.boxWidth + Math.max(0, columns.length - 1) * s.columnGap,
    height: 2 * s.margin + lanes + tallest,
  }
}

/** Each actor's column: the longest path of exchanges into it (Kahn's order, so any input order works; a cycle, which a plan never has, ends in column 0). */
function layers(plan: PlanDescription): Map<number, number> {
  const layer = new Map<number, number>(plan.actors.map((a) => [a.id, 0]))
  const waiting = new Map<number, number>(plan.actors.map((a) => [a.id, 0]))
  for (const e of plan.exchanges) waiting.set(e.toActor, (waiting.get(e.toActor) ?? 0) + 1)
  const ready = plan.actors.filter((a) => waiting.get(a.id) === 0).map((a) => a.id)
  while (ready.length > 0) {
    const id = ready.shift()!
    for (const e of plan.exchanges.filter((x) => x.fromActor === id)) {
      layer.set(e.toActor, Math.max(layer.get(e.toActor) ?? 0, layer.get(id)! + 1))
      const left = waiting.get(e.toActor)! - 1
      waiting.set(e.toActor, left)
      if (left === 0) ready.push(e.toActor)
    }
  }
  return layer
}
