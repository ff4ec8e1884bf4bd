// The manifest's `ended` (which instances of each step had ended before a checkpoint's barrier):
// how hosts' reports join, which restored instances count as ended (same and other
// parallelism, chains), and that a manifest with a malformed `ended` is refused as corrupt.
import test from 'ava'
import { decodeManifest, encodeManifest, type ManifestContent } from '../../../persistence/checkpoints/manifest.ts'
import { endedBefore, endedSteps } from '../../../runtime/checkpoint/ended-steps.ts'
import type { Vertex } from '../../../runtime/plan/plan.ts'

const vertex = (steps: string[], parallelism: number): Vertex => ({ steps: steps.map((name) => ({ name })), parallelism } as unknown as Vertex)

test('endedSteps joins the hosts\' reports by step, instances sorted', (t) => {
  t.deepEqual(endedSteps([
    { steps: ['k', 'tag'], index: 1, parallelism: 2 },
    { steps: ['a'], index: 0, parallelism: 1 },
    { steps: ['k', 'tag'], index: 0, parallelism: 2 },
  ]), { k: { parallelism: 2, instances: [0, 1] }, tag: { parallelism: 2, instances: [0, 1] }, a: { parallelism: 1, instances: [0] } })
  t.deepEqual(endedSteps([]), {})
})

const ended = { s: { parallelism: 2, instances: [1] }, all: { parallelism: 2, instances: [0, 1] }, b: { parallelism: 2, instances: [0, 1] } }

for (const [title, v, index, expected] of [
  ['same parallelism: the instance that had ended', vertex(['s'], 2), 1, true],
  ['same parallelism: an instance that had not', vertex(['s'], 2), 0, false],
  ['another parallelism, every old instance ended: each new one', vertex(['all'], 3), 2, true],
  ['another parallelism, the step partly ended: none (each new instance ends once)', vertex(['s'], 1), 0, false],
  ['a chain whose steps all ended', vertex(['all', 'b'], 2), 0, true],
  ['a chain joining an ended step with one that did not end', vertex(['all', 'new'], 2), 0, false],
  ['a step the manifest does not name', vertex(['x'], 1), 0, false],
] as const) {
  test(`endedBefore — ${title}: ${expected}`, (t) => {
    t.is(endedBefore(ended, v, index), expected)
  })
}

test('endedBefore of a manifest without `ended` (written before it existed): nothing had ended', (t) => {
  t.false(endedBefore(undefined, vertex(['s'], 1), 0))
})

const content = (extra: object): ManifestContent => ({ format: 1, pipelineId: 'p', checkpointId: 3, time: 1, nodeVersion: process.version,
  codec: 'zstd', sources: {}, holders: [], ...extra })

test('decodeManifest keeps `ended` and accepts a manifest without it', (t) => {
  const e = { a: { parallelism: 2, instances: [0, 1] } }
  t.deepEqual(decodeManifest(encodeManifest(content({ ended: e })).bytes, 'p', 3, 'k').ended, e)
  t.is(decodeManifest(encodeManifest(content({})).bytes, 'p', 3, 'k').ended, undefined)
})

for (const [what, bad] of [
  ['not an object', [1]],
  ['an instance beyond the parallelism', { a: { parallelism: 2, instances: [2] } }],
  ['no parallelism', { a: { instances: [0] } }],
] as const) {
  test(`decodeManifest refuses \`ended\` with ${what}`, (t) => {
    const e = t.throws(() => decodeManifest(encodeManifest(content({ ended: bad })).bytes, 'p', 3, 'k'))
    t.regex(e!.message, Array.isArray(bad) ? /ended is not an object/ : /ended\['a'\] is not \{ parallelism, instances \} with instances below the parallelism/)
  })
}
