// Child process of bench/import-floor.ts: `node --expose-gc bench/import-floor-child.mjs [module…]`
// imports the modules (paths or package names, resolved from bench/), runs a full GC and prints
// one JSON line: RSS split into anonymous memory and file-backed pages (/proc/self/status), the
// V8 heap, and how many CommonJS files are in require's cache.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { isAbsolute } from 'node:path'
import { pathToFileURL } from 'node:url'

for (const spec of process.argv.slice(2)) await import(isAbsolute(spec) ? pathToFileURL(spec).href : spec)
globalThis.gc?.()
await new Promise((resolve) => setTimeout(resolve, 20))
globalThis.gc?.()
const status = readFileSync('/proc/self/status', 'utf8')
const mb = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024
const heap = process.memoryUsage()
console.log(JSON.stringify({
  rssMB: mb('VmRSS'), anonMB: mb('RssAnon'), fileMB: mb('RssFile'),
  heapTotalMB: heap.heapTotal / 2 ** 20, heapUsedMB: heap.heapUsed / 2 ** 20,
  cjsModules: Object.keys(createRequire(import.meta.url).cache).length,
}))
