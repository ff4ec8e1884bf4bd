import test from 'ava'
import { InvalidOptionError } from '../../../runtime/errors/invalid-option-error.ts'
import { console as consoleSink } from '../../../components/sinks/console.ts'
import { sinkContext } from '../../fixtures/components/contexts.ts'

/** Calls `fn` with process.stdout.write captured (synchronously, so nothing else is caught). */
function captureStdout(fn: () => unknown): string[] {
  const writes: string[] = []
  const original = process.stdout.write
  process.stdout.write = ((chunk: string) => { writes.push(chunk); return true }) as typeof process.stdout.write
  try {
    fn()
  } finally {
    process.stdout.write = original
  }
  return writes
}

test('each batch is printed with one write, one JSON line per record', async (t) => {
  const writer = await consoleSink().open(sinkContext())
  const writes = captureStdout(() => {
    writer.write([{ a: 1 }, 'x'])
    writer.write([])
    writer.write([2])
  })
  t.deepEqual(writes, ['{"a":1}\n"x"\n', '2\n'])
})

test('format turns each record into its line', async (t) => {
  const writer = await consoleSink<number>({ format: (n) => `n=${n}` }).open(sinkContext())
  t.deepEqual(captureStdout(() => writer.write([1, 2])), ['n=1\nn=2\n'])
})

test('a format that is not a function is refused up front', (t) => {
  const e = t.throws(() => consoleSink({ format: 'json' as unknown as () => string }), { instanceOf: InvalidOptionError })
  t.is(e!.message, 'console: options.format must be a function (record) => string (got "json")')
})
