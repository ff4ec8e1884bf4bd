import { CorruptManifestError } from './corrupt-manifest-error.ts'
import { NodeVersionError } from './node-version-error.ts'
import { parseSemver } from './parse-semver.ts'
import { manifestKey } from './checkpoint-layout.ts'
import type { Manifest } from './manifest.ts'

/**
 * Throws NodeVersionError when the checkpoint was written by a newer Node major or minor than
 * `running` (default: this process): v8's serialization format is backward compatible only,
 * and its format version moves with V8, which Node upgrades in majors and minors — never in
 * patches, so a newer patch is accepted.
 *
 * @example
 * checkNodeVersion(manifest) // throws for a manifest written by v22.1.0 when running v20.20.2
 */
export function checkNodeVersion(manifest: Pick<Manifest, 'pipelineId' | 'checkpointId' | 'nodeVersion'>, running: string = process.version): void {
  const written = parseSemver(manifest.nodeVersion)
  const here = parseSemver(running)
  if (written === null) {
    throw new CorruptManifestError(manifest.pipelineId, manifest.checkpointId, manifestKey(manifest.pipelineId, manifest.checkpointId),
      `nodeVersion '${manifest.nodeVersion}' is not a Node version`)
  }
  if (here === null) throw new RangeError(`running Node version '${running}' is not a version such as v20.20.2`)
  if (written.major > here.major || (written.major === here.major && written.minor > here.minor)) {
    throw new NodeVersionError(manifest.pipelineId, manifest.checkpointId, manifest.nodeVersion, running)
  }
}
