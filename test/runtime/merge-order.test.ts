import test from 'ava'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Pipeline } from '../../index.ts'
import type { Line } from '../fixtures/merge-order/pipelines.ts'

// Per key, the output lines are the same, in the same order, inline and on 2 and 3 workers
// (DESIGN "Order"). On 5a5b78f both shapes reordered a few records of a key on workers: round
// robin spread one key's records over parallel instances whose outputs merged again without
// sequence numbers (a union; a keyed step's output fanned out to parallelism 3).

const fixture = fileURLToPath(new URL('../fixtures/merge-order/pipelines.ts', import.meta.url))
type Build = (p: { shape: string; out: string; input?: string }) => Pipeline<never>

/** The sink's lines per key, in file order. */
async function perKey(path: string): Promise<Map<string, number[]>> {
  const byKey = new Map<string, number[]>()
  for (const l of (await readFile(path, 'utf8')).split('\n')) {
    if (l === '') continue
    const { k, n } = JSON.parse(l) as Line
    byKey.set(k, [...(byKey.get(k) ?? []), n])
  }
  return byKey
}

/** Runs `shape` inline (the oracle) and on 2 and 3 workers; asserts per-key order equal for the keys `checked` accepts. */
async function differential(t: import('ava').ExecutionContext, shape: string, checked: (key: string) => boolean, input?: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'merge-order-'))
  try {
    const { default: build } = await import(fixture) as { default: Build }
    const outputs = new Map<number, Map<string, number[]>>()
    for (const workers of [0, 2, 3]) {
      const params = { shape, out: join(dir, `out-${workers}.jsonl`), ...(input && { input }) }
      await build(params).run({ workers, module: fixture, params }).done
      outputs.set(workers, await perKey(params.out))
    }
    const oracle = outputs.get(0)!
    t.true(oracle.size > 0)
    for (const [workers, got] of outputs) {
      t.deepEqual([...got.keys()].sort(), [...oracle.keys()].sort(), `keys, ${workers} workers`)
      for (const [key, ns] of oracle) if (checked(key)) t.deepEqual(got.get(key), ns, `key ${key}, ${workers} workers`)
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

test('a keyed reduce (parallelism 3) → map (1) → map (3) keeps each key\'s running counts in order on 2 and 3 workers', async (t) => {
  t.timeout(60_000)
  await differential(t, 'keyed', () => true)
})

test('a generator unioned with a file read in splits keeps both branches\' per-key order on 2 and 3 workers', async (t) => {
  t.timeout(60_000)
  const dir = await mkdtemp(join(tmpdir(), 'merge-order-in-'))
  const input = join(dir, 'in.jsonl')
  try {
    await writeFile(input, Array.from({ length: 3000 }, (_, n) => JSON.stringify({ k: `f-${n % 5}`, n })).join('\n') + '\n')
    await differential(t, 'union', () => true, input)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
