import test from 'ava'
import fc from 'fast-check'
import { collect } from '../../../components/sinks/collect.ts'
import { sinkContext } from '../../fixtures/components/contexts.ts'

test('collect keeps every record of every batch, in order', (t) => {
  fc.assert(fc.property(fc.array(fc.array(fc.anything())), (batches) => {
    const writer = collect().open(sinkContext())
    for (const batch of batches) writer.write(batch)
    t.deepEqual(writer.result(), batches.flat())
  }))
})

test('a batch larger than the argument limit is collected whole', (t) => {
  const writer = collect<number>().open(sinkContext())
  const big = Array.from({ length: 500_000 }, (_, i) => i)
  writer.write(big)
  t.is(writer.result().length, 500_000)
  t.is(writer.result()[499_999], 499_999)
})

test('each open gives a fresh writer, so jobs sharing one sink do not mix records', (t) => {
  const sink = collect<string>()
  const a = sink.open(sinkContext())
  const b = sink.open(sinkContext())
  a.write(['a1'])
  b.write(['b1', 'b2'])
  t.deepEqual(a.result(), ['a1'])
  t.deepEqual(b.result(), ['b1', 'b2'])
  t.is(sink.kind, 'sink')
  t.is(sink.description, 'collect()')
})
