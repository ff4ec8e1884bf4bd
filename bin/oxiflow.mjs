#!/usr/bin/env node
// The `oxiflow` command. oxiflow is TypeScript run through tsx: this shim loads the CLI with
// tsImport (resolved from this package, so it works from any directory), which `node --import tsx`
// would not — that resolves tsx from the current directory.
import { tsImport } from 'tsx/esm/api'

const { main } = await tsImport(new URL('../cli/main.ts', import.meta.url).href, import.meta.url)
const code = await main(process.argv.slice(2))
// Exit explicitly once stdout and stderr are flushed: a stopped job may leave handles (a
// source's socket, a user timer) that would otherwise keep the process alive.
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve))
await Promise.all([flushed(process.stdout), flushed(process.stderr)])
process.exit(code)
