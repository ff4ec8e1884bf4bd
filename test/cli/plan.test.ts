import test from 'ava'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliInProcess, runCli } from './run-cli.ts'

// `oxiflow plan`: each format checked for what it must hold (JSON: the description itself; DOT
// and Mermaid: well formed, by a structural check written here, and by Graphviz when installed),
// usage errors, and that planning opens nothing. What the plan says is tested on the API
// (test/runtime/describe/); here, that the command prints it.

const MODULE = 'test/fixtures/cli/completes.ts'

test('--format json prints the plan description: 3 actors on 2 workers, the sink on main', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['plan', MODULE, '--workers', '2', '--format', 'json'])
  t.is(r.code, 0, r.stderr)
  const d = JSON.parse(r.stdout)
  t.like(d, { format: 1, pipelineId: 'cli-completes', workers: 2, maxKeyGroups: 128 })
  t.deepEqual(d.steps.map((s: { name: string; actor: number }) => [s.name, s.actor]), [['numbers', 0], ['double', 1], ['multiples-of-3', 1], ['out', 2]])
  t.deepEqual(d.actors.map((a: { instances: { host: string }[] }) => a.instances.map((i) => i.host)), [['worker 1'], ['worker 1', 'worker 2'], ['main']])
  t.is(r.stderr, '')
})

test('the text format (the default) groups steps by actor, with hosts, exchanges and restore levels', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['plan', 'examples/keyed-state.ts', '--workers', '2'])
  t.is(r.code, 0, r.stderr)
  t.regex(r.stdout, /^pipeline '[\w-]+': \d+ steps in \d+ actors, 2 worker threads, 128 key groups\n/)
  t.regex(r.stdout, /\nactor 1 {2}×2 {2}on workers 1–2\n {2}instances: 0 worker 1 \[0\.\.63\], 1 worker 2 \[64\.\.127\]\n/)
  // The generator source's position (declared by the source), then the keyed state after it.
  t.regex(r.stdout, /\n {4}state events\/position {2}v1\.0\.0 {2}operator {2}restore level 0\n/)
  t.regex(r.stdout, /\n {4}state \S+\/state\.\S+ {2}v\d+\.\d+\.\d+ {2}keyed {2}restore level 1/)
  t.regex(r.stdout, /\nexchanges:\n {2}\S+ → \S+ +hash, across threads {2}\(actor 0 → 1\)\n/)
  t.regex(r.stdout, /\nrestore levels:\n {2}0: events\/position\n {2}1: /)
})

