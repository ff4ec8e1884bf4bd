/**
 * The window hot path of this checkout against another revision's, interleaved in one process:
 * for each group of bench/window-hot-path.ts, the hand loop, the other revision's `oxiflow window`
 * and this checkout's, run one after the other (the order reversed every round) for
 * BENCH_AB_ROUNDS rounds (default 10) on the same events. This VM's speed drifts by up to a third
 * within minutes, so two bench runs a minute apart can disagree by more than a change's effect;
 * interleaved runs share every drift. The other revision: BENCH_AB_BASE (the path of a checkout
 * with node_modules), or BENCH_AB_REV (default HEAD: the working tree's uncommitted change, or an
 * A/A run of the same code when the tree is clean), checked out for the run in a temporary git
 * worktree that shares this checkout's node_modules.
 * Run: npm run bench -- window-hot-path-ab, e.g. BENCH_AB_REV=2d5da11 npm run bench -- window-hot-path-ab
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { collectGarbage, environment, fmt, formatEnvironment, formatTable, spread, writeResults } from './measure.ts'
import { hotPathGroups, type VariantGroup } from './window-hot-path/groups.ts'
import { assertSameChecksum, buildEvents, W, type Checksum, type WVariant } from './workload-w.ts'

const rounds = Number(process.env.BENCH_AB_ROUNDS ?? 10)
const repo = join(import.meta.dirname, '..')
const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim()

/** A checkout of `rev` in a temporary worktree sharing node_modules, and how to remove it. */
function worktreeAt(rev: string): { path: string; remove: () => void } {
  const path = join(mkdtempSync(join(tmpdir(), 'oxiflow-bench-ab-')), 'base')
  git('worktree', 'add', '--detach', path, rev)
  symlinkSync(join(repo, 'node_modules'), join(path, 'node_modules'))
  return { path, remove: () => { git('worktree', 'remove', '--force', path); rmSync(join(path, '..'), { recursive: true, force: true }) } }
}

const rev = process.env.BENCH_AB_REV ?? 'HEAD'
const made = process.env.BENCH_AB_BASE === undefined ? worktreeAt(rev) : undefined
const basePath = process.env.BENCH_AB_BASE ?? made!.path
const baseLabel = process.env.BENCH_AB_BASE ?? `${rev} (${git('rev-parse', '--short', rev)})`
try {
  const groups = join(basePath, 'bench/window-hot-path/groups.ts')
  if (!existsSync(groups)) throw new Error(`${baseLabel} has no bench/window-hot-path/groups.ts (added in 8f8a01a): compare with a revision from that one on`)
  const base = await import(pathToFileURL(groups).href) as { hotPathGroups: () => VariantGroup[] }
  const events = buildEvents(W.events)
  const env = environment()
  console.log(formatEnvironment(env))
  console.log(`base: ${baseLabel}; this: the working tree at ${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' with uncommitted changes' : ''}`)
  const results = []
  for (const [g, group] of hotPathGroups().entries()) {
    const pick = (groups: VariantGroup[], name: string): WVariant => groups[g]!.variants.find((v) => v.name === name)!
    const variants: [string, WVariant][] = [['hand loop', group.variants[0]!], ['base: oxiflow window', pick(base.hotPathGroups(), 'oxiflow window')], ['this: oxiflow window', pick(hotPathGroups(), 'oxiflow window')]]
    const times = variants.map((): number[] => [])
    let expected: Checksum | undefined
    for (let r = 0; r < rounds + 1; r++) {
      const order = r % 2 === 0 ? [0, 1, 2] : [2, 1, 0]
      for (const i of order) {
        collectGarbage()
        const t = performance.now()
        const out = await variants[i]![1].run(events)
        if (r > 0) times[i]!.push(performance.now() - t)
        // Oracle: every run gives the hand loop's windows.
        if (i === 0) expected ??= out
        else assertSameChecksum(variants[i]![0], out, expected!)
      }
    }
    const hand = spread(times[0]!).median
    const rows = variants.map(([name], i) => {
      const s = spread(times[i]!)
      return [name, fmt(s.median), `${fmt(s.min)}–${fmt(s.max)}`, `${(hand / s.median).toFixed(3)}×`]
    })
    console.log(`\n## ${group.title}: ${rounds} interleaved rounds after a warm-up, ${fmt(W.events)} events\n`)
    console.log(formatTable(['variant', 'ms (median)', 'ms (min–max)', 'vs hand loop'], rows))
    results.push({ group: group.title, variants: variants.map(([name], i) => ({ name, ...spread(times[i]!) })) })
  }
  console.log(`\nresults: ${writeResults('window-hot-path-ab', { environment: env, base: baseLabel, rounds, results })}`)
} finally {
  made?.remove()
}
