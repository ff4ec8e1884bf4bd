/**
 * Runs the bench scripts in sequence, each in its own child process (`node --expose-gc --import
 * tsx`), so one claim's heap and JIT state do not leak into the next.
 *
 * `npm run bench` runs all; `npm run bench -- w` (or slow-sink, workers, windows, exchange, codec, checkpoint, restore, stores, run-state, brokers, soak, worker-start, import-floor, keyed-state, window-hot-path, window-hot-path-ab, checkpoint-overhead, parallel-restore, incremental-checkpoint, snapshot-encode, object-state-encoding, workers-pay, thread-ceiling) runs the named ones.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const benchDir = dirname(fileURLToPath(import.meta.url))

/** Script per claim, by the name given on the command line. */
const scripts: Readonly<Record<string, string>> = {
  w: 'w-throughput.ts',
  'slow-sink': 'slow-sink-rss.ts',
  workers: 'workers.ts',
  windows: 'windows.ts',
  exchange: 'exchange-codec.ts',
  codec: 'codec.ts',
  checkpoint: 'checkpoint.ts',
  restore: 'restore.ts',
  stores: 'stores.ts',
  'run-state': 'run-state.ts',
  brokers: 'brokers.ts',
  soak: 'soak.ts',
  'worker-start': 'worker-start.ts',
  'import-floor': 'import-floor.ts',
  'keyed-state': 'keyed-state.ts',
  'window-hot-path': 'window-hot-path.ts',
  'window-hot-path-ab': 'window-hot-path-ab.ts',
  'checkpoint-overhead': 'checkpoint-overhead.ts',
  'parallel-restore': 'parallel-restore.ts',
  'incremental-checkpoint': 'incremental-checkpoint.ts',
  'snapshot-encode': 'snapshot-encode.ts',
  'object-state-encoding': 'object-state-encoding.ts',
  'workers-pay': 'workers-pay.ts',
  'thread-ceiling': 'thread-ceiling.ts',
}

const asked = process.argv.slice(2)
const unknown = asked.filter((name) => !(name in scripts))
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${Object.keys(scripts).join(', ')}`)
  process.exit(2)
}

const failed: string[] = []
const started = performance.now()
for (const name of asked.length > 0 ? asked : Object.keys(scripts)) {
  const file = join(benchDir, scripts[name]!)
  console.log(`\n=== bench ${name}: ${scripts[name]} ===\n`)
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], { stdio: 'inherit', cwd: join(benchDir, '..') })
  if (child.status !== 0) failed.push(`${name} (exit ${child.status ?? child.signal})`)
}
console.log(`\nbench done in ${((performance.now() - started) / 1000).toFixed(1)} s${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}`)
process.exit(failed.length > 0 ? 1 : 0)
