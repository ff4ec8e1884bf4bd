import { readFile, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import test, { type ExecutionContext } from 'ava'

import { TypeScriptLoaderError } from '../../runtime/modules/typescript-loader-error.ts'
import { jsonLines, orders, runningTotals, totalsByKey } from './running-totals.ts'
import { packTarball, runIn, scratchProject, type Run } from './scratch-project.ts'

// oxiflow as a user gets it: packed, installed from the tarball into projects outside the
// repository, and run there with plain node, tsc and the oxiflow command. One pack and one
// install for the file; tsx goes into a second project, so the first shows a project without it.
// Tests run serially: each starts processes, and the machine has 2 cores.

const PACKAGE = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { devDependencies: Record<string, string> }
const version = (name: string) => `${name}@${PACKAGE.devDependencies[name]}`
const input = orders(2_000)
const expected = runningTotals(input)
const files = { 'input.jsonl': input.map((o) => JSON.stringify(o)).join('\n') + '\n' }

let tarball = ''
let plain = ''
let withTsx: Promise<string> | undefined
const made: string[] = []

test.before(async (t) => {
  t.timeout(240_000)
  tarball = await packTarball()
  made.push(dirname(tarball))
  plain = await scratchProject('no-tsx', [tarball, version('typescript'), version('@types/node')], files)
  made.push(plain)
})

/** The project with tsx, installed by the first test that needs it. */
function tsxProject(): Promise<string> {
  withTsx ??= scratchProject('tsx', [tarball, version('tsx')], files).then((dir) => (made.push(dir), dir))
  return withTsx
}

test.after.always(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })))
})

test.serial('the tarball holds package.json, README.md, bin/ and dist/ only: no tests, benchmarks, CI scripts or TypeScript sources', async (t) => {
  const listed = await runIn(dirname(tarball), 'tar', ['tzf', tarball])
  t.is(listed.code, 0, listed.stderr)
  const entries = listed.stdout.split('\n').filter((e) => e !== '' && !e.endsWith('/'))
  const outside = entries.filter((e) => !/^package\/(package\.json|README\.md|LICENSE|bin\/[^/]+\.mjs|dist\/.+)$/.test(e))
  t.deepEqual(outside, [])
  t.deepEqual(entries.filter((e) => /\.ts$/.test(e) && !/\.d\.ts$/.test(e)), [])
  t.deepEqual(entries.filter((e) => /\.test\.|(^|\/)(test|bench|\.ci|examples)\/|tsbuildinfo/.test(e)), [])
  for (const needed of ['package.json', 'bin/oxiflow.mjs', 'dist/index.js', 'dist/types/index.d.ts', 'dist/cli.js', 'dist/worker.js', 'dist/encode-worker.js']) {
    t.true(entries.includes(`package/${needed}`), `${needed} is missing from ${tarball}`)
  }
})

test.serial('a plain JavaScript ES module app runs with node and prints the running totals', async (t) => {
  t.timeout(60_000)
  const r = await runIn(plain, process.execPath, ['app.mjs'])
  t.is(r.code, 0, r.stderr)
  t.deepEqual(totalsByKey(JSON.parse(r.stdout) as unknown[]), expected)
})

test.serial('a CommonJS app gets oxiflow with require() and prints the same totals', async (t) => {
  t.timeout(60_000)
  const r = await runIn(plain, process.execPath, ['app.cjs'])
  t.is(r.code, 0, r.stderr)
  t.deepEqual(totalsByKey(JSON.parse(r.stdout) as unknown[]), expected)
})

// One tsc run checks the strict user files and the wrong option together (half the CPU of two
// runs): its whole output must be the wrong option's error, so the other files have none.
let typeCheck: Promise<Run> | undefined
const tsc = () => (typeCheck ??= runIn(plain, 'npx', ['tsc', '-p', '.'], 90_000))

