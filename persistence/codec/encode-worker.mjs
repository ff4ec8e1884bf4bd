// Entry of an encode pool thread where oxiflow runs from its TypeScript sources (its own tests and
// benchmarks, through tsx): a Worker cannot start from a .ts file, so this plain module loads
// encode-worker.ts through tsx's tsImport and hands piscina its task. The published package starts
// pool threads from dist/encode-worker.js and never loads this file.
import { tsImport } from 'tsx/esm/api'

const worker = await tsImport(new URL('./encode-worker.ts', import.meta.url).href, import.meta.url)

export default worker.default
