import test from 'ava'
import { isDependencyCycleError } from '../../persistence/registry/dependency-cycle-error.ts'
import { DuplicateHolderError } from '../../persistence/registry/duplicate-holder-error.ts'
import { UnknownDependencyError, isUnknownDependencyError } from '../../persistence/registry/unknown-dependency-error.ts'
import type { HolderEntry } from '../../persistence/registry/holder-entry.ts'
import { HolderRegistry } from '../../persistence/registry/holder-registry.ts'

const holder = (stateId: string, dependsOn: string[] = [], keyGroups?: { start: number; end: number }): HolderEntry =>
  ({ stateId, step: stateId.split('/')[0]!, stateVersion: '1.0.0', dependsOn, ...(keyGroups ? { keyGroups } : {}) })
const ids = (entries: HolderEntry[]): string[] => entries.map((e) => e.stateId)

test('writeOrder_declaredDependsOn_dependencyBeforeDependent', (t) => {
  const registry = new HolderRegistry([holder('a/x', ['c/z']), holder('b/y'), holder('c/z', ['b/y'])], [])
  t.deepEqual(ids(registry.writeOrder()), ['b/y', 'c/z', 'a/x'])
})

test('writeOrder_independentHolders_orderedByStateId', (t) => {
  const registry = new HolderRegistry([holder('d/w'), holder('b/y'), holder('a/x'), holder('c/z')], [])
  t.deepEqual(ids(registry.writeOrder()), ['a/x', 'b/y', 'c/z', 'd/w'])
})

test('levels_diamond_levelIsOnePlusHighestDependency', (t) => {
  const registry = new HolderRegistry([
    holder('top/t', ['left/l', 'right/r']), holder('left/l', ['base/b']), holder('right/r'), holder('base/b'),
  ], [])
  t.deepEqual(registry.levels().map(ids), [['base/b', 'right/r'], ['left/l'], ['top/t']])
  t.is(registry.level('top/t'), 2)
  t.is(registry.level('nope/n'), undefined)
})

test('levels_dataflowEdge_upstreamHoldersFirst', (t) => {
  const registry = new HolderRegistry([holder('sink/s'), holder('agg/a'), holder('agg/b'), holder('src/o')],
    [['src', 'agg'], ['agg', 'sink']])
  t.deepEqual(registry.levels().map(ids), [['src/o'], ['agg/a', 'agg/b'], ['sink/s']])
  t.deepEqual(registry.dependenciesOf('sink/s'), ['agg/a', 'agg/b'])
})

test('levels_dataflowThroughStatelessSteps_upstreamHoldersFirst', (t) => {
  const registry = new HolderRegistry([holder('src/o'), holder('agg/a')],
    [['src', 'parse'], ['parse', 'filter'], ['filter', 'agg'], ['src', 'agg']])
  t.deepEqual(registry.levels().map(ids), [['src/o'], ['agg/a']])
})

test('writeOrder_keyedHolder_oneEntryPerRangeInRangeOrder', (t) => {
  const registry = new HolderRegistry([
    holder('win/buf', [], { start: 64, end: 127 }), holder('win/buf', [], { start: 0, end: 63 }), holder('src/o'),
  ], [['src', 'win']])
  t.deepEqual(registry.writeOrder().map((e) => [e.stateId, e.keyGroups?.start]), [['src/o', undefined], ['win/buf', 0], ['win/buf', 64]])
  t.is(registry.levels()[1]!.length, 2)
})

test('constructor_declaredCycle_namesCycleFromSmallestId', (t) => {
  const error = t.throws(() => new HolderRegistry([holder('c/z', ['a/x']), holder('a/x', ['b/y']), holder('b/y', ['c/z']), holder('d/w')], []))
  t.true(isDependencyCycleError(error))
  if (!isDependencyCycleError(error)) return
  t.deepEqual(error.cycle, ['a/x', 'b/y', 'c/z', 'a/x'])
  t.is(error.code, 'ERR_DEPENDENCY_CYCLE')
  t.is(error.message,
    "state holders depend on each other in a cycle: a/x -> b/y -> c/z -> a/x ('a/x' declares dependsOn 'b/y'; " +
    "'b/y' declares dependsOn 'c/z'; 'c/z' declares dependsOn 'a/x'); no restore order exists: remove one of these " +
    'dependsOn entries, or declare the dependency on a holder of an upstream step instead')
})

test('constructor_selfDependency_namesOneElementCycle', (t) => {
  const error = t.throws(() => new HolderRegistry([holder('a/x', ['a/x'])], []))
  t.true(isDependencyCycleError(error) && error.message.includes('cycle: a/x -> a/x ('))
})

test('constructor_dependsOnDownstreamHolder_cycleNamesDataflowLink', (t) => {
  const error = t.throws(() => new HolderRegistry([holder('src/o', ['agg/a']), holder('agg/a')], [['src', 'agg']]))
  t.true(isDependencyCycleError(error))
  if (!isDependencyCycleError(error)) return
  t.deepEqual(error.cycle, ['agg/a', 'src/o', 'agg/a'])
  t.deepEqual(error.reasons, ["step 'agg' of 'agg/a' is downstream of step 'src' of 'src/o'", "'src/o' declares dependsOn 'agg/a'"])
})

test('constructor_unknownDependsOn_namesHolderStepAndMissingId', (t) => {
  const error = t.throws(() => new HolderRegistry([holder('agg/sum', ['win/buffer']), holder('win/buf')], []), { instanceOf: UnknownDependencyError })
  t.true(isUnknownDependencyError(error))
  t.is(error.code, 'ERR_UNKNOWN_DEPENDENCY')
  t.is(error.message, "state holder 'agg/sum' of step 'agg' depends on 'win/buffer', which no state holder of this pipeline has; " +
    "known state ids: 'agg/sum', 'win/buf'; fix the id in dependsOn (state ids are '<step>/<part>')")
})

const duplicates: Array<[string, HolderEntry[], string]> = [
  ['twoSteps', [holder('a/x'), { ...holder('a/x'), step: 'b' }], "registered by steps 'a' and 'b'"],
  ['twiceWithoutRange', [holder('a/x'), holder('a/x')], "registered twice by step 'a', both times without a key-group range"],
  ['overlappingRanges', [holder('a/x', [], { start: 0, end: 10 }), holder('a/x', [], { start: 10, end: 20 })],
    "registered twice by step 'a' with overlapping key-group ranges [0, 10] and [10, 20]"],
]
for (const [scenario, entries, clash] of duplicates) {
  test(`constructor_${scenario}_duplicateHolderErrorNamesClash`, (t) => {
    const error = t.throws(() => new HolderRegistry(entries, []), { instanceOf: DuplicateHolderError })
    t.is(error.message, `state id 'a/x' is ${clash}; a state id names one holder of one step (one per key-group range ` +
      `for keyed steps): give each holder its own '<step>/<part>' id`)
  })
}
