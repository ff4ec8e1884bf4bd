import test from 'ava'
import { PipelineCheckpoints as CheckpointStore } from '../../persistence/checkpoints/pipeline-checkpoints.ts'
import { checkNodeVersion } from '../../persistence/checkpoints/check-node-version.ts'
import { checkStateVersion } from '../../persistence/checkpoints/check-state-version.ts'
import { NodeVersionError, isNodeVersionError } from '../../persistence/checkpoints/node-version-error.ts'
import { StateVersionError, isStateVersionError } from '../../persistence/checkpoints/state-version-error.ts'
import { MemoryStore } from '../../persistence/stores/memory-store.ts'
import { writeCheckpoint } from './checkpoint-fixture.ts'

const manifest = (nodeVersion: string) => ({ pipelineId: 'clicks', checkpointId: 7, nodeVersion })

const nodeCases: Array<[string, string, boolean]> = [
  ['newerMajor', 'v22.1.0', false], ['newerMinor', 'v20.21.0', false], ['newerPatch', 'v20.20.9', true],
  ['same', 'v20.20.2', true], ['olderMinor', 'v20.10.0', true], ['olderMajor', 'v18.19.1', true],
]
for (const [scenario, written, accepted] of nodeCases) {
  test(`checkNodeVersion_${scenario}_${accepted ? 'accepted' : 'refused'}`, (t) => {
    if (accepted) t.notThrows(() => checkNodeVersion(manifest(written), 'v20.20.2'))
    else t.throws(() => checkNodeVersion(manifest(written), 'v20.20.2'), { instanceOf: NodeVersionError })
  })
}

test('checkNodeVersion_newerNode_messageNamesBothAndTheFix', (t) => {
  const error = t.throws(() => checkNodeVersion(manifest('v22.1.0'), 'v20.20.2'), { instanceOf: NodeVersionError })
  t.true(isNodeVersionError(error))
  t.is(error.code, 'ERR_NODE_VERSION')
  t.is(error.message, "checkpoint 7 of pipeline 'clicks' was written by Node v22.1.0, this is v20.20.2: " +
    "v8's serialization format is backward compatible only; restore with Node ≥ v22.1.0")
})

test('readState_checkpointOfNewerNode_refusedBeforeDecoding', async (t) => {
  const cs = new CheckpointStore(new MemoryStore(), 'p')
  await writeCheckpoint(cs, [{ stateId: 'agg/sum', state: 1 }], { nodeVersion: 'v99.0.0' })
  const error = await t.throwsAsync(cs.readState(1, 'agg'), { instanceOf: NodeVersionError })
  t.is(error.message, `checkpoint 1 of pipeline 'p' was written by Node v99.0.0, this is ${process.version}: ` +
    "v8's serialization format is backward compatible only; restore with Node ≥ v99.0.0")
})

const sameOrMigrate: Array<[string, string, string, 'same' | 'migrate']> = [
  ['sameVersion', '1.2.0', '1.2.0', 'same'], ['otherPatch', '1.2.7', '1.2.0', 'same'],
  ['lowerMinor', '1.1.0', '1.3.0', 'migrate'], ['lowerMinorHigherPatch', '1.0.9', '1.3.0', 'migrate'],
  ['preReleaseIntoItsRelease', '1.1.0-beta', '1.1.0', 'same'], ['olderPreRelease', '1.1.0-rc.1', '1.1.0-rc.2', 'same'],
  ['newerPreReleaseOfAnOlderMinor', '1.0.0', '1.1.0-beta', 'migrate'],
]
for (const [scenario, found, expected, result] of sameOrMigrate) {
  test(`checkStateVersion_${scenario}_${result}`, (t) => {
    t.is(checkStateVersion('agg', 'agg/sum', found, expected), result)
  })
}

