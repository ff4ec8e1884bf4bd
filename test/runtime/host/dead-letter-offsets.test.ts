// A dead letter is output, so it must be the same inline and on workers (issue 13, defect 3): a
// step's letter carries no `offset` (its `input record N` counted per instance since the run
// started, so it differed with the worker count and after a restore); a source's reject keeps its
// true file line and byte (test/runtime/host/dead-letters.test.ts).
import test from 'ava'
import { type DeadLetter } from '../../../index.ts'
import keyed from '../../fixtures/dead-letters/keyed.ts'

test.serial('the dead letters of keyed steps (a reduce, a window) are the same inline and on 2 workers, offsets included', async (t) => {
  t.timeout(60_000)
  const inline = await keyed().run().done
  const onWorkers = await keyed().run({ workers: 2, module: new URL('../../fixtures/dead-letters/keyed.ts', import.meta.url).href }).done
  t.is(onWorkers.steps.sum.parallelism, 2)
  const letters = (l: unknown): string[] => (l as DeadLetter[]).map((d) => JSON.stringify(d)).sort()
  for (const step of ['sum', 'counts']) {
    const expected = letters(inline.deadLetters[step])
    t.true(expected.length > 50, `step '${step}' has letters`)
    t.deepEqual(letters(onWorkers.deadLetters[step]), expected, `step '${step}': the same letters as a multiset, every field compared`)
  }
  t.false((inline.deadLetters.sum as DeadLetter[]).some((d) => 'offset' in d), 'a step\'s letter has no offset: it has no position that is the same everywhere')
})
