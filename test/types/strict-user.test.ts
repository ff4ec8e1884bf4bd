// A user's TypeScript against the BUILT package: test/types/fixtures/*.ts are copied into a scratch
// project outside the repo whose node_modules/oxiflow links to this checkout, so `import … from
// 'oxiflow'` resolves through package.json `exports` to dist/*.d.ts, and tsc checks them under a
// strict user config (no skipLibCheck: oxiflow's declarations are checked too). @types/node is
// linked in as a user of a Node library installs it.
import test from 'ava'
import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url))
const tsc = join(root, 'node_modules/typescript/bin/tsc')

/** The user's tsconfig: what `tsc --init` gives for Node plus the strict flags people add. */
const userConfig = {
  compilerOptions: {
    // types: [] — no @types package loads by itself, as in TypeScript 7: Node's types must come from oxiflow's own reference.
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], types: [],
    strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noImplicitOverride: true, noEmit: true,
  },
}

/** One tsc diagnostic: file (base name), 1-based line, TS code. */
interface Diagnostic { readonly file: string; readonly line: number; readonly code: string; readonly text: string }

/** A marked fixture's expected errors: the line after each `// @ts-expect-error TSxxxx …` marker, with that code. */
function expectedErrors(file: string, text: string): Diagnostic[] {
  return text.split('\n').flatMap((l, i) => {
    const m = /^\s*\/\/ @ts-expect-error (TS\d+) (.*)$/.exec(l)
    return m ? [{ file, line: i + 2, code: m[1]!, text: m[2]! }] : []
  })
}

let checked: Promise<{ diagnostics: Diagnostic[]; marked: Map<string, Diagnostic[]> }> | undefined

/** Builds dist (incremental: nothing is written when it is current), then runs tsc once over every fixture and a copy of each without its markers. */
function check(): NonNullable<typeof checked> {
  checked ??= (async () => {
    await run(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root })
    const dir = await mkdtemp(join(tmpdir(), 'oxiflow-types-'))
    try {
      await mkdir(join(dir, 'node_modules/@types'), { recursive: true })
      await symlink(root, join(dir, 'node_modules/oxiflow'), 'dir')
      await symlink(join(root, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'), 'dir')
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }))
      const files: string[] = []
      const marked = new Map<string, Diagnostic[]>()
      for (const name of (await readdir(fixtures)).filter((f) => f.endsWith('.ts'))) {
        await copyFile(join(fixtures, name), join(dir, name))
        files.push(name)
        const text = await readFile(join(fixtures, name), 'utf8')
        const stripped = `unmarked-${name}`
        const expected = expectedErrors(stripped, text)
        if (expected.length === 0) continue
        marked.set(name, expected)
        await writeFile(join(dir, stripped), text.replace(/^(\s*)\/\/ @ts-expect-error .*$/gm, '$1// (marker removed)'))
        files.push(stripped)
      }
      await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ ...userConfig, files }))
      const out = await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { cwd: dir }).then((r) => r.stdout, (e: { stdout?: string }) => e.stdout ?? String(e))
      const diagnostics = [...out.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)]
        .map((m) => ({ file: m[1]!.replace(/^.*\//, ''), line: Number(m[2]), code: m[3]!, text: m[4]! }))
      if (diagnostics.length === 0 && out.trim() !== '') throw new Error(`tsc printed what this test cannot read:\n${out}`)
      return { diagnostics, marked }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })()
  return checked
}

test('every fixture type-checks under strict + exactOptionalPropertyTypes + noUncheckedIndexedAccess against dist, with no errors', async (t) => {
  const { diagnostics } = await check()
  t.deepEqual(diagnostics.filter((d) => !d.file.startsWith('unmarked-')), [])
})

test('each @ts-expect-error line errors by itself, with the code its marker names (markers removed, the errors are exactly those lines)', async (t) => {
  const { diagnostics, marked } = await check()
  t.true((marked.get('wrong-options.ts')?.length ?? 0) >= 10, 'wrong-options.ts lost its markers')
  t.true((marked.get('typed-results.ts')?.length ?? 0) >= 3, 'typed-results.ts lost its markers')
  for (const expected of marked.values()) {
    const found = diagnostics.filter((d) => d.file === expected[0]!.file).map(({ file, line, code }) => ({ file, line, code }))
    t.deepEqual(found, expected.map(({ file, line, code }) => ({ file, line, code })), expected.map((e) => `${e.line}: ${e.text}`).join('\n'))
  }
})
