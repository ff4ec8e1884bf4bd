// A scratch npm project outside the repository, as a user's: oxiflow installed from its packed
// tarball, the package fixtures copied in, commands run there as child processes whose
// environment holds nothing of the repository's (not what `npm test` says about its package and
// script, no NODE_OPTIONS, no node_modules/.bin of the repo on PATH), so only what was installed
// is found. npm's own settings (npm_config_cache, a registry, a CA file) are kept: CI needs them.
import { execFile } from 'node:child_process'
import { cp, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root, where `npm pack` runs. */
export const root = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = fileURLToPath(new URL('../fixtures/package/', import.meta.url))

export interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `command ...args` in `cwd` with the user's environment (see above); never rejects.
 *
 * @example
 * const r = await runIn(dir, 'node', ['app.mjs']) // { code: 0, stdout: '[…]\n', stderr: '' }
 */
export function runIn(cwd: string, command: string, args: readonly string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: userEnv(), timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code
      resolve({ code: error ? (typeof code === 'number' ? code : null) : 0, stdout, stderr })
    })
  })
}

/**
 * Packs the repository with `npm pack` (which runs `prepare`, the build) into a new temporary
 * folder and returns the tarball's path; throws with npm's output when it fails.
 *
 * @example
 * const tarball = await packTarball() // /tmp/oxiflow-pack-XXXX/oxiflow-0.1.0.tgz
 */
export async function packTarball(): Promise<string> {
  const into = await mkdtemp(join(tmpdir(), 'oxiflow-pack-'))
  const r = await runIn(root, 'npm', ['pack', '--pack-destination', into], 120_000)
  const tarballs = (await readdir(into)).filter((f) => f.endsWith('.tgz'))
  if (r.code !== 0 || tarballs.length !== 1) {
    throw new Error(`npm pack in ${root} exited ${r.code} leaving ${JSON.stringify(tarballs)} in ${into}\n${r.stdout}\n${r.stderr}`)
  }
  return join(into, tarballs[0]!)
}

/**
 * Creates an ES module project in os.tmpdir(), installs `packages` there (from the warm npm cache)
 * and copies the package fixtures and `files` in. A failed install throws with npm's output:
 * without network or cache this is a failure to see, not a test to skip.
 *
 * @example
 * const dir = await scratchProject('no-tsx', [tarball, 'typescript@^5.9.3'], { 'input.jsonl': text })
 */
export async function scratchProject(name: string, packages: readonly string[], files: Readonly<Record<string, string>>): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), `oxiflow-user-${name}-`)))
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: `scratch-${name}`, private: true, type: 'module' }, null, 2))
  const r = await runIn(dir, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages], 120_000)
  if (r.code !== 0) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(`npm install ${packages.join(' ')} failed in ${dir} (exit ${r.code}); ` +
      `it needs the npm cache that npm ci fills, or the network\n${r.stdout}\n${r.stderr}`)
  }
  // package.json promises Node 20.19: a dependency that declares a later one (@nats-io 3.4's nuid: Node 22) warns every user.
  if (/EBADENGINE/.test(r.stderr)) {
    await rm(dir, { recursive: true, force: true })
    throw new Error(`npm install ${packages.join(' ')} in ${dir} warned that a package does not support Node ${process.version}:\n${r.stderr}`)
  }
  await cp(fixtures, dir, { recursive: true })
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text)
  return dir
}

// What `npm test` adds about the repository and its script. npm_config_loglevel goes too: under
// `npm test --silent` it would hide the output of a failed install.
const REPOSITORY_ENV = /^(npm_package_.*|npm_lifecycle_.*|npm_command|npm_execpath|npm_node_execpath|npm_config_local_prefix|npm_config_loglevel|init_cwd|node_options)$/i

/** process.env less what `npm test` and the repository add: a user's shell in their project. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) if (!REPOSITORY_ENV.test(name)) env[name] = value
  env['PATH'] = (process.env['PATH'] ?? '').split(delimiter).filter((p) => !p.includes('node_modules')).join(delimiter)
  return env
}
