import test from 'ava'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)
const entry = 'dist/index.js'

/**
 * Dependencies a process that imports oxiflow must not load until it uses them: store clients,
 * codecs, the snapshot encode pool (piscina), the metrics stack, version parsing (bench/README.md,
 * "What the floor is made of").
 */
const LAZY = ['pg', 'ioredis', '@nats-io/', 'lz4-napi', 'snappy', '@bokuweb/zstd-wasm', 'prom-client', 'semver', 'piscina']

/** What importing `dist/index.js` with plain node loads: ES module URLs and CommonJS files. */
async function loadedByImport(): Promise<{ urls: string[]; cjs: string[] }> {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first (this test imports the compiled package)`)
  const { stdout } = await run(process.execPath, ['test/fixtures/lazy/loaded-urls.mjs', entry], { timeout: 60_000 })
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { urls: string[]; cjs: string[] }
}

test('importing the package loads no store client, codec, encode pool, prom-client, semver or node:http', async (t) => {
  const { urls, cjs } = await loadedByImport()
  const files = [...urls, ...cjs]
  const packageOf = (f: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]
  const loadedPackages = new Set(files.map(packageOf).filter((p) => p !== undefined))
  t.deepEqual([...loadedPackages].filter((p) => LAZY.some((lazy) => p === lazy || p.startsWith(lazy))), [])
  t.false(urls.includes('node:http'), 'node:http is imported only by serveMetrics, when called')
  // The detector sees what the runtime does load: rxjs (every actor) and the package's own modules.
  t.true(loadedPackages.has('rxjs'))
  t.true(urls.some((u) => u.endsWith('/dist/index.js')))
})
