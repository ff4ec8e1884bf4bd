// A chaos spec as readable pipeline text, printed with every failure beside its JSON so a
// reader sees at once what the generated pipeline does.
import type { BranchSpec, ChaosSpec, KeyedSpec, StatelessSpec } from '../fixtures/chaos/spec.ts'

const par = (p: number | undefined): string => (p === undefined ? '' : `, { parallelism: ${p} }`)

function step(s: StatelessSpec): string {
  switch (s.op) {
    case 'map': return `.map(r => v = (v*${s.a} + ${s.c}) mod 1000${par(s.par)})`
    case 'filter': return `.filter(r => v mod ${s.m} != ${s.r}${par(s.par)})`
    case 'flatMap': return `.flatMap(r => ${s.copies} copies${par(s.par)})`
    case 'mapAsync': return `.mapAsync(r => v + ${s.c}${par(s.par)})`
    case 'throw': return `.map(throws when (v + id) mod ${s.m} == ${s.r}, { onError: ${s.policy}${s.par === undefined ? '' : `, parallelism: ${s.par}`} })`
  }
}

function stage(s: KeyedSpec): string {
  if (s.op === 'process') return `.keyBy(k).process(running count + sum in a keyed holder${s.emitEnd ? ', totals in onEnd' : ''}${par(s.par)})`
  if (s.op === 'reduce') return `.keyBy(k).reduce(running count + sum${par(s.par)})`
  const { type, ...w } = s.window
  return `${s.keyed ? '.keyBy(k)' : ''}.window(${type}(${JSON.stringify(w)})).${s.out}(${s.out === 'aggregate' ? s.aggs.join(', ') : ''}${par(s.par)})`
}

function branch(b: BranchSpec, i: number): string {
  const src = b.source
  const head = src.kind === 'generator' ? `generator({ count: ${src.count}, keys: ${src.keys}${src.rate ? `, rate: ${src.rate}` : ''} })`
    : src.kind === 'iterable' ? `iterable(${src.count} records, ${src.keys} keys)`
      : `${src.kind}(${src.count} records, ${src.keys} keys, ${src.bad} malformed lines, { onError: ${src.onError} })`
  return [`  b${i}: ${head}`, ...b.before.map(step), ...(b.stage ? [stage(b.stage)] : []), ...b.after.map(step)].join('\n      ')
}

/** The spec as indented pseudo-source, one step per line. */
export function describeSpec(spec: ChaosSpec): string {
  const t = spec.tail
  return [`pipeline('chaos')  // seed ${spec.seed}`, ...spec.branches.map(branch),
    [`  ${spec.branches.length > 1 ? `union(${spec.branches.map((_, i) => `b${i}`).join(', ')})` : 'b0'}`, ...t.before.map(step), ...(t.stage ? [stage(t.stage)] : []), ...t.after.map(step),
      `.sink(jsonl${par(spec.sinkParallelism)})`].join('\n      ')].join('\n')
}
