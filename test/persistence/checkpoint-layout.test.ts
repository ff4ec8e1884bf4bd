import test from 'ava'
import { blobKey, checkpointIdOfKey, checkpointsPrefix, manifestKey } from '../../persistence/checkpoints/checkpoint-layout.ts'

test('manifestKey_idZeroPaddedToTen', (t) => {
  t.is(manifestKey('clicks', 7), 'pipelines/clicks/checkpoints/0000000007/manifest.json')
  t.is(manifestKey('clicks', 9_999_999_999), 'pipelines/clicks/checkpoints/9999999999/manifest.json')
})

test('blobKey_slashesAndRange_encodedInName', (t) => {
  t.is(blobKey('clicks', 12, 'agg/sum'), 'pipelines/clicks/checkpoints/0000000012/agg~sum.blob')
  t.is(blobKey('clicks', 12, 'win/buf/x', { start: 0, end: 63 }), 'pipelines/clicks/checkpoints/0000000012/win~buf~x.0-63.blob')
})

test('checkpointIdOfKey_keysInsideAndOutside_idOrUndefined', (t) => {
  t.is(checkpointIdOfKey('clicks', 'pipelines/clicks/checkpoints/0000000012/agg~sum.blob'), 12)
  t.is(checkpointIdOfKey('clicks', 'pipelines/clicks/run.json'), undefined)
  t.is(checkpointIdOfKey('clicks', 'pipelines/clicks2/checkpoints/0000000012/manifest.json'), undefined)
  t.is(checkpointIdOfKey('clicks', `${checkpointsPrefix('clicks')}tmp/x`), undefined)
})

test('manifestKey_invalidId_rangeError', (t) => {
  for (const id of [0, -1, 1.5, 1e10]) {
    t.throws(() => manifestKey('clicks', id), { instanceOf: RangeError, message: `checkpoint id ${id} is invalid: checkpoint ids are integers from 1 to 9999999999` })
  }
})
