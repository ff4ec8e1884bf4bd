import test from 'ava'
import fc from 'fast-check'
import { isDependencyCycleError } from '../../persistence/registry/dependency-cycle-error.ts'
import type { DataflowEdge, HolderEntry } from '../../persistence/registry/holder-entry.ts'
import { HolderRegistry } from '../../persistence/registry/holder-registry.ts'

/** n holders on n steps with names in a random order, so id order is not the dependency order. */
const names = (n: number) => fc.shuffledSubarray([...Array(26).keys()].map((i) => String.fromCharCode(97 + i)), { minLength: n, maxLength: n })

/** A random DAG: node i may depend on nodes < i (declared) or read from them (dataflow). */
const dag = fc.integer({ min: 1, max: 12 }).chain((n) => fc.record({
  names: names(n),
  edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.boolean()), { maxLength: 30 }),
}))

/**
 * Holders `<name>/s` on steps `<name>`; edge [a, b, declared]: a depends on b, declared in
 * `dependsOn` or as dataflow b → a. When `acyclic`, edges point from the higher index to the
 * lower. `pairs` is the brute-force oracle: every [dependent, dependency].
 */
function build(input: { names: string[]; edges: Array<[number, number, boolean]> }, acyclic: boolean) {
  const id = (i: number) => `${input.names[i]}/s`
  const declared = input.names.map(() => new Set<string>())
  const dataflow: DataflowEdge[] = []
  const pairs: Array<readonly [string, string]> = []
  for (const [a, b, isDeclared] of input.edges) {
    const [from, to] = acyclic ? [Math.max(a, b), Math.min(a, b)] : [a, b]
    if (acyclic && from === to) continue
    if (isDeclared) declared[from]!.add(id(to))
    else dataflow.push([input.names[to]!, input.names[from]!])
    if (!pairs.some(([x, y]) => x === id(from) && y === id(to))) pairs.push([id(from), id(to)])
  }
  const entries: HolderEntry[] = input.names.map((name, i) => ({ stateId: id(i), step: name, stateVersion: '1.0.0', dependsOn: [...declared[i]!] }))
  return { entries, dataflow, pairs }
}

function isCyclic(ids: string[], pairs: ReadonlyArray<readonly [string, string]>): boolean {
  let left = new Set(ids)
  for (;;) {
    const free = [...left].filter((id) => !pairs.some(([a, b]) => a === id && left.has(b)))
    if (free.length === 0) return left.size > 0
    left = new Set([...left].filter((id) => !free.includes(id)))
  }
}

test('writeOrder_randomDag_everyDependencyPrecedesItsDependent', (t) => {
  fc.assert(fc.property(dag, (input) => {
    const { entries, dataflow, pairs } = build(input, true)
    const registry = new HolderRegistry(entries, dataflow)
    const order = registry.writeOrder().map((e) => e.stateId)
    const position = new Map(order.map((id, i) => [id, i]))
    return order.length === entries.length && new Set(order).size === order.length &&
      pairs.every(([a, b]) => position.get(b)! < position.get(a)!)
  }))
  t.pass()
})

test('levels_randomDag_levelIsZeroOrOnePlusHighestDependency', (t) => {
  fc.assert(fc.property(dag, (input) => {
    const { entries, dataflow, pairs } = build(input, true)
    const registry = new HolderRegistry(entries, dataflow)
    const levels = registry.levels()
    const levelOf = new Map(levels.flatMap((level, k) => level.map((e) => [e.stateId, k] as const)))
    return levels.every((level) => level.length > 0) && levelOf.size === entries.length && entries.every((e) => {
      const deps = pairs.filter(([a]) => a === e.stateId).map(([, b]) => levelOf.get(b)!)
      return levelOf.get(e.stateId) === (deps.length === 0 ? 0 : 1 + Math.max(...deps))
    })
  }))
  t.pass()
})

test('writeOrder_sameGraphTwice_sameOrder', (t) => {
  fc.assert(fc.property(dag, (input) => {
    const { entries, dataflow } = build(input, true)
    const once = new HolderRegistry(entries, dataflow).writeOrder().map((e) => e.stateId)
    const again = new HolderRegistry([...entries].reverse(), [...dataflow].reverse()).writeOrder().map((e) => e.stateId)
    return once.join() === again.join()
  }))
  t.pass()
})

test('constructor_randomGraph_throwsExactlyWhenCyclicNamingARealCycle', (t) => {
  const graph = fc.integer({ min: 1, max: 8 }).chain((n) => fc.record({
    names: names(n),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.boolean()), { minLength: 1, maxLength: 16 }),
  }))
  fc.assert(fc.property(graph, (input) => {
    const { entries, dataflow, pairs } = build(input, false)
    const cyclic = isCyclic(entries.map((e) => e.stateId), pairs)
    try {
      new HolderRegistry(entries, dataflow)
      return !cyclic
    } catch (e) {
      if (!isDependencyCycleError(e) || !cyclic) return false
      const cycle = e.cycle
      const links = cycle.slice(1).map((b, i) => [cycle[i]!, b] as const)
      return cycle.length >= 2 && cycle[0] === cycle.at(-1) && new Set(cycle.slice(1)).size === cycle.length - 1 &&
        links.every(([a, b]) => pairs.some(([x, y]) => x === a && y === b)) &&
        e.message.includes(`cycle: ${cycle.join(' -> ')} (`)
    }
  }), { numRuns: 300 })
  t.pass()
})
