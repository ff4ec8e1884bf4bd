// Builds dist/, what the package ships: the JavaScript bundled by esbuild into four entries —
// index.js (the API), cli.js (the `oxiflow` command), worker.js (a worker host thread) and
// encode-worker.js (a snapshot encode pool thread, persistence/codec/encode-pool.ts) — and
// the chunks they share, all in dist/ itself; and the declarations, by tsc, under dist/types/.
//
// Bundled rather than one compiled file per source (tsc alone): a process that loads oxiflow
// then maps a few files instead of ~280 modules, which measured 6 MB less RSS and a worker host
// ready in ~50 ms instead of ~100 (bench/README.md, "The package"). Dependencies stay imports
// (packages: external), loaded where oxiflow loads them — many only when used.
//
// The build is written to a folder of its own and swapped in by two renames, and skipped when
// dist/ was built from the same sources (a hash of them in dist/.sources-hash): tests that pack
// or type-check the package call it while other tests run `oxiflow` from dist/, which must never
// be seen half-written or missing.
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
const stamp = '.sources-hash'

/** A hash of everything the build reads: the sources, the package and compiler settings, this script. */
function sourcesHash() {
  const hash = createHash('sha256')
  const files = ['index.ts', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs']
  for (const folder of ['runtime', 'components', 'persistence', 'cli']) {
    for (const path of readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })) {
      if (/\.(ts|mjs)$/.test(path)) files.push(join(folder, path))
    }
  }
  for (const file of files.sort()) hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0')
  return hash.digest('hex')
}

const hash = sourcesHash()
if (existsSync(join(dist, stamp)) && readFileSync(join(dist, stamp), 'utf8') === hash && process.argv[2] !== '--force') {
  process.stdout.write('dist/ is up to date (npm run build -- --force rebuilds it)\n')
  process.exit(0)
}
const next = `${dist}.next-${process.pid}`
rmSync(next, { recursive: true, force: true })
try {
  await build({
    absWorkingDir: root,
    entryPoints: {
      index: 'index.ts', cli: 'cli/main.ts', worker: 'runtime/worker/worker-main.ts', 'encode-worker': 'persistence/codec/encode-worker.ts',
    },
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    // Classes and functions keep their names: errors are rebuilt across threads by name, and users see them.
    keepNames: true,
    sourcemap: true,
    chunkNames: 'chunk-[hash]',
    logLevel: 'warning',
  })
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--declarationDir', join(next, 'types')],
    { cwd: root, stdio: 'inherit' })
  writeFileSync(join(next, stamp), hash)
  const old = `${dist}.old-${process.pid}`
  if (existsSync(dist)) renameSync(dist, old)
  renameSync(next, dist)
  rmSync(old, { recursive: true, force: true })
} finally {
  rmSync(next, { recursive: true, force: true })
}
