// Entry of a worker host thread. A Worker cannot start from a .ts file (even with tsx loaded in
// the parent), so this plain module loads the TypeScript host through tsx's tsImport.
import { tsImport } from 'tsx/esm/api'

await tsImport(new URL('./host-main.ts', import.meta.url).href, import.meta.url)
