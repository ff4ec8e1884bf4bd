import test from 'ava'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline, sinks, sources, type Sink } from '../../../index.ts'

// A sink whose writers may run on a worker (Sink.workerSafe: the file and broker sinks) runs on
// one, fused into the step before it when their parallelism matches: its records do not cross to
// the main thread. collect() and console() stay on the main thread.

const module = new URL('../../fixtures/describe/worker-safe-sink.ts', import.meta.url).href

test('on 1 worker a jsonl sink fuses into the keyed step before it: one worker actor, no record crosses to the main thread', (t) => {
  const p = pipeline('ws-jsonl').source('in', sources.iterable([{ k: 'a' }])).keyBy((r) => r.k)
    .reduce('count', (n: number) => n + 1, () => 0).sink('out', sinks.jsonl('/tmp/never-opened.jsonl'))
  const d = p.plan({ workers: 1 })
  t.deepEqual(d.actors.map((a) => [a.steps, a.instances.map((i) => i.host)]), [[['in'], ['worker 1']], [['count', 'out'], ['worker 1']]])
  t.deepEqual(d.exchanges.map((e) => [e.from, e.to, e.crossesThreads]), [['in', 'count', false]])
})

test('on 2 workers a jsonl sink after a 2-instance step runs on worker 1; collect() and a sink that does not say so stay on main', (t) => {
  const plain: Sink<unknown> = { kind: 'sink', description: 'plain', open: () => ({ write() {} }) }
  const src = () => pipeline('ws-2').source('in', sources.iterable([{ k: 'a' }])).keyBy((r) => r.k).reduce('count', (n: number) => n + 1, () => 0)
  for (const [sink, host] of [[sinks.jsonl('/tmp/never-opened.jsonl'), 'worker 1'], [sinks.collect(), 'main'], [plain, 'main']] as const) {
    const d = src().sink('out', sink as Sink<unknown>).plan({ workers: 2 })
    const out = d.actors.find((a) => a.steps.includes('out'))!
    t.deepEqual([out.steps, out.instances.map((i) => i.host)], [['out'], [host]], sink.description)
  }
})

for (const workers of [1, 2]) {
  test(`a job on ${workers} worker(s) writing jsonl from a worker writes what it writes inline`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'oxiflow-ws-'))
    const run = async (w: number): Promise<string> => {
      const output = join(dir, `out-${w}.jsonl`)
      const { default: build } = await import('../../fixtures/describe/worker-safe-sink.ts')
      await build({ output }).run({ workers: w, module, params: { output } }).done
      return readFileSync(output, 'utf8')
    }
    const inline = await run(0)
    const sorted = (s: string) => s.trim().split('\n').sort()
    t.is(sorted(inline).length, 5000) // a running count per record
    t.deepEqual(sorted(await run(workers)), sorted(inline))
  })
}
