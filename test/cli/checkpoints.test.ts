import test, { type ExecutionContext } from 'ava'
import { cp, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { cliInProcess, runCli, startCli, type CliResult } from './run-cli.ts'

// The CLI's checkpointing end to end: `run --store/--checkpoint-interval/--restore`, Ctrl-C, a
// SIGKILL, two runners on one store, and `oxiflow checkpoints list|show|verify|delete`. Each test
// has its own directory (store and output inside it). The fixture reads 20,000 records at
// 10,000/s and says 'ready' after record 2,000; a test then waits for a committed checkpoint.
// ava starts every test at once and run-cli.ts lets a file run few CLI processes at a time, so a
// test's timeout also counts its wait in line: 120 s each, for a file that takes about 40 s alone.

const FIXTURE = 'test/fixtures/cli/checkpointed.ts'
const PIPELINE = 'cli-checkpointed'
const COUNT = 20_000
// Two seconds of input: room for a signal to land before the end even on a loaded machine.
const RATE = 10_000
const USAGE = 'oxiflow checkpoints list|show|verify|delete <pipeline> [id] [step] [--store S] [--json]'

interface Summary {
  status: string
  steps: Record<string, { recordsOut: number }>
  checkpoints?: { completed: number; last?: { id: number } }
}

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-cli-cp-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** `run` of the fixture with checkpoints every 50 ms into `dir/store`, writing `dir/out.jsonl`. */
function runArgs(dir: string, params: Record<string, unknown> = {}, ...more: string[]): string[] {
  return ['run', FIXTURE, '--store', join(dir, 'store'), '--checkpoint-interval', '50',
    '--params', JSON.stringify({ out: join(dir, 'out.jsonl'), count: COUNT, rate: RATE, ...params }), ...more]
}

/** Waits (up to 2 s) until a checkpoint of the fixture is committed in `store`: its manifest is written. */
async function untilCommitted(store: string): Promise<void> {
  const root = join(store, 'data', 'pipelines', PIPELINE, 'checkpoints')
  const committed = async (): Promise<boolean> => {
    for (const d of existsSync(root) ? await readdir(root) : []) {
      if ((await readdir(join(root, d)).catch(() => [])).some((n) => n.startsWith('manifest.json'))) return true
    }
    return false
  }
  for (let i = 0; i < 100 && !await committed(); i++) await new Promise((r) => setTimeout(r, 20))
}

/**
 * Runs the fixture with checkpoints and stops it with SIGINT once it is 'ready' and a periodic
 * checkpoint is committed, so the store holds at least two (that one and the final one).
 */
async function stoppedRun(dir: string): Promise<{ r: CliResult; summary: Summary; last: number }> {
  const { child, result } = await startCli(runArgs(dir, {}, '--json'), 'ready')
  await untilCommitted(join(dir, 'store'))
  child.kill('SIGINT')
  const r = await result
  const summary = JSON.parse(r.stdout || '{}') as Summary
  return { r, summary, last: summary.checkpoints?.last?.id ?? 0 }
}

let reference: Promise<string> | undefined
/** The output of one uninterrupted run of the fixture through the CLI, without checkpoints (run once per file). */
function uninterrupted(t: ExecutionContext): Promise<string> {
  reference ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-cli-cp-reference-'))
    try {
      const r = await runCli(['run', FIXTURE, '--params', JSON.stringify({ out: join(dir, 'out.jsonl'), count: COUNT, rate: RATE })])
      if (r.code !== 0) throw new Error(`the reference run failed (${r.code}): ${r.stderr}`)
      return await readFile(join(dir, 'out.jsonl'), 'utf8')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })()
  return reference
}

function checkpointDir(store: string, id: number): string {
  return join(store, 'data', 'pipelines', PIPELINE, 'checkpoints', String(id).padStart(10, '0'))
}

/** The file of a step's blob in checkpoint `id` (by prefix: the file store may suffix names). */
async function blobFile(store: string, id: number, step: string): Promise<string> {
  const name = (await readdir(checkpointDir(store, id))).find((n) => n.startsWith(`${step}~`))
  if (!name) throw new Error(`no blob of step '${step}' in ${checkpointDir(store, id)}`)
  return join(checkpointDir(store, id), name)
}

