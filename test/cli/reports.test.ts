import test from 'ava'
import { errorReport, summaryReport } from '../../cli/json-report.ts'
import { summaryTable } from '../../cli/summary-table.ts'
import { errorText } from '../../cli/error-text.ts'
import { UsageError } from '../../cli/usage-error.ts'
import { StepError } from '../../runtime/errors/step-error.ts'
import { RecordParseError } from '../../runtime/errors/record-parse-error.ts'
import type { JobSummary } from '../../cli/job-shape.ts'

const summary: JobSummary = {
  pipelineId: 'clicks',
  status: 'completed',
  durationMs: 2000,
  steps: {
    events: { kind: 'source', parallelism: 1, recordsIn: 0, recordsOut: 1000, failed: 0, busyMs: 12 },
    out: { kind: 'sink', parallelism: 1, recordsIn: 500, recordsOut: 0, failed: 0, busyMs: 3 },
  },
  results: { out: new Array(500).fill({ x: 1 }), totals: new Map([['a', 1]]), n: 7 },
  deadLetters: { parse: [{ step: 'parse' }, { step: 'parse' }] },
}

test('summaryReport replaces results and dead letters with their sizes and keeps the rest', (t) => {
  t.deepEqual(summaryReport(summary), {
    pipelineId: 'clicks', status: 'completed', durationMs: 2000, steps: summary.steps,
    results: { out: { count: 500 }, totals: { count: 1 }, n: { value: 7 } },
    deadLetters: { parse: { count: 2 } },
  })
})

test('summaryTable has a row per step with records/s over the duration', (t) => {
  t.is(summaryTable(summary), [
    "pipeline 'clicks' completed in 2.00 s",
    '  step    kind    in   out    failed  busy   rec/s',
    '  events  source  0    1,000  0       12 ms  500',
    '  out     sink    500  0      0       3 ms   250',
  ].join('\n') + '\n')
})

test('summaryTable shows a late column when a window step had late records (found from outside: they looked lost)', (t) => {
  const windowed: JobSummary = { ...summary, steps: {
    events: summary.steps.events!,
    agg: { kind: 'window', parallelism: 1, recordsIn: 13, recordsOut: 2, failed: 9, late: 1, busyMs: 1 },
    out: { ...summary.steps.out!, recordsIn: 2 },
  } }
  t.is(summaryTable(windowed), [
    "pipeline 'clicks' completed in 2.00 s",
    '  step    kind    in  out    failed  late  busy   rec/s',
    '  events  source  0   1,000  0             12 ms  500',
    '  agg     window  13  2      9       1     1 ms   7',
    '  out     sink    2   0      0             3 ms   1',
  ].join('\n') + '\n')
  // No late record: no column.
  t.false(summaryTable({ ...windowed, steps: { ...windowed.steps, agg: { ...windowed.steps.agg!, late: 0 } } }).includes('late'))
})

test('errorReport carries the step, the offset and the cause of a StepError', (t) => {
  const parse = new RecordParseError('in.jsonl', 3, 20, 'Unexpected token')
  const e = new StepError('read', parse.offset, parse, '')
  t.deepEqual(errorReport(e), {
    name: 'StepError', code: 'ERR_STEP', message: e.message, step: 'read', offset: 'in.jsonl line 3 byte 20',
    cause: { name: 'RecordParseError', code: 'ERR_RECORD_PARSE', message: parse.message },
  })
})

test('errorReport describes errors that are not oxiflow errors', (t) => {
  t.deepEqual(errorReport(new TypeError('x is not a function')), { name: 'TypeError', code: 'ERR_UNEXPECTED', message: 'x is not a function' })
  t.deepEqual(errorReport('boom'), { name: 'Error', code: 'ERR_UNEXPECTED', message: 'boom' })
})

test('errorText prints an oxiflow message alone, and the stack only under OXIFLOW_DEBUG', (t) => {
  const e = new StepError('enrich', 'record #3', new Error('bad'))
  t.is(errorText(e, false), `oxiflow: ${e.message}\n`)
  t.true(errorText(e, true).includes('Caused by: Error: bad'))
})

test('errorText points a usage error at the help of its command', (t) => {
  t.is(errorText(new UsageError('--workers must be a non-negative integer', 'run'), false),
    "oxiflow: --workers must be a non-negative integer\nRun 'oxiflow run --help' for usage.\n")
})

test('errorText names an unexpected error and says how to see its stack', (t) => {
  t.is(errorText(new TypeError('x is not a function'), false),
    'oxiflow: TypeError: x is not a function\nSet OXIFLOW_DEBUG=1 to see the stack.\n')
})
