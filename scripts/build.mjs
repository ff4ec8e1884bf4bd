// Builds dist/, what the package ships: the JavaScript bundled by esbuild into three entries —
// index.js (the API), cli.js (the `oxiflow` command) and worker.js (a worker host thread) — and
// the chunks they share, all in dist/ itself; and the declarations, by tsc, under dist/types/.
//
// Bundled rather than one compiled file per source (tsc alone): a process that loads oxiflow
// then maps a few files instead of ~280 modules, which measured 8 MB less RSS and a faster
// worker start (bench/README.md, "The package"). Dependencies stay imports (packages: external),
// loaded where oxiflow loads them today — many only when used.
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
await rm(new URL('../dist', import.meta.url), { recursive: true, force: true })
await build({
  absWorkingDir: root,
  entryPoints: { index: 'index.ts', cli: 'cli/main.ts', worker: 'runtime/worker/worker-main.ts' },
  outdir: 'dist',
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
execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'],
  { cwd: root, stdio: 'inherit' })