async function listIds(store: string): Promise<number[]> {
  const r = await cliInProcess(['checkpoints', 'list', PIPELINE, '--store', store, '--json'])
  if (r.code !== 0) throw new Error(`checkpoints list failed (${r.code}): ${r.stderr}`)
  return (JSON.parse(r.stdout) as Array<{ id: number }>).map((c) => c.id)
}

/** Each key's values in the file must be 1, 2, 3, …: nothing lost, repeated or reordered per key. */
function countsAreRunning(text: string): boolean {
  const seen = new Map<string, number>()
  for (const line of text.split('\n').filter(Boolean)) {
    const { key, value } = JSON.parse(line) as { key: string; value: number }
    if (value !== (seen.get(key) ?? 0) + 1) return false
    seen.set(key, value)
  }
  return true
}

test('SIGINT stops with a final checkpoint; checkpoints list shows it; --restore latest ends with the output of an uninterrupted run', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const { r, summary, last } = await stoppedRun(dir)
  t.is(r.code, 0, r.stderr)
  t.is(summary.status, 'stopped')
  t.true(summary.steps['gen']!.recordsOut < COUNT, 'stopped before the end of input')
  t.true(last >= 1, 'the summary reports the final checkpoint')

  const text = await cliInProcess(['checkpoints', 'list', PIPELINE, '--store', store])
  t.is(text.code, 0, text.stderr)
  const first = text.stdout.split('\n')[0]!
  t.true(first.startsWith(`${last}\t`), text.stdout)
  // The stop's checkpoint may be incremental (.reduce's state writes what changed since the last one).
  t.regex(first, /\t3 holders\t\d+ bytes \(\d+ raw, zstd\)\t(incremental: 1 holder wrote changes, on chains of \d+ bytes\t)?steps: gen, out, totals(\t(after \d+|fresh start))?$/)
  const json = await cliInProcess(['checkpoints', 'list', PIPELINE, '--store', store, '--json'])
  t.is(json.code, 0, json.stderr)
  const list = JSON.parse(json.stdout) as Array<{ id: number; ok: boolean; codec: string; steps: string[] }>
  t.like(list[0], { id: last, ok: true, codec: 'zstd', steps: ['gen', 'out', 'totals'] })
  t.deepEqual(list.map((c) => c.id), [...list.map((c) => c.id)].sort((a, b) => b - a), 'newest first')

  const restored = await runCli(runArgs(dir, {}, '--restore', 'latest', '--json'))
  t.is(restored.code, 0, restored.stderr)
  t.true(restored.stderr.includes(`restored pipeline '${PIPELINE}' from checkpoint ${last}`), restored.stderr)
  const rest = JSON.parse(restored.stdout) as Summary
  t.is(rest.status, 'completed')
  t.is(summary.steps['gen']!.recordsOut + rest.steps['gen']!.recordsOut, COUNT, 'the restored run reads on from where the first stopped')
  const [actual, expected] = await Promise.all([readFile(join(dir, 'out.jsonl'), 'utf8'), uninterrupted(t)])
  t.is(actual.split('\n').length, COUNT + 1)
  t.true(actual === expected, 'out.jsonl differs from the uninterrupted run')
})

test('--restore latest with an empty store starts fresh and says so on stderr', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const r = await cliInProcess(runArgs(dir, { count: 100 }, '--restore', 'latest'))
  t.is(r.code, 0, r.stderr)
  t.true(r.stderr.includes(`no valid checkpoint of pipeline '${PIPELINE}' in file store ${join(dir, 'store')}: starting fresh`), r.stderr)
  t.is((await readFile(join(dir, 'out.jsonl'), 'utf8')).split('\n').length, 101)
})

