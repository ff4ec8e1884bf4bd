import type { PlanDescription } from '../persistence/plan-description.ts'
import { actorHosts } from './plan-hosts.ts'

/**
 * A plan as a Mermaid `flowchart LR`: one subgraph per actor, one node per step (kind, detail,
 * state), plain arrows between fused steps, labelled arrows for the exchanges, dotted for side
 * outputs. Node ids are `s<i>` (step names may hold characters Mermaid reads as syntax).
 *
 * @example
 * writeFileSync('plan.mmd', planMermaid(p.plan({ workers: 2 })))
 */
export function planMermaid(d: PlanDescription): string {
  const id = new Map(d.steps.map((s, i) => [s.name, `s${i}`]))
  const lines = ['flowchart LR']
  for (const actor of d.actors) {
    lines.push(`  subgraph actor${actor.id}["${text(`actor ${actor.id} ×${actor.parallelism} on ${actorHosts(actor)}`)}"]`)
    for (const name of actor.steps) {
      const s = d.steps.find((x) => x.name === name)!
      const label = [s.name, `${s.kind}${s.keyed ? ' (keyed)' : ''}`, ...(s.detail ? [s.detail] : []),
        ...s.state.map((st) => `${st.stateId} v${st.version} (${st.scope}, level ${st.restoreLevel})`)]
      lines.push(`    ${id.get(name)}["${label.map(text).join('<br/>')}"]`)
    }
    for (let i = 1; i < actor.steps.length; i++) lines.push(`    ${id.get(actor.steps[i - 1]!)} --> ${id.get(actor.steps[i]!)}`)
    lines.push('  end')
  }
  for (const e of d.exchanges) {
    const label = text(`${e.partitioning}${e.crossesThreads ? ', across threads' : ''}`)
    lines.push(`  ${id.get(e.from)} ${e.side ? '-.->' : '-->'}|"${label}"| ${id.get(e.to)}`)
  }
  return lines.join('\n') + '\n'
}

/** Text inside a Mermaid quoted label: quotes and the characters of HTML as entity codes. */
function text(s: string): string {
  return s.replace(/[&"<>#|]/g, (c) => `#${c.charCodeAt(0)};`)
}
