import test from 'ava'
import { isRunRecord } from '../../persistence/run-state/run-record.ts'
import { pipeline, sinks, sources } from '../../index.ts'
import { blankRunRecord } from '../fixtures/run-state-blank.ts'

// The run record's `plan` is optional: records written before it read as before; one that has
// it must hold a plan's shape. Persistence checks the shape only (it knows the type, not the planner).

const plan = pipeline('r').source('in', sources.iterable([1])).sink('out', sinks.collect()).plan()

test('isRunRecord_without_plan: a record written before plans existed is a run record', (t) => {
  const { plan: _, ...old } = blankRunRecord('r', { plan })
  t.true(isRunRecord(old))
})

test('isRunRecord_with_plan: a record with a plan description is one; a plan of another shape is not', (t) => {
  t.true(isRunRecord(blankRunRecord('r', { plan })))
  // JSON round trip, as a store keeps it.
  t.true(isRunRecord(JSON.parse(JSON.stringify(blankRunRecord('r', { plan })))))
  for (const bad of [null, 'plan', { steps: [] }, { actors: [], steps: 'x' }]) t.false(isRunRecord({ ...blankRunRecord('r'), plan: bad }), JSON.stringify(bad))
})