test('checkpoints show prints the manifest, and with a step that step\'s state as JSON (Maps become objects)', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const { r, summary, last } = await stoppedRun(dir)
  t.is(r.code, 0, r.stderr)

  const manifest = await cliInProcess(['checkpoints', 'show', PIPELINE, String(last), '--store', store])
  t.is(manifest.code, 0, manifest.stderr)
  const m = JSON.parse(manifest.stdout) as { pipelineId: string; checkpointId: number; holders: Array<{ stateId: string; step: string }> }
  t.like(m, { pipelineId: PIPELINE, checkpointId: last })
  t.deepEqual(m.holders.map((h) => h.stateId).sort(), ['gen/position', 'out/output', 'totals/accumulators'])

  const totals = await cliInProcess(['checkpoints', 'show', PIPELINE, String(last), 'totals', '--store', store])
  t.is(totals.code, 0, totals.stderr)
  // The reduce state is keyed state: a Map of key group → { keys, values } (the Map prints as an
  // object). The stop's checkpoint may hold only the changes since an earlier one (incremental
  // checkpoints): then it prints its chain, the full state first, and the fold is this loop.
  type Group = { keys: string[]; values: number[]; removed?: string[] }
  const state = JSON.parse(totals.stdout) as Record<string, unknown>
  t.deepEqual(Object.keys(state), ['totals/accumulators'])
  type Chain = { chain: { snapshot: string; state: Record<string, Group> }[] }
  const printed = state['totals/accumulators'] as Record<string, unknown>
  const chain = Array.isArray(printed.chain) ? (printed as unknown as Chain).chain : undefined
  const layers = chain ? chain.map((link) => link.state) : [printed as Record<string, Group>]
  if (chain) t.is(chain[0]!.snapshot, 'full')
  const counts = new Map<string, number>()
  for (const groups of layers) {
    t.false(Array.isArray(groups))
    t.true(Object.keys(groups).every((g) => /^\d+$/.test(g) && Number(g) < 128), Object.keys(groups).join(','))
    for (const g of Object.values(groups)) {
      for (const k of g.removed ?? []) counts.delete(k)
      g.keys.forEach((k, i) => counts.set(k, g.values[i]!))
    }
  }
  const counted = [...counts.values()].reduce((sum, n) => sum + n, 0)
  t.is(counted, summary.steps['gen']!.recordsOut, 'the final checkpoint counts every record read before the stop')

  const gen = await cliInProcess(['checkpoints', 'show', PIPELINE, String(last), 'gen', '--store', store])
  t.deepEqual(JSON.parse(gen.stdout), { 'gen/position': summary.steps['gen']!.recordsOut })

  const stateless = await cliInProcess(['checkpoints', 'show', PIPELINE, String(last), 'mark', '--store', store])
  t.is(stateless.code, 2, 'a step the checkpoint lacks is a bad value')
  t.true(stateless.stderr.includes(`checkpoint ${last} of pipeline '${PIPELINE}' has no state of step 'mark'`), stateless.stderr)
  // A checkpoint id the store lacks is a bad value too (README's exit codes), for every command that takes one.
  for (const command of [['show', PIPELINE, '999'], ['show', PIPELINE, '999', 'gen'], ['verify', PIPELINE, '999'], ['delete', PIPELINE, '999']]) {
    const missing = await cliInProcess(['checkpoints', ...command, '--store', store])
    t.is(missing.code, 2, `checkpoints ${command.join(' ')}: ${missing.stderr}`)
    t.true(missing.stderr.includes(`checkpoint 999 of pipeline '${PIPELINE}' does not exist`), missing.stderr)
  }
})

test('checkpoints verify exits 0 when sound, 1 naming the step of a flipped, truncated or missing blob', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const { r, last } = await stoppedRun(dir)
  t.is(r.code, 0, r.stderr)
  const sound = await cliInProcess(['checkpoints', 'verify', PIPELINE, '--store', store])
  t.is(sound.code, 0, sound.stdout + sound.stderr)
  t.true(sound.stdout.includes(`checkpoint ${last}: ok`), sound.stdout)

  const damages: Array<[name: string, damage: (file: string) => Promise<void>, problem: RegExp]> = [
    ['flipped', async (file) => {
      const bytes = await readFile(file)
      bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff
      await writeFile(file, bytes)
    }, /./],
    ['truncated', (file) => truncate(file, 20), /truncated/],
    ['missing', (file) => rm(file), /missing/],
  ]
  for (const [name, damage, problem] of damages) {
    // A copy of the store per damage, so each is the only one.
    const copy = join(dir, `store-${name}`)
    await cp(store, copy, { recursive: true })
    await damage(await blobFile(copy, last, 'totals'))
    const v = await cliInProcess(['checkpoints', 'verify', PIPELINE, '--store', copy])
    t.is(v.code, 1, `${name}: ${v.stdout}${v.stderr}`)
    const line = v.stdout.split('\n').find((l) => /step 'totals' \(totals\/accumulators, key groups \d+-\d+\): /.test(l)) ?? ''
    t.regex(line, problem, `${name}: ${v.stdout}`)
    t.true(v.stdout.includes(`checkpoint ${last}: CORRUPT (1 bad blob)`), `${name}: ${v.stdout}`)
    if (name !== 'flipped') continue
    const json = await cliInProcess(['checkpoints', 'verify', PIPELINE, String(last), '--store', copy, '--json'])
    t.is(json.code, 1)
    t.like((JSON.parse(json.stdout) as Array<{ problems: unknown[] }>)[0], { checkpointId: last, ok: false, problems: [{ step: 'totals', stateId: 'totals/accumulators' }] })
    // --restore latest skips the corrupt checkpoint and says so.
    const restored = await cliInProcess([...runArgs(dir, {}, '--restore', 'latest').map((a) => a === store ? copy : a)])
    t.is(restored.code, 0, restored.stderr)
    t.true(restored.stderr.includes(`skipped checkpoint ${last}: `), restored.stderr)
  }
})

