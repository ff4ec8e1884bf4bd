/**
 * Fresh-process timing for bench/window-hot-path.ts (BENCH_WH_FRESH=1): every run of every variant
 * in a new process (fresh-run.ts), so each is the first pipeline its process runs — in one process
 * the code V8 optimized for the first pipeline is thrown away when it ends and the next pipelines
 * get slower, generic code (bench/README.md, "the second pipeline in a process"). Round-robin,
 * `rounds` runs each, every output checked against the baseline's.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fmt, spread } from '../measure.ts'
import { assertSameChecksum, type Checksum } from '../workload-w.ts'
import type { VariantGroup } from './groups.ts'
import type { VariantTimes } from './round-robin.ts'

const child = join(import.meta.dirname, 'fresh-run.ts')

function runOnce(group: number, variant: number): Promise<{ ms: number; checksum: Checksum }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--import', 'tsx', child, String(group), String(variant)], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`fresh run of group ${group} variant ${variant} failed: ${stderr || error.message}`))
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; checksum: Checksum })
    })
  })
}

/**
 * Times group `index`'s variants, one process per run.
 *
 * @example
 * const rows = await freshProcesses(0, hotPathGroups()[0], 5)
 */
export async function freshProcesses(index: number, group: VariantGroup, rounds: number): Promise<VariantTimes[]> {
  const times = group.variants.map(() => [] as number[])
  let expected: Checksum | undefined
  for (let round = 1; round <= rounds; round++) {
    for (const [i, v] of group.variants.entries()) {
      const { ms, checksum } = await runOnce(index, i)
      expected ??= checksum
      assertSameChecksum(v.name, checksum, expected)
      times[i]!.push(ms)
      console.log(`  run ${round} (own process) ${v.name.padEnd(16)} ${fmt(ms).padStart(7)} ms`)
    }
  }
  const base = spread(times[0]!).median
  return group.variants.map((variant, i) => ({ variant, ms: spread(times[i]!), others: [], ratio: base / spread(times[i]!).median }))
}
