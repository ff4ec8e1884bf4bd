import test from 'ava'
import fc from 'fast-check'
import { stores, type JobSummary, type StateStore } from '../../../index.ts'
import { cutSource, keyedStatePipeline, oracle, perKey, type Out, type Rec } from '../../fixtures/state/keyed-state-oxi.ts'

// Value, map and list state through ctx.state: cut at two random records, checkpointed on stop,
// restored with another parallelism each time (1 → 3 → 2 instances of the step, key groups
// moving between them): the joined output equals an uninterrupted run's and a plain loop's.
const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)

const recordsArb = fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g'), x: fc.integer({ min: 0, max: 5 }) }), { maxLength: 60, size: 'max' })
  .map((rs) => rs.map((r, id): Rec => ({ id, ...r })))

async function runPart(input: readonly Rec[], parallelism: number, store: StateStore, stopAt: number | undefined, restore: boolean): Promise<JobSummary> {
  let stop = (): void => {}
  const job = keyedStatePipeline(cutSource(input, stopAt, () => stop()), parallelism)
    .run({ store, checkpointInterval: 3_600_000, batchSize: 4, ...(restore ? { restore: 'latest' as const } : {}) })
  stop = () => { void job.stop() }
  return job.done
}

const outOf = (s: JobSummary): Out[] => s.results.out as Out[]

test('value, map and list state: stop → restore on 1 → 3 → 2 instances → continue = uninterrupted = the plain loop, per key', async (t) => {
  t.timeout(120_000)
  t.log(`fast-check seed ${seed} (rerun with FC_SEED=${seed})`)
  await fc.assert(fc.asyncProperty(recordsArb, fc.nat(), fc.nat(), async (input, i, j) => {
    const [a, b] = [i % (input.length + 1), j % (input.length + 1)].sort((x, y) => x - y)
    const expected = perKey(oracle(input))
    const whole = await runPart(input, 2, stores.memory(), undefined, false)
    t.deepEqual(perKey(outOf(whole)), expected, 'uninterrupted run')
    const store = stores.memory()
    const first = await runPart(input, 1, store, a, false)
    const second = await runPart(input, 3, store, b, true)
    const third = await runPart(input, 2, store, undefined, true)
    t.is(second.restore?.checkpointId !== undefined && third.restore?.checkpointId !== undefined, true, 'both continuations restored')
    t.deepEqual(perKey([...outOf(first), ...outOf(second), ...outOf(third)]), expected, `cut at ${a} and ${b} of ${input.length}`)
  }), { seed, numRuns: 50 })
})
