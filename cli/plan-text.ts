import type { ExchangeDescription, PlanDescription, StepDescription } from '../persistence/plan-description.ts'
import { actorHosts } from './plan-hosts.ts'

/**
 * A plan for a terminal: each actor with its parallelism, hosts, instances (and their key
 * groups) and its steps with their state; then the exchanges, the restore levels, and what the
 * plan cannot say without opening sources and sinks.
 *
 * @example
 * process.stdout.write(planText(p.plan({ workers: 2 })))
 */
export function planText(d: PlanDescription): string {
  const lines = [`pipeline '${d.pipelineId}': ${d.steps.length} steps in ${count(d.actors.length, 'actor')}, ` +
    `${d.workers === 0 ? 'inline (no worker threads)' : count(d.workers, 'worker thread')}, ${d.maxKeyGroups} key groups`, '']
  for (const actor of d.actors) {
    lines.push(`actor ${actor.id}  ×${actor.parallelism}  on ${actorHosts(actor)}`)
    if (actor.instances.some((i) => i.keyGroups) || actor.parallelism > 1) {
      lines.push(`  instances: ${actor.instances.map((i) => `${i.index} ${i.host}${i.keyGroups ? ` [${i.keyGroups.start}..${i.keyGroups.end}]` : ''}`).join(', ')}`)
    }
    const steps = actor.steps.map((name) => d.steps.find((s) => s.name === name)!)
    const width = Math.max(...steps.map((s) => s.name.length))
    for (const s of steps) {
      lines.push(`  ${s.name.padEnd(width)}  ${s.kind}${s.keyed ? ' (keyed)' : ''}${s.detail ? `  ${s.detail}` : ''}`)
      for (const st of s.state) lines.push(`    state ${st.stateId}  v${st.version}  ${st.scope}  restore level ${st.restoreLevel}${st.dependsOn.length > 0 ? `  after ${st.dependsOn.join(', ')}` : ''}`)
    }
    lines.push('')
  }
  lines.push(d.exchanges.length === 0 ? 'exchanges: none (every step in one actor)' : 'exchanges:')
  const width = Math.max(0, ...d.exchanges.map((e) => `${e.from} → ${e.to}`.length))
  for (const e of d.exchanges) lines.push(`  ${`${e.from} → ${e.to}`.padEnd(width)}  ${exchangeWords(e)}`)
  lines.push('', d.restoreLevels.length === 0 ? 'restore levels: none (no state found)' : 'restore levels:')
  d.restoreLevels.forEach((ids, level) => lines.push(`  ${level}: ${ids.join(', ')}`))
  const notes = d.steps.filter((s): s is StepDescription & { stateNote: string } => s.stateNote !== undefined)
  if (notes.length > 0) {
    lines.push('', 'not described (it would take opening them):')
    for (const [note, steps] of groupBy(notes)) lines.push(`  ${steps.join(', ')}: ${note}`)
  }
  return lines.join('\n') + '\n'
}

/** `hash, across threads`; `rebalance, side (dead letters / late records), same thread`. */
function exchangeWords(e: ExchangeDescription): string {
  return `${e.partitioning}${e.side ? ', side output' : ''}, ${e.crossesThreads ? 'across threads' : 'same thread'}  (actor ${e.fromActor} → ${e.toActor})`
}

function groupBy(steps: readonly (StepDescription & { stateNote: string })[]): Map<string, string[]> {
  const by = new Map<string, string[]>()
  for (const s of steps) by.set(s.stateNote, [...(by.get(s.stateNote) ?? []), s.name])
  return by
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