test('checkpoints delete removes the checkpoint from the list; --restore ID then refuses it and restores an older one', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const { r, last } = await stoppedRun(dir)
  t.is(r.code, 0, r.stderr)
  const before = await listIds(store)
  t.is(before[0], last)
  t.true(before.length >= 2, `checkpoints ${before.join(', ')}`)
  const deleted = await cliInProcess(['checkpoints', 'delete', PIPELINE, String(last), '--store', store])
  t.is(deleted.code, 0, deleted.stderr)
  t.is(deleted.stdout, `deleted checkpoint ${last} of pipeline '${PIPELINE}'\n`)
  t.deepEqual(await listIds(store), before.slice(1))
  const again = await cliInProcess(['checkpoints', 'show', PIPELINE, String(last), '--store', store])
  t.is(again.code, 2, again.stderr) // as for run --restore below: a checkpoint id the store lacks is a bad value
  t.true(again.stderr.includes(`checkpoint ${last} of pipeline '${PIPELINE}' does not exist`), again.stderr)

  const gone = await cliInProcess(runArgs(dir, {}, '--restore', String(last)))
  t.is(gone.code, 2, gone.stderr) // a checkpoint id the store lacks: a bad value
  t.true(gone.stderr.includes(`checkpoint ${last} of pipeline '${PIPELINE}' does not exist`), gone.stderr)
  const older = before[1]!
  const restored = await cliInProcess(runArgs(dir, {}, '--restore', String(older)))
  t.is(restored.code, 0, restored.stderr)
  t.true(restored.stderr.includes(`restored pipeline '${PIPELINE}' from checkpoint ${older}`), restored.stderr)
  const [actual, expected] = await Promise.all([readFile(join(dir, 'out.jsonl'), 'utf8'), uninterrupted(t)])
  t.true(actual === expected, 'out.jsonl differs from the uninterrupted run')
})

test('a second runner of the same pipeline on the same store exits 3 naming the lease holder; after the first stops, a run succeeds', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  // A long job: 50 s of input unless stopped.
  const { child, result } = await startCli(runArgs(dir, { count: 1_000_000 }), 'ready')
  try {
    // The same output file too: a refused runner must not touch it.
    const second = await runCli(runArgs(dir, {}, '--json'), {}, { queued: false })
    t.is(second.code, 3, second.stderr)
    const holder = `is already running: lease held by ${hostname()}:${child.pid}`
    t.true(second.stderr.includes(`pipeline '${PIPELINE}' ${holder}`), second.stderr)
    t.like(JSON.parse(second.stdout), { status: 'failed', error: { name: 'LeaseHeldError', code: 'ERR_LEASE_HELD' } })
    t.true((JSON.parse(second.stdout) as { error: { message: string } }).error.message.includes(holder))
  } finally {
    child.kill('SIGINT')
  }
  const first = await result
  t.is(first.code, 0, first.stderr)
  t.true(countsAreRunning(await readFile(join(dir, 'out.jsonl'), 'utf8')), 'the first runner\'s output is whole')
  const third = await runCli(runArgs(dir, { count: 100 }))
  t.is(third.code, 0, third.stderr)
})

