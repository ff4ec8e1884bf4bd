import test from 'ava'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { order } from '../../examples/jetstream-setup.ts'
import { deleteStream, readStream, suffix } from '../fixtures/broker-records.ts'

interface Total { key: string; windowStart: number; windowEnd: number; orders: number; spent: number; largest: number }

test('examples/jetstream-windows.ts runs with one command, and a second run adds nothing: per-user minute totals equal a plain loop', async (t) => {
  t.timeout(120_000)
  const stream = `oxiflow-example-${suffix()}`
  const prefix = stream.replace(/-/g, '_')
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-example-'))
  t.teardown(async () => { await deleteStream(stream); await rm(dir, { recursive: true, force: true }) })
  const run = () => spawnSync(process.execPath, ['bin/oxiflow.mjs', 'run', 'examples/jetstream-windows.ts', '--store', join(dir, 'store'),
    '--checkpoint-interval', '200', '--restore', 'latest', '--json', '--params', JSON.stringify({ orders: 5000, stream, prefix })], { encoding: 'utf8' })
  const first = run()
  t.is(first.status, 0, first.stderr)
  t.is(JSON.parse(first.stdout).status, 'completed')
  t.is(run().status, 0)

  const expected = new Map<string, Total>()
  for (let id = 0; id < 5000; id++) {
    const o = order(id)
    const start = Math.floor(o.ts / 60_000) * 60_000
    const k = `${o.user}@${start}`
    const row = expected.get(k) ?? { key: o.user, windowStart: start, windowEnd: start + 60_000, orders: 0, spent: 0, largest: -Infinity }
    row.orders++
    row.spent += o.amount
    row.largest = Math.max(row.largest, o.amount)
    expected.set(k, row)
  }
  const actual = await readStream<Total>(stream, `${prefix}.totals`)
  t.is(actual.length, expected.size, 'each window once, also after the second run')
  for (const row of actual) {
    const want = expected.get(`${row.key}@${row.windowStart}`)
    t.truthy(want, `unexpected window ${row.key}@${row.windowStart}`)
    t.is(row.orders, want!.orders)
    t.is(row.largest, want!.largest)
    t.true(Math.abs(row.spent - want!.spent) < 1e-6 * Math.max(1, want!.spent), `spent of ${row.key}@${row.windowStart}`)
  }
})