/** A structural check of DOT: balanced braces outside strings, closed strings, one digraph, every edge between declared nodes. */
function checkDot(dot: string): string[] {
  const problems: string[] = []
  let depth = 0
  let inString = false
  for (let i = 0; i < dot.length; i++) {
    const c = dot[i]
    if (inString) { if (c === '\\') i++; else if (c === '"') inString = false; continue }
    if (c === '"') inString = true
    else if (c === '{') depth++
    else if (c === '}' && --depth < 0) problems.push(`unbalanced } at ${i}`)
  }
  if (inString) problems.push('a string is not closed')
  if (depth !== 0) problems.push(`${depth} { not closed`)
  if (!/^digraph "[^"]+" \{\n/.test(dot)) problems.push('does not start with digraph "<id>" {')
  const nodes = new Set([...dot.matchAll(/^ {4}"([^"]+)" \[label=/gm)].map((m) => m[1]))
  for (const [, from, to] of dot.matchAll(/^ {2}"([^"]+)" -> "([^"]+)"/gm)) {
    if (!nodes.has(from!) || !nodes.has(to!)) problems.push(`edge ${from} -> ${to} names an undeclared node`)
  }
  return problems
}

test('--format dot is well formed: clusters per actor, every step a node, labelled edges for exchanges', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['plan', 'examples/keyed-state.ts', '--workers', '3', '--format', 'dot'])
  t.is(r.code, 0, r.stderr)
  t.deepEqual(checkDot(r.stdout), [])
  // The source's declared position is in its box, as the JSON's state says.
  t.regex(r.stdout, /events\/position v1\.0\.0 \(operator, level 0\)/)
  const json = JSON.parse((await cliInProcess(['plan', 'examples/keyed-state.ts', '--workers', '3', '--format', 'json'])).stdout)
  t.is([...r.stdout.matchAll(/subgraph "cluster_actor_\d+"/g)].length, json.actors.length)
  t.is([...r.stdout.matchAll(/^ {4}"[^"]+" \[label=/gm)].length, json.steps.length)
  t.is([...r.stdout.matchAll(/ -> .*\[label="(forward|rebalance|pinned|hash)/g)].length, json.exchanges.length)
  t.true(checkDot('digraph "x" {\n  "a" -> "b";\n').length > 0, 'the check finds an unclosed graph and undeclared nodes')
  let dot = false
  try { execFileSync('dot', ['-V'], { stdio: 'ignore' }); dot = true } catch { t.log('Graphviz is not installed: dot -Tsvg skipped') }
  if (dot) t.regex(execFileSync('dot', ['-Tsvg'], { input: r.stdout }).toString(), /<svg[\s>]/)
})

test('--format mermaid is a flowchart LR with a subgraph per actor and an arrow per exchange', async (t) => {
  t.timeout(60_000)
  const r = await cliInProcess(['plan', 'examples/keyed-state.ts', '--workers', '2', '--format', 'mermaid'])
  t.is(r.code, 0, r.stderr)
  const lines = r.stdout.trimEnd().split('\n')
  t.is(lines[0], 'flowchart LR')
  t.regex(r.stdout, /events\/position v1\.0\.0 \(operator, level 0\)/)
  const json = JSON.parse((await cliInProcess(['plan', 'examples/keyed-state.ts', '--workers', '2', '--format', 'json'])).stdout)
  t.is(lines.filter((l) => /^ {2}subgraph actor\d+\["[^"]*"\]$/.test(l)).length, json.actors.length)
  t.is(lines.filter((l) => l === '  end').length, json.actors.length)
  t.is(lines.filter((l) => /^ {2}s\d+ (-->|-\.->)\|"[^"]*"\| s\d+$/.test(l)).length, json.exchanges.length)
  // Every line is one of the forms above, a node, or an arrow inside an actor.
  t.deepEqual(lines.slice(1).filter((l) => !/^( {2}subgraph actor\d+\["[^"]*"\]| {2}end| {4}s\d+\["[^"]*"\]| {4}s\d+ --> s\d+| {2}s\d+ (-->|-\.->)\|"[^"]*"\| s\d+)$/.test(l)), [])
})

const usageErrors: Array<[args: string[], message: string]> = [
  [['plan'], 'oxiflow plan needs a module'],
  [['plan', MODULE, '--format', 'svg'], '--format must be one of text, json, dot, mermaid (got "svg")'],
  [['plan', MODULE, '--workers', 'two'], '--workers must be a non-negative integer (got "two")'],
  [['plan', MODULE, '--workers', '100000'], '--workers must be at most'],
  [['plan', MODULE, '--params', '[1]'], '--params must be a JSON object'],
  [['plan', MODULE, '--store', 'x'], "unknown option '--store' for oxiflow plan"],
  [['plan', 'test/fixtures/cli/does-not-exist.ts'], 'module not found: '],
  [['plan', 'test/fixtures/cli/no-default.ts'], 'has no default export'],
]

for (const [args, message] of usageErrors) {
  test(`oxiflow ${args.join(' ')} is a usage error (exit 2) pointing to plan --help`, async (t) => {
    t.timeout(60_000)
    const r = await cliInProcess(args)
    t.is(r.code, 2, r.stderr)
    t.true(r.stderr.includes(message), r.stderr)
    t.true(r.stderr.includes("Run 'oxiflow plan --help' for usage."), r.stderr)
    t.is(r.stdout, '')
  })
}

test('oxiflow plan --help lists the options and formats; oxiflow --help lists plan', async (t) => {
  const r = await cliInProcess(['plan', '--help'])
  t.is(r.code, 0)
  t.regex(r.stdout, /^Usage: oxiflow plan <module>/)
  for (const option of ['--workers N', '--params JSON', '--format F', '-h, --help']) t.true(r.stdout.includes(option), option)
  t.regex((await cliInProcess(['--help'])).stdout, /\n {2}oxiflow plan <module>/)
})

test('the real command plans a module that runs itself, opens a failing source and sink, without opening them or starting a job (exit 0)', async (t) => {
  t.timeout(60_000)
  const marker = join(mkdtempSync(join(tmpdir(), 'oxiflow-plan-')), 'touched')
  const r = await runCli(['plan', 'test/fixtures/cli/plan-untouched.ts', '--workers', '2', '--format', 'json'], { PLAN_MARKER: marker })
  t.is(r.code, 0, r.stderr)
  t.false(existsSync(marker), existsSync(marker) ? `something ran: ${String(execFileSync('cat', [marker]))}` : '')
  const d = JSON.parse(r.stdout)
  t.deepEqual(d.steps.map((s: { name: string }) => s.name), ['in', 'tag', 'per-second', 'out', 'bad'])
  t.deepEqual(d.exchanges.filter((e: { side?: true }) => e.side).map((e: { from: string; to: string }) => [e.from, e.to]), [['tag', 'bad']])
  // The check can fail: oxiflow run, given the same module, opens the source, which writes the file.
  const ran = await runCli(['run', 'test/fixtures/cli/plan-untouched.ts'], { PLAN_MARKER: marker })
  t.is(ran.code, 1)
  t.true(existsSync(marker))
})
