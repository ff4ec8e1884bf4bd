import test from 'ava'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

// The rules docs/architecture.md states, checked on the sources: the layers import only downwards,
// runtime/ has no import circle (but a pair where one direction names types only), and no source
// file is over 300 lines. Imports are read with the TypeScript parser, not patterns.

const ROOT = resolve(import.meta.dirname, '..')
const SOURCE_ROOTS = ['runtime', 'components', 'persistence', 'cli']
const MAX_LINES = 300

/** One relative import of a source file: the file it names and whether it names types only. */
type Edge = { to: string, typeOnly: boolean }

function sourceFiles (folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => join(folder, path).split('\\').join('/'))
    .sort()
}

function namesTypesOnly (node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause
    if (clause === undefined) return false // `import './x.ts'` runs the module
    if (clause.isTypeOnly) return true
    const bindings = clause.namedBindings
    return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) &&
      bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly)
  }
  if (node.isTypeOnly) return true
  const clause = node.exportClause
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 &&
    clause.elements.every((element) => element.isTypeOnly)
}

/** The relative imports and re-exports of one file, resolved to paths from the repository root. */
function importsOf (file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8')
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const edges: Edge[] = []
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean): void => {
    if (specifier === undefined || !ts.isStringLiteralLike(specifier) || !specifier.text.startsWith('.')) return
    const to = relative(ROOT, resolve(ROOT, dirname(file), specifier.text)).split('\\').join('/')
    edges.push({ to, typeOnly })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier, namesTypesOnly(node))
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true)
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0], false)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return edges
}

const files = SOURCE_ROOTS.flatMap(sourceFiles)
const imports = new Map(files.map((file) => [file, importsOf(file)]))
const layerOf = (path: string): string => path.split('/')[0] ?? path

/** The strongly connected components of runtime/'s import graph with more than one file (Tarjan). */
function importCircles (): string[][] {
  const nodes = files.filter((file) => layerOf(file) === 'runtime')
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const circles: string[][] = []
  const connect = (file: string): void => {
    index.set(file, index.size)
    low.set(file, index.get(file)!)
    stack.push(file)
    onStack.add(file)
    for (const { to } of imports.get(file) ?? []) {
      if (layerOf(to) !== 'runtime' || !imports.has(to)) continue
      if (!index.has(to)) {
        connect(to)
        low.set(file, Math.min(low.get(file)!, low.get(to)!))
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file)!, index.get(to)!))
    }
    if (low.get(file) !== index.get(file)) return
    const circle: string[] = []
    let member: string | undefined
    do {
      member = stack.pop()!
      onStack.delete(member)
      circle.push(member)
    } while (member !== file)
    if (circle.length > 1) circles.push(circle.sort())
  }
  for (const file of nodes) if (!index.has(file)) connect(file)
  return circles
}

/** Whether every import from `from` to `to` names types only (nothing of `to` runs on loading `from`). */
const typesOnly = (from: string, to: string): boolean =>
  (imports.get(from) ?? []).filter((edge) => edge.to === to).every((edge) => edge.typeOnly)

test('runtime/ has no import circle but a pair of files where one direction names types only', (t) => {
  const circles = importCircles().filter(([a, b, ...more]) =>
    more.length > 0 || !(typesOnly(a!, b!) || typesOnly(b!, a!)))
  t.deepEqual(circles.map((circle) => circle.join(' ↔ ')), [])
})

// components → runtime → persistence: an import never points up a layer (cli/ and index.ts sit on top).
const FORBIDDEN: Array<{ from: string, to: string }> = [
  { from: 'persistence', to: 'runtime' },
  { from: 'persistence', to: 'components' },
  { from: 'persistence', to: 'cli' },
  { from: 'runtime', to: 'components' },
  { from: 'runtime', to: 'cli' },
  { from: 'components', to: 'cli' }
]