test('a runner killed with SIGKILL and restarted at once takes the lease over and, with --restore latest, ends with the uninterrupted output', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const store = join(dir, 'store')
  const { child, result } = await startCli(runArgs(dir, {}, '--restore', 'latest'), 'ready')
  // Kill once a checkpoint is committed, so the restart restores rather than starts fresh.
  await untilCommitted(store)
  child.kill('SIGKILL')
  const killed = await result
  t.is(killed.signal, 'SIGKILL', killed.stderr)
  const restarted = await runCli(runArgs(dir, {}, '--restore', 'latest'))
  t.is(restarted.code, 0, restarted.stderr)
  t.regex(restarted.stderr, new RegExp(`restored pipeline '${PIPELINE}' from checkpoint \\d+`))
  const [actual, expected] = await Promise.all([readFile(join(dir, 'out.jsonl'), 'utf8'), uninterrupted(t)])
  t.is(actual.split('\n').length, COUNT + 1)
  t.true(actual === expected, 'out.jsonl differs from the uninterrupted run')
})

/** Each command line, and a part of the message its exit code 2 must come with. */
const usageErrors: Array<[args: string[], message: string]> = [
  [['run', FIXTURE, '--restore', 'abc'], "--restore must be 'latest' or a checkpoint id (got \"abc\"); oxiflow checkpoints list <pipeline> shows the ids"],
  [['run', FIXTURE, '--codec', 'gzip'], '--codec must be one of zstd, lz4, snappy, none (got "gzip")'],
  [['run', FIXTURE, '--store', 'x', '--codec', 'gzip'], '--codec must be one of zstd, lz4, snappy, none (got "gzip")'],
  [['run', FIXTURE, '--full-every', '0'], '--full-every must be a positive integer (1: every checkpoint full)'],
  [['run', FIXTURE, '--max-chain-ratio', 'lots'], '--max-chain-ratio must be a positive number, e.g. 0.5 (got "lots")'],
  [['run', FIXTURE, '--max-chain-ratio', '0'], '--max-chain-ratio must be a positive number, e.g. 0.5 (got "0")'],
  [['checkpoints'], `unknown checkpoints action ''; ${USAGE}`],
  [['checkpoints', 'frob', PIPELINE], `unknown checkpoints action 'frob'; ${USAGE}`],
  [['checkpoints', 'constructor', PIPELINE, '1'], `unknown checkpoints action 'constructor'; ${USAGE}`],
  [['checkpoints', 'show'], `oxiflow checkpoints show needs a pipeline id; ${USAGE}`],
  [['checkpoints', 'show', PIPELINE], `oxiflow checkpoints show needs a checkpoint id; ${USAGE}`],
  [['checkpoints', 'delete', PIPELINE], `oxiflow checkpoints delete needs a checkpoint id; ${USAGE}`],
  [['checkpoints', 'show', PIPELINE, 'abc'], `checkpoint id must be a positive integer (got "abc"); ${USAGE}`],
  [['checkpoints', 'verify', PIPELINE, '0x10'], `checkpoint id must be a positive integer (got "0x10"); ${USAGE}`],
  [['checkpoints', 'list', PIPELINE, '3'], `too many arguments for oxiflow checkpoints list: ${PIPELINE} 3; ${USAGE}`],
  [['checkpoints', 'list', PIPELINE, '--frob'], "unknown option '--frob' for oxiflow checkpoints; the options are --store S, --json, --help"],
]

for (const [args, message] of usageErrors) {
  test(`oxiflow ${args.join(' ')} is a usage error (exit 2) saying the fix`, async (t) => {
    t.timeout(120_000)
    const r = await cliInProcess(args)
    t.is(r.code, 2, r.stderr)
    t.true(r.stderr.includes(message), r.stderr)
    t.regex(r.stderr, new RegExp(`Run 'oxiflow ${args[0]} --help' for usage\\.`))
    t.is(r.stdout, '')
  })
}

test('oxiflow checkpoints with a --store that does not exist is a usage error and creates nothing', async (t) => {
  t.timeout(120_000)
  const dir = await tempDir(t)
  const missing = join(dir, 'no-such-store')
  const r = await cliInProcess(['checkpoints', 'list', PIPELINE, '--store', missing])
  t.is(r.code, 2, r.stderr)
  t.true(r.stderr.includes(`no store at ${missing}: the directory does not exist`), r.stderr)
  t.false(existsSync(missing))
})

test('oxiflow checkpoints --help prints its usage on stdout and exits 0', async (t) => {
  t.timeout(120_000)
  const r = await cliInProcess(['checkpoints', '--help'])
  t.is(r.code, 0, r.stderr)
  t.true(r.stdout.startsWith('Usage: oxiflow checkpoints <action> <pipeline>'), r.stdout)
  t.true(r.stdout.includes('verify <pipeline> [id]'))
})
