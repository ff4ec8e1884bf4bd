import test from 'ava'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PartitionEvent } from '../../../runtime/partitions/index.ts'

interface Line { ready?: true; building?: number; event?: PartitionEvent }
interface Runner { child: ChildProcess; lines: Line[]; exited: Promise<void> }

/** A slow-start runner process (test/fixtures/partitions/slow-start-runner.ts), loaded and waiting for 'go'. */
function startRunner(name: string, params: object): Runner {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/partitions/slow-start-runner.ts', JSON.stringify(params)],
    { env: { ...process.env, OXIFLOW_RUNNER_ID: name }, stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: Line[] = []
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => {
    out += d
    for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) { lines.push(JSON.parse(out.slice(0, i)) as Line); out = out.slice(i + 1) }
  })
  child.stderr!.on('data', (d) => { err += d })
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`runner ${name} exit ${code ?? signal}: ${err}`))))
  })
  return { child, lines, exited }
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  for (const deadline = Date.now() + ms; !ok();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

const events = (r: Runner): PartitionEvent[] => r.lines.flatMap((l) => (l.event ? [l.event] : []))
const kinds = (es: PartitionEvent[], kind: PartitionEvent['kind']): number[] => es.filter((e) => e.kind === kind).map((e) => e.partition).sort()

// Leases were renewed only at the start of each round. Runner a, alone, takes all eight partitions
// in one round, each job start holding its thread for 400 ms (a loaded machine), so the round
// lasts ~3.2 s while its membership and partition leases last 2.5 s. Runner b, joining while a
// builds its last partition, counted a as gone (its membership had expired) and took a's first
// partitions: a lost them, and b's jobs found their pipeline leases still held (spurious
// 'acquired' events). On a loaded 2-core machine the example's round of 4 partitions lasted 18 s
// against the 15 s default TTL.
test('leases stay renewed while a round takes slow-starting partitions: a runner joining meanwhile gets only what is handed over', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-renewal-'))
  const params = { group: 'renewal', store: join(dir, 'store'), partitions: 8, ttlMs: 2500, pollMs: 100 }
  const a = startRunner('a', { ...params, buildMs: 400 })
  const b = startRunner('b', { ...params, buildMs: 0 })
  t.teardown(async () => {
    for (const r of [a, b]) { r.exited.catch(() => undefined); r.child.kill('SIGKILL') }
    await rm(dir, { recursive: true, force: true })
  })
  await until('both runners to load', () => a.lines.some((l) => l.ready) && b.lines.some((l) => l.ready), 20_000)
  a.child.stdin!.write('go\n')
  // a's round is 2.8 s old when it builds partition 7: past its leases' TTL, unless renewed meanwhile.
  await until('runner a to build its last partition', () => a.lines.some((l) => l.building === 7), 10_000)
  b.child.stdin!.write('go\n')
  const settled = (): boolean => kinds(events(a), 'lost').length > 0 || kinds(events(b), 'acquired').length >= 2
  await until('b to acquire two partitions (or a to lose one)', settled, 25_000)
  await sleep(params.ttlMs) // a TTL more, for a late takeover to show
  // Before the stop, which hands every partition over; b's first, as a's hand-over precedes b's take.
  const eb = events(b)
  const ea = events(a)
  for (const r of [a, b]) r.child.kill('SIGTERM')
  await Promise.all([a.exited, b.exited])
  t.deepEqual(kinds(ea, 'lost'), [], 'runner a lost no partition')
  t.deepEqual(kinds(eb, 'acquired').filter((p) => !kinds(ea, 'handed-over').includes(p)), [], 'runner b acquired only partitions a handed over')
  t.deepEqual(kinds(ea, 'acquired'), [0, 1, 2, 3, 4, 5, 6, 7])
})