test('the layers import only downwards: components → runtime → persistence, cli/ above all', (t) => {
  const upward = [...imports].flatMap(([file, edges]) => edges
    .filter(({ to }) => FORBIDDEN.some((rule) => rule.from === layerOf(file) && rule.to === layerOf(to)))
    .map(({ to }) => `${file} → ${to}`))
  t.deepEqual(upward, [])
})

test(`no source file under ${SOURCE_ROOTS.join('/, ')}/ is over ${MAX_LINES} lines`, (t) => {
  const long = files
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), 'utf8').replace(/\n$/, '').split('\n').length }))
    .filter(({ lines }) => lines > MAX_LINES)
    .map(({ file, lines }) => `${file}: ${lines} lines`)
  t.deepEqual(long, [])
})

// docs/architecture.md's arrows between runtime/'s rooms: a room is a folder under runtime/
// (operators/window/ and channels/exchange/ are rooms of their own), the base files at its root
// are 'base'; errors/ and the base files may be imported from anywhere.
const SUBROOMS = ['operators/window', 'channels/exchange']
const FREE = new Set(['base', 'errors'])

function roomOf (path: string): string {
  if (layerOf(path) !== 'runtime') return layerOf(path)
  const rest = path.slice('runtime/'.length)
  if (!rest.includes('/')) return 'base'
  return SUBROOMS.find((room) => rest.startsWith(`${room}/`)) ?? rest.split('/')[0]!
}

/** The arrows the doc's table lists, `from → to`, and whether it says `to` is imported for types only. */
function documentedArrows (): Map<string, boolean> {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8')
  const table = /^The arrows:[^]*?^```\n([^]*?)^```/m.exec(doc)?.[1] ?? ''
  const arrows = new Map<string, boolean>()
  for (const line of table.split('\n').filter((l) => l.includes('→'))) {
    const [left, right] = line.split('→').map((side) => side.trim())
    // Commas inside an annotation's parentheses do not separate rooms.
    const targets = right!.split(/,(?![^(]*\))/).map((item) => item.trim())
    for (const from of left!.split(',').map((room) => room.trim())) {
      for (const target of targets) {
        const [, to, note] = /^(\S+)(?:\s+\((.*)\))?$/.exec(target) ?? [target, target]
        arrows.set(`${from} → ${to}`, note?.startsWith('types') ?? false)
      }
    }
  }
  return arrows
}

test('docs/architecture.md lists exactly the arrows between runtime/ rooms that the imports have', (t) => {
  const real = new Map<string, boolean>()
  for (const [file, edges] of imports) {
    if (layerOf(file) !== 'runtime') continue
    const from = roomOf(file)
    for (const { to: path, typeOnly } of edges) {
      const to = roomOf(path)
      if (to === from || FREE.has(to)) continue
      real.set(`${from} → ${to}`, (real.get(`${from} → ${to}`) ?? true) && typeOnly)
    }
  }
  const documented = documentedArrows()
  t.true(documented.size > 0, 'the arrows table was not found in docs/architecture.md')
  t.deepEqual({
    undocumented: [...real.keys()].filter((arrow) => !documented.has(arrow)).sort(),
    notInCode: [...documented.keys()].filter((arrow) => !real.has(arrow)).sort(),
    notTypesOnly: [...documented].filter(([arrow, types]) => types && real.get(arrow) === false).map(([arrow]) => arrow).sort()
  }, { undocumented: [], notInCode: [], notTypesOnly: [] })
})

test('every error class of runtime/, components/ and persistence/ is exported from index.ts with its guard, so users can tell them apart', async (t) => {
  const index = await import('../index.ts') as Record<string, unknown>
  const missing: string[] = []
  for (const root of ['runtime', 'components', 'persistence']) {
    for (const file of sourceFiles(root)) {
      for (const [, name] of readFileSync(join(ROOT, file), 'utf8').matchAll(/^export class (\w+Error) /gm)) {
        if (typeof index[name!] !== 'function' || typeof index[`is${name}`] !== 'function') missing.push(`${name} (${file})`)
      }
    }
  }
  t.deepEqual(missing, [])
})