test.serial('tsc finds no error in a user\'s files under strict, NodeNext, exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck off', async (t) => {
  t.timeout(90_000)
  const r = await tsc()
  t.deepEqual(r.stdout.split('\n').filter((line) => line !== '' && !line.startsWith('wrong-option.ts(')), [], r.stdout + r.stderr)
  t.is(r.stderr, '')
})

test.serial('tsc refuses windows.tumbling({ size: \'a minute\' }), naming its line', async (t) => {
  t.timeout(90_000)
  const r = await tsc()
  const fixture = await readFile(new URL('../fixtures/package/wrong-option.ts', import.meta.url), 'utf8')
  const line = fixture.split('\n').findIndex((text) => text.includes("size: 'a minute'")) + 1
  t.true(line > 0)
  t.not(r.code, 0)
  t.regex(r.stdout, new RegExp(`^wrong-option\\.ts\\(${line},\\d+\\): error TS2322: Type 'string' is not assignable to type 'number'\\.\\n$`))
})

/** `npx oxiflow run <module> --json [...more]` writing to out; its exit, summary and totals. */
async function oxiflowRun(t: ExecutionContext, dir: string, module: string, out: string, more: string[] = []) {
  const r = await runIn(dir, 'npx', ['oxiflow', 'run', module, '--json', '--params', JSON.stringify({ out }), ...more])
  t.is(r.code, 0, `${module} ${more.join(' ')}: ${r.stderr}`)
  const summary = JSON.parse(r.stdout) as { status: string; steps: { totals: { parallelism: number } } }
  return { summary, totals: totalsByKey(jsonLines(await readFile(join(dir, out), 'utf8'))) }
}

for (const module of ['job.mjs', 'job.ts']) {
  test.serial(`npx oxiflow run ${module} gives the same totals inline and on 2 workers${module.endsWith('.ts') ? ' (with tsx installed)' : ''}`, async (t) => {
    t.timeout(120_000)
    const dir = module.endsWith('.ts') ? await tsxProject() : plain
    const inline = await oxiflowRun(t, dir, module, 'inline.jsonl')
    const workers = await oxiflowRun(t, dir, module, 'workers.jsonl', ['--workers', '2'])
    t.is(inline.summary.status, 'completed')
    t.is(workers.summary.status, 'completed')
    t.is(inline.summary.steps.totals.parallelism, 1)
    t.is(workers.summary.steps.totals.parallelism, 2)
    t.deepEqual(inline.totals, expected)
    t.deepEqual(workers.totals, expected)
  })
}

test.serial('npx oxiflow run job.ts without tsx fails saying to install it (on a Node that cannot strip types)', async (t) => {
  t.timeout(60_000)
  const r = await runIn(plain, 'npx', ['oxiflow', 'run', 'job.ts', '--json', '--params', '{"out":"stripped.jsonl"}'])
  if ((process.features as { typescript?: unknown }).typescript) {
    // This Node runs TypeScript itself: tsx is not needed, and the job must simply work.
    t.is(r.code, 0, r.stderr)
    t.deepEqual(totalsByKey(jsonLines(await readFile(join(plain, 'stripped.jsonl'), 'utf8'))), expected)
    return
  }
  t.is(r.code, 1, r.stderr)
  const message = new TypeScriptLoaderError(pathToFileURL(join(plain, 'job.ts')).href).message
  t.like(JSON.parse(r.stdout), { status: 'failed', error: { name: 'TypeScriptLoaderError', code: 'ERR_TYPESCRIPT_LOADER', message } })
  t.true(r.stderr.includes(message), r.stderr)
})

test.serial('node workers.mjs runs its pipeline on 2 workers, prints the totals once and exits 0', async (t) => {
  t.timeout(60_000)
  const r = await runIn(plain, process.execPath, ['workers.mjs'])
  t.is(r.code, 0, r.stderr)
  const lines = r.stdout.split('\n').filter((line) => line !== '')
  t.is(lines.length, 1, r.stdout)
  t.deepEqual(totalsByKey(JSON.parse(lines[0] ?? '[]') as unknown[]), expected)
})
