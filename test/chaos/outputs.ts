// What a chaos run leaves behind (the sink's file and one dead-letter file per step) and how it
// is compared with the oracle's: the main output per key in order (the promise is "the same
// records, with per-key order kept"), dead letters as multisets.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The lines of the main output and of each dead-letter file (by file name). */
export interface Outputs {
  readonly main: readonly string[]
  readonly dead: Readonly<Record<string, readonly string[]>>
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '')

/** Reads `out.jsonl` and every `dead-*.jsonl` of an output directory. */
export async function readOutputs(dir: string): Promise<Outputs> {
  const files = await readdir(dir).catch(() => [] as string[])
  const main = files.includes('out.jsonl') ? lines(await readFile(join(dir, 'out.jsonl'), 'utf8')) : []
  const dead: Record<string, string[]> = {}
  for (const f of files.filter((f) => f.startsWith('dead-')).sort()) dead[f] = lines(await readFile(join(dir, f), 'utf8'))
  return { main, dead }
}

function byKey(main: readonly string[], problems: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const line of main) {
    let k: string
    try {
      k = String((JSON.parse(line) as { k: unknown }).k)
    } catch {
      problems.push(`a line of out.jsonl is not JSON (torn?): ${line.slice(0, 120)}`)
      continue
    }
    let list = out.get(k)
    if (!list) out.set(k, list = [])
    list.push(line)
  }
  return out
}

function counts(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1)
  return m
}

/** Lines missing from `actual` and lines extra in it (with their multiplicities), at most `limit` each. */
function multisetDiff(expected: readonly string[], actual: readonly string[], limit = 3): string[] {
  const e = counts(expected)
  const a = counts(actual)
  const missing: string[] = []
  const extra: string[] = []
  for (const [x, n] of e) if ((a.get(x) ?? 0) < n) missing.push(`${n - (a.get(x) ?? 0)}× ${x.slice(0, 160)}`)
  for (const [x, n] of a) if ((e.get(x) ?? 0) < n) extra.push(`${n - (e.get(x) ?? 0)}× ${x.slice(0, 160)}`)
  return [
    ...(missing.length ? [`  missing ${missing.length} distinct: ${missing.slice(0, limit).join(' | ')}`] : []),
    ...(extra.length ? [`  extra (or repeated) ${extra.length} distinct: ${extra.slice(0, limit).join(' | ')}`] : []),
  ]
}

/** How strictly outputs are compared (see Features in generate.ts). */
export interface Strictness {
  /** Each key's records in the oracle's order (else as a multiset). */
  readonly ordered: boolean
  /** Dead letters' `offset` included (else left out of the comparison). */
  readonly offsets: boolean
}

function withoutOffset(line: string): string {
  try {
    const { offset: _, ...rest } = JSON.parse(line) as { offset?: unknown }
    return JSON.stringify(rest)
  } catch {
    return line // a torn line stays as it is, and differs
  }
}

/** The differences between the oracle's outputs and a run's; empty when they agree. */
export function compareOutputs(expected: Outputs, actual: Outputs, strict: Strictness = { ordered: true, offsets: true }): string[] {
  const ordered = strict.ordered
  const problems: string[] = []
  const e = byKey(expected.main, [])
  const a = byKey(actual.main, problems)
  if (expected.main.length !== actual.main.length) problems.push(`out.jsonl has ${actual.main.length} lines, the oracle ${expected.main.length}`)
  const keys = [...new Set([...e.keys(), ...a.keys()])].sort()
  let shown = 0
  for (const k of keys) {
    const ek = e.get(k) ?? []
    const ak = a.get(k) ?? []
    if (!ordered) { ek.sort(); ak.sort() }
    if (ek.length === ak.length && ek.every((l, i) => l === ak[i])) continue
    if (shown++ >= 4) continue
    const diff = multisetDiff(ek, ak)
    if (diff.length === 0) {
      const i = ek.findIndex((l, j) => l !== ak[j])
      problems.push(`key ${k}: the same records in another order, first difference at #${i}: expected ${ek[i]} got ${ak[i]}`)
    } else problems.push(`key ${k}: ${ak.length} records, the oracle ${ek.length}`, ...diff)
  }
  if (shown > 4) problems.push(`… and ${shown - 4} more keys differ`)
  for (const f of [...new Set([...Object.keys(expected.dead), ...Object.keys(actual.dead)])].sort()) {
    const ed = (expected.dead[f] ?? []).map((l) => (strict.offsets ? l : withoutOffset(l)))
    const ad = (actual.dead[f] ?? []).map((l) => (strict.offsets ? l : withoutOffset(l)))
    const diff = multisetDiff(ed, ad)
    if (diff.length) problems.push(`dead letters ${f}: ${ad.length} lines, the oracle ${ed.length}`, ...diff)
  }
  return problems
}
