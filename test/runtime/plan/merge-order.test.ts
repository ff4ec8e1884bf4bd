import test from 'ava'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Pipeline } from '../../../index.ts'
import type { Line } from '../../fixtures/merge-order/pipelines.ts'

// Per key, the output lines are the same, in the same order, inline and on 2 and 3 workers (the
// rule: per key, records reach a keyed step in input order, for any number of workers). On
// 5a5b78f both shapes reordered a few records of a key on workers: round robin spread one key's
// records over parallel instances whose outputs merged again without sequence numbers (a union;
// a keyed step's output fanned out to parallelism 3).

const fixture = fileURLToPath(new URL('../../fixtures/merge-order/pipelines.ts', import.meta.url))
type Build = (p: { shape: string; out: string; input?: string }) => Pipeline<never>

/** The sink's lines per key, in file order, and the threads that wrote `w`. */
async function perKey(path: string): Promise<{ byKey: Map<string, number[]>; threads: Set<number> }> {
  const byKey = new Map<string, number[]>()
  const threads = new Set<number>()
  for (const l of (await readFile(path, 'utf8')).split('\n')) {
    if (l === '') continue
    const { k, n, w } = JSON.parse(l) as Line
    byKey.set(k, [...(byKey.get(k) ?? []), n])
    if (w !== undefined) threads.add(w)
  }
  return { byKey, threads }
}

/** Runs `shape` inline (the oracle) and on 2 and 3 workers; asserts per-key order equal; returns the threads `w` named per worker count. */
async function differential(t: import('ava').ExecutionContext, shape: string, input?: string): Promise<Map<number, Set<number>>> {
  const dir = await mkdtemp(join(tmpdir(), 'merge-order-'))
  try {
    const { default: build } = await import(fixture) as { default: Build }
    const outputs = new Map<number, Map<string, number[]>>()
    const threads = new Map<number, Set<number>>()
    for (const workers of [0, 2, 3]) {
      const params = { shape, out: join(dir, `out-${workers}.jsonl`), ...(input && { input }) }
      await build(params).run({ workers, module: fixture, params }).done
      const got = await perKey(params.out)
      outputs.set(workers, got.byKey)
      threads.set(workers, got.threads)
    }
    const oracle = outputs.get(0)!
    t.true(oracle.size > 0)
    for (const [workers, got] of outputs) {
      t.deepEqual([...got.keys()].sort(), [...oracle.keys()].sort(), `keys, ${workers} workers`)
      for (const [key, ns] of oracle) t.deepEqual(got.get(key), ns, `key ${key}, ${workers} workers`)
    }
    return threads
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

test('a keyed reduce (parallelism 3) → map (1) → map (3) keeps each key\'s running counts in order on 2 and 3 workers', async (t) => {
  t.timeout(60_000)
  await differential(t, 'keyed')
})

test('a generator unioned with a file read in splits keeps both branches\' per-key order on 2 and 3 workers, the map after the union running on several threads', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'merge-order-in-'))
  const input = join(dir, 'in.jsonl')
  try {
    await writeFile(input, Array.from({ length: 3000 }, (_, n) => JSON.stringify({ k: `f-${n % 5}`, n })).join('\n') + '\n')
    const threads = await differential(t, 'union', input)
    // The union numbers its output, so the map (parallelism 3) after it gets batches round robin.
    t.true(threads.get(2)!.size >= 2, `threads of the map after the union on 2 workers: ${[...threads.get(2)!].join(', ')}`)
    t.true(threads.get(3)!.size >= 2, `threads of the map after the union on 3 workers: ${[...threads.get(3)!].join(', ')}`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
