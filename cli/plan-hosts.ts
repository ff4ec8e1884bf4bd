import type { ActorDescription } from '../persistence/plan-description.ts'

/**
 * Where an actor's instances run, in a few words: `main`, `worker 1`, `workers 1–3`, or
 * `main, workers 1–2`.
 *
 * @example
 * actorHosts(actor) // 'workers 1–2'
 */
export function actorHosts(actor: ActorDescription): string {
  const hosts = new Set(actor.instances.map((i) => i.host))
  const workers = [...hosts].filter((h) => h.startsWith('worker ')).map((h) => Number(h.slice(7))).sort((a, b) => a - b)
  const parts = hosts.has('main') ? ['main'] : []
  if (workers.length === 1) parts.push(`worker ${workers[0]}`)
  else if (workers.length > 1) parts.push(contiguous(workers) ? `workers ${workers[0]}–${workers[workers.length - 1]}` : `workers ${workers.join(', ')}`)
  return parts.join(', ')
}

function contiguous(ns: readonly number[]): boolean {
  return ns.every((n, i) => i === 0 || n === ns[i - 1]! + 1)
}
