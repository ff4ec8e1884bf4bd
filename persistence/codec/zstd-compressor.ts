import { createRequire } from 'node:module'
import type { Compressor } from './compressor.ts'

type ZstdWasm = typeof import('@bokuweb/zstd-wasm')

/**
 * Once per process, not per copy of this module: the package's `init()` instantiates its one
 * shared WebAssembly module again, and every decompression after a second `init()` fails
 * (measured: 396 of 400 after a re-init). A process holds several copies of oxiflow's modules
 * when it loads it from two places — the CLI and the pipeline module it imports through tsx,
 * or a process running the CLI's `main()` twice — while the package is loaded once.
 */
const READY = Symbol.for('oxiflow.zstd-wasm.ready')
/**
 * The package, loaded and initialised on first use: importing it cost every process and worker
 * thread its WebAssembly module (5.4 MB of RSS in a process alone), and most never compress with zstd
 * (bench/README.md, "What the floor is made of"). Every copy of this module gets the same
 * package object from require's cache, so the one `init()` serves them all.
 */
const ready = (): Promise<ZstdWasm> => ((globalThis as { [READY]?: Promise<ZstdWasm> })[READY] ??= (async () => {
  const zstd = createRequire(import.meta.url)('@bokuweb/zstd-wasm') as ZstdWasm
  await zstd.init()
  return zstd
})())

/**
 * zstd through its WebAssembly build (@bokuweb/zstd-wasm), initialised once on first use. It
 * works inside the module's own linear memory, which grows once and is reused by every call —
 * no fresh pages, ~0 kernel time — and returns copies the caller owns. Synchronous on the main
 * thread (the package has no thread-pool form): level 1, the default, compresses ~5× at about
 * 250 MB/s here (bench/codec.ts).
 *
 * @example
 * const payload = await zstdCompressor.compress(raw, 1)
 */
export const zstdCompressor: Compressor = {
  codec: 'zstd',
  async compress(raw, level) {
    return (await ready()).compress(raw, level)
  },
  async decompress(payload, rawBytes) {
    const { decompress } = await ready()
    // The frame records its content size (ZSTD_compress writes it); the heap size only matters
    // for a frame without one, which this codec never writes.
    try {
      return decompress(payload, { defaultHeapSize: Math.max(rawBytes, 1) })
    } catch (e) {
      // The package reports a failed decompression as "Failed to compress with code N".
      const code = /code (-?\d+)/.exec((e as Error).message)?.[1]
      throw new Error(`ZSTD_decompress failed${code === undefined ? `: ${(e as Error).message}` : ` with code ${code}`}`, { cause: e })
    }
  },
}
