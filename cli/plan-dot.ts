import type { PlanDescription } from '../persistence/plan-description.ts'
import { actorHosts } from './plan-hosts.ts'

/**
 * A plan as Graphviz DOT: one cluster per actor (its parallelism and hosts in the label), one
 * box per step (kind, detail, state), solid edges between fused steps, labelled edges for the
 * exchanges (partitioning, across threads), dashed for side outputs.
 *
 * @example
 * writeFileSync('plan.dot', planDot(p.plan({ workers: 2 }))) // dot -Tsvg plan.dot > plan.svg
 */
export function planDot(d: PlanDescription): string {
  const lines = [`digraph ${quote(d.pipelineId)} {`, '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];']
  for (const actor of d.actors) {
    lines.push(`  subgraph ${quote(`cluster_actor_${actor.id}`)} {`)
    lines.push(`    label=${quote(`actor ${actor.id} ×${actor.parallelism} on ${actorHosts(actor)}`)};`)
    for (const name of actor.steps) {
      const s = d.steps.find((x) => x.name === name)!
      const label = [s.name, `${s.kind}${s.keyed ? ' (keyed)' : ''}`, ...(s.detail ? [s.detail] : []),
        ...s.state.map((st) => `${st.stateId} v${st.version} (${st.scope}, level ${st.restoreLevel})`)]
      lines.push(`    ${quote(s.name)} [label=${quote(label.join('\n'))}];`)
    }
    lines.push('  }')
  }
  for (const actor of d.actors) {
    for (let i = 1; i < actor.steps.length; i++) lines.push(`  ${quote(actor.steps[i - 1]!)} -> ${quote(actor.steps[i]!)};`)
  }
  for (const e of d.exchanges) {
    const label = `${e.partitioning}${e.crossesThreads ? ', across threads' : ''}`
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(label)}${e.side ? ', style=dashed' : ''}];`)
  }
  lines.push('}')
  return lines.join('\n') + '\n'
}

/** A DOT quoted string: backslashes and quotes escaped, line breaks as DOT's `\n`. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}
