#!/usr/bin/env node
// The `oxiflow` command: runs the built CLI, dist/cli.js (built by `npm run build`, and by
// `prepare` on install). It loads no TypeScript loader itself: tsx is imported only when a
// pipeline module is TypeScript and this Node cannot strip types (see runtime/modules).
let main
try {
  ({ main } = await import('../dist/cli.js'))
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli.js')) throw e
  process.stderr.write(`oxiflow: not built — ${new URL('../dist/cli.js', import.meta.url).pathname} is missing; ` +
    `run npm run build in ${new URL('..', import.meta.url).pathname}\n`)
  process.exit(1)
}
// This process runs nothing but the command (see cli/command-options.ts).
const code = await main(process.argv.slice(2), { ownsThread: true })
// Exit explicitly once stdout and stderr are flushed: a stopped job may leave handles (a
// source's socket, a user timer) that would otherwise keep the process alive.
const flushed = (stream) => new Promise((resolve) => stream.write('', resolve))
await Promise.all([flushed(process.stdout), flushed(process.stderr)])
process.exit(code)
