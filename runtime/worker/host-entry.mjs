// Entry of a worker host thread. A Worker cannot start from a .ts file (even with tsx loaded in
// the parent), so this plain module registers tsx's loader for the thread and imports the
// TypeScript host; the pipeline module the host imports then shares its copy of the runtime.
import { register } from 'tsx/esm/api'

register()
await import('./host-main.ts')
