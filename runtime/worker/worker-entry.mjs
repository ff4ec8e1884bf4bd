// Entry of a worker host thread where oxiflow runs from its TypeScript sources (its own tests and
// benchmarks, through tsx). A Worker cannot start from a .ts file (even with tsx loaded in the
// parent), so this plain module loads the TypeScript host through tsx's tsImport. The published
// package starts workers from dist/worker.js and never loads this file.
import { tsImport } from 'tsx/esm/api'

await tsImport(new URL('./worker-main.ts', import.meta.url).href, import.meta.url)
