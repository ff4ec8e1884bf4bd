import { checkNodeVersion } from '../checkpoints/check-node-version.ts'
import { blobKeyProblem, checkpointIdOfKey, checkpointsPrefix, MANIFEST_FILE, manifestKey } from '../checkpoints/checkpoint-layout.ts'
import { holderBlobProblem } from '../checkpoints/holder-blob-problem.ts'
import { chainBlobs } from '../checkpoints/holder-chain.ts'
import { decodeManifest, type Manifest } from '../checkpoints/manifest.ts'
import { decodeSnapshot } from '../codec/decode-snapshot.ts'
import { InvalidStateBundleError } from './invalid-state-bundle-error.ts'
import { isOxiflowError } from '../oxiflow-error.ts'
import { checkStoreKey } from '../stores/check-store-key.ts'

/** Standard base64 with its padding, as `state export` writes it (Buffer.from would skip any other character silently). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Problems listed in the error before the rest are counted: enough to see the pattern. */
const SHOWN = 5

/**
 * Checks every checkpoint key of a state bundle before anything is written, and returns the
 * decoded bytes by full store key: each key is a valid store key inside the pipeline's
 * checkpoints (`<10-digit id>/manifest.json` or `<id>/<name>.blob`, never `..`), unique, with
 * standard base64; each manifest decodes (JSON, checksum, this pipeline and checkpoint, Node
 * version this Node reads); each blob a manifest references — a holder's own and every link of
 * an incremental holder's chain — is in the bundle, inside the pipeline's checkpoints and
 * matches the manifest (length, header, checksum); and every blob,
 * referenced or not, decompresses and deserializes. Throws one InvalidStateBundleError naming
 * `file` and the problems (the first few, then how many more).
 *
 * @example
 * const keys = await checkBundleCheckpoints(bundle, 'clicks.state.json') // Map { 'pipelines/clicks/checkpoints/…' => bytes }
 */
export async function checkBundleCheckpoints(
  bundle: { readonly pipelineId: string; readonly checkpoints: readonly { readonly key: string; readonly base64: string }[] },
  file: string,
): Promise<Map<string, Uint8Array>> {
  const id = bundle.pipelineId
  const prefix = checkpointsPrefix(id)
  const problems: string[] = []
  const keys = new Map<string, Uint8Array>()
  for (const c of bundle.checkpoints) {
    const problem = keyProblem(id, c.key) ?? (BASE64.test(c.base64) ? undefined : 'its base64 is not standard base64 with padding')
    if (problem !== undefined) problems.push(`key '${c.key}': ${problem}`)
    else if (keys.has(prefix + c.key)) problems.push(`key '${c.key}' appears twice`)
    else keys.set(prefix + c.key, new Uint8Array(Buffer.from(c.base64, 'base64')))
  }
  if (problems.length === 0) {
    const referenced = new Set<string>()
    for (const [key, bytes] of keys) {
      if (!key.endsWith(`/${MANIFEST_FILE}`)) continue
      const manifest = manifestProblems(id, key, bytes, problems)
      if (manifest) await holderProblems(manifest, keys, referenced, problems)
    }
    // Blobs of folders without a manifest, or that no manifest names: still decoded, so a file
    // of garbage is refused whatever its manifests say.
    for (const [key, bytes] of keys) {
      if (!key.endsWith('.blob') || referenced.has(key)) continue
      try {
        await decodeSnapshot(bytes, key)
      } catch (e) {
        if (!isOxiflowError(e)) throw e
        problems.push(`blob '${key.slice(prefix.length)}' does not decode: ${(e as { problem?: string }).problem ?? e.message}`)
      }
    }
  }
  if (problems.length > 0) {
    const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : ''
    throw new InvalidStateBundleError(file, `${problems.slice(0, SHOWN).join('; ')}${more}`, true)
  }
  return keys
}

/** What makes a bundle's relative key unfit, or undefined. */
function keyProblem(pipelineId: string, key: string): string | undefined {
  const full = checkpointsPrefix(pipelineId) + key
  try {
    checkStoreKey(full)
  } catch (e) {
    return `not inside pipeline '${pipelineId}''s checkpoints (${full}: ${(e as { problem?: string }).problem ?? String(e)})`
  }
  const checkpointId = checkpointIdOfKey(pipelineId, full)
  if (checkpointId === undefined || !/^\d{10}\/[^/]+$/.test(key)) return 'not <10-digit checkpoint id>/<file>'
  if (full === manifestKey(pipelineId, checkpointId)) return undefined
  return blobKeyProblem(pipelineId, full) === undefined ? undefined : `neither ${MANIFEST_FILE} nor a .blob`
}

/** Decodes a manifest, or records why it does not. */
function manifestProblems(pipelineId: string, key: string, bytes: Uint8Array, problems: string[]): Manifest | undefined {
  const checkpointId = checkpointIdOfKey(pipelineId, key)!
  try {
    const manifest = decodeManifest(bytes, pipelineId, checkpointId, key)
    checkNodeVersion(manifest)
    return manifest
  } catch (e) {
    if (!isOxiflowError(e)) throw e
    problems.push(`checkpoint ${checkpointId}: ${(e as { problem?: string }).problem ?? e.message}`)
    return undefined
  }
}

/**
 * Checks every blob a restore of the manifest reads against what the manifest records of it,
 * decoding each: each holder's own and, for one that wrote changes, every link of its chain
 * (chainBlobs), often blobs of an older checkpoint whose manifest retention deleted. Checking
 * only the holder's own blob let a file lacking its chains' base imported with exit 0, found
 * CORRUPT by the first `checkpoints verify` after.
 */
async function holderProblems(manifest: Manifest, keys: ReadonlyMap<string, Uint8Array>, referenced: Set<string>, problems: string[]): Promise<void> {
  for (const entry of manifest.holders) {
    const where = `checkpoint ${manifest.checkpointId}, state '${entry.stateId}' of step '${entry.step}'`
    for (const { checkpointId, holder: h } of chainBlobs(manifest, entry)) {
      const which = checkpointId === manifest.checkpointId ? 'its blob' : `its chain's blob of checkpoint ${checkpointId}`
      const badKey = blobKeyProblem(manifest.pipelineId, h.blob)
      const problem = badKey !== undefined ? `invalid blob key '${h.blob}': ${badKey}`
        : await holderBlobProblem(keys.get(h.blob), h, `${where} (${which})`)
      if (problem === 'missing') problems.push(`${where}: ${which} ${h.blob} is not in the file`)
      else if (problem !== undefined) problems.push(`${where}: ${checkpointId === manifest.checkpointId ? '' : `${which}: `}${problem}`)
      referenced.add(h.blob)
    }
  }
}