test('checkStateVersion_otherMajor_errorNamesStepFoundExpectedAndMigration', (t) => {
  const error = t.throws(() => checkStateVersion('agg', 'agg/sum', '2.1.0', '1.3.0'), { instanceOf: StateVersionError })
  t.true(isStateVersionError(error))
  t.deepEqual([error.code, error.step, error.stateId, error.found, error.expected, error.problem], ['ERR_STATE_VERSION', 'agg', 'agg/sum', '2.1.0', '1.3.0', 'major'])
  t.is(error.message, "step 'agg', state 'agg/sum': the checkpoint has state version 2.1.0, this pipeline expects 1.3.0: " +
    'another major cannot be restored as is; it was written by a newer version of the step: restore with the pipeline version ' +
    'that wrote it, or start this state fresh: give the holder a new stateId and restore with allowNonRestoredState: true ' +
    '(CLI: --allow-non-restored-state), which drops the old one')
})

// The advice names only what exists: conversion between minors (ctx.state's migrate, a holder's
// restore), the pipeline that wrote it, or a fresh start — no `migrations` option.
test('checkStateVersion_olderMajor_errorSaysConvertThroughAMinor', (t) => {
  const error = t.throws(() => checkStateVersion('agg', 'agg/sum', '1.9.0', '2.0.0'), { instanceOf: StateVersionError })
  t.is(error.message, "step 'agg', state 'agg/sum': the checkpoint has state version 1.9.0, this pipeline expects 2.0.0: " +
    'another major cannot be restored as is; to convert it, keep major 1 and raise the minor instead (e.g. 1.10.0): a restore ' +
    "hands state of an older minor to the holder's restore(state, fromVersion); or restore with the pipeline version that " +
    'wrote it; or start this state fresh: give the holder a new stateId and restore with allowNonRestoredState: true ' +
    '(CLI: --allow-non-restored-state), which drops the old one')
})

test('checkStateVersion_olderMajorOfCtxState_errorNamesMigrateAndAStateName', (t) => {
  const error = t.throws(() => checkStateVersion('count', 'count/state.n', '1.0.0', '2.0.0'), { instanceOf: StateVersionError })
  t.regex(error.message, /keep major 1 and raise the minor instead \(e\.g\. 1\.1\.0\): a restore hands state of an older minor to its migrate\(value, fromVersion\) option; .* give the state a new name in ctx\.state and restore with allowNonRestoredState: true/)
  t.false(error.message.includes('migrations'))
})

test('checkStateVersion_newerMinor_errorSaysWrittenByNewerStep', (t) => {
  const error = t.throws(() => checkStateVersion('agg', 'agg/sum', '1.4.0', '1.3.0'), { instanceOf: StateVersionError })
  t.is(error.message, "step 'agg', state 'agg/sum': the checkpoint has state version 1.4.0, this pipeline expects 1.3.0: " +
    'a newer minor, written by a newer version of the step (holders migrate only from older minors); restore with the pipeline version that wrote it')
})

// Found from outside: a holder at 1.0.0-beta restored a 1.0.0 checkpoint silently, though semver ranks the release above it.
for (const [found, expected] of [['1.0.0', '1.0.0-beta'], ['1.1.0-rc.2', '1.1.0-rc.1'], ['1.1.0-beta.11', '1.1.0-beta.2'], ['1.1.3', '1.1.0-alpha']]) {
  test(`checkStateVersion_newerPreRelease_${found}_into_${expected}_refused`, (t) => {
    const error = t.throws(() => checkStateVersion('agg', 'agg/sum', found!, expected!), { instanceOf: StateVersionError })
    t.is(error.problem, 'newer-prerelease')
    t.regex(error.message, new RegExp(`state version ${found!.replace(/\./g, '\\.')}, this pipeline expects ${expected!.replace(/\./g, '\\.')}: .* raise this pipeline's version to at least`))
  })
}

test('checkStateVersion_notSemver_errorSaysTheRule', (t) => {
  const error = t.throws(() => checkStateVersion('agg', 'agg/sum', 'v1', '1.0.0'), { instanceOf: StateVersionError })
  t.is(error.message, "step 'agg', state 'agg/sum': found state version 'v1', expected '1.0.0': state versions must be semver " +
    "(major.minor.patch, e.g. 1.0.0); fix the holder's stateVersion")
})
