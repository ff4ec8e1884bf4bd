/**
 * Which oxiflow a bench child process loads, and how it is started: the compiled package
 * (`dist/index.js` with plain `node`, as a user's app runs it) and, when `BENCH_BEFORE_ROOT` names
 * another checkout (e.g. `git worktree add /tmp/wt-before 392d609`), that checkout's TypeScript
 * sources under `node --import tsx` — how every process and worker ran before oxiflow shipped
 * JavaScript. Used by the scripts that compare the two (worker-start.ts, slow-sink-rss.ts,
 * import-floor.ts).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

/** One oxiflow to measure: its label in tables, the node flags its child needs, its entry module. */
export interface OxiflowBuild {
  readonly label: string
  readonly nodeArgs: readonly string[]
  readonly entry: string
}

/**
 * The built package of this checkout (dist/, bundled by scripts/build.mjs), then (when
 * `BENCH_BEFORE_ROOT` is set) that checkout's sources; throws
 * when dist/ is missing, saying to build it.
 *
 * @example
 * for (const b of oxiflowBuilds()) spawnSync(process.execPath, [...b.nodeArgs, child, b.entry])
 */
export function oxiflowBuilds(): OxiflowBuild[] {
  const dist = join(repoRoot, 'dist', 'index.js')
  if (!existsSync(dist)) throw new Error(`${dist} does not exist: run \`npm run build\` first (the bench measures the compiled package)`)
  const builds: OxiflowBuild[] = [{ label: 'dist (node)', nodeArgs: [], entry: dist }]
  const before = process.env.BENCH_BEFORE_ROOT
  if (before) {
    const entry = join(resolve(before), 'index.ts')
    if (!existsSync(entry)) throw new Error(`BENCH_BEFORE_ROOT=${before}: ${entry} does not exist (expected a checkout of oxiflow's sources)`)
    const commit = execFileSync('git', ['-C', before, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()
    builds.push({ label: `${commit} sources (tsx)`, nodeArgs: ['--import', 'tsx'], entry })
  }
  return builds
}
