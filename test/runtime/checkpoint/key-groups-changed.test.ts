import test from 'ava'
import { pipeline, sinks, sources, stores, type StateStore, type ValueState } from '../../../index.ts'
import { PipelineCheckpoints } from '../../../persistence/checkpoints/pipeline-checkpoints.ts'

// Found from outside: a restore under another maxKeyGroups was refused by the first keyed holder
// that met a key in another group, saying "run with the value it was taken with" without the
// value. Each manifest now records its maxKeyGroups, and the restore is refused before any holder
// is restored, naming both.

interface Ev { key: string }
const counted = (keyed: boolean) => {
  const p = pipeline('groups').source('gen', sources.generator({ seed: 2, count: 500, keys: 9 }))
  return (keyed
    ? p.keyBy((r: Ev) => r.key).process('count', () => {
      let n: ValueState<number, Ev>
      return { open(ctx) { n = ctx.state.value('n') }, onBatch(rs, ctx) { for (const r of rs) { const c = (n.get(r) ?? 0) + 1; n.set(r, c); ctx.emit(c) } } }
    })
    : p.map('id', (r) => r)).sink('out', sinks.collect())
}

async function checkpointed(keyed: boolean): Promise<StateStore> {
  const store = stores.memory()
  await counted(keyed).run({ store, maxKeyGroups: 64 }).done // its end's checkpoint
  return store
}

test('a checkpoint of keyed state written with maxKeyGroups 64 is refused under 128, naming both, before any holder is restored; under 64 it restores', async (t) => {
  const store = await checkpointed(true)
  const [latest] = await new PipelineCheckpoints(store, 'groups').list()
  t.is(latest?.ok && latest.manifest.maxKeyGroups, 64)
  const e = await t.throwsAsync(counted(true).run({ store, restore: 'latest' }).done)
  t.is((e as { code?: string }).code, 'ERR_KEY_GROUPS_CHANGED', String(e))
  t.is(e!.message, `checkpoint ${latest!.id} of pipeline 'groups' holds keyed state in 64 key groups (maxKeyGroups 64), and this run has maxKeyGroups 128: ` +
    'key groups cannot be renumbered — run with maxKeyGroups: 64 to restore it, or start without restore')
  const same = await counted(true).run({ store, restore: 'latest', maxKeyGroups: 64 }).done
  t.is(same.restore?.checkpointId, latest!.id)
})

test('a checkpoint without keyed state restores under any maxKeyGroups', async (t) => {
  const store = await checkpointed(false)
  const s = await counted(false).run({ store, restore: 'latest' }).done
  t.not(s.restore?.checkpointId, undefined)
})
