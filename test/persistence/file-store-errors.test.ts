import test from 'ava'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isStoreIoError, StoreIoError } from '../../persistence/stores/store-io-error.ts'
import { FileStore } from '../../persistence/stores/file-store.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

async function tempDir(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oxiflow-file-store-errors-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'store')
}

test('put_whenTheDataDirectoryIsAFile_StoreIoErrorNamesStoreOperationKeyErrnoAndFix', async (t) => {
  const dir = await tempDir(t)
  const store = new FileStore(dir)
  await rm(join(dir, 'data'), { recursive: true })
  await writeFile(join(dir, 'data'), 'not a directory') // the layout changed by hand
  const error = await t.throwsAsync(store.put('pipelines/p/run', new Uint8Array([1])), { instanceOf: StoreIoError })
  t.is(error!.code, 'ERR_STORE_UNAVAILABLE')
  t.is(error!.operation, "put('pipelines/p/run')")
  t.true(['ENOTDIR', 'EEXIST'].includes(error!.errno), error!.errno)
  t.regex(error!.message, new RegExp(`^store '${dir}' failed put\\('pipelines/p/run'\\): E[A-Z]+ \\(.+\\) on ${dir}/data.* — something in ${dir} ` +
    'that should be a directory is a file: the store\'s layout was changed by hand; move it away$'))
  t.truthy((error!.cause as NodeJS.ErrnoException).code)
})

test('compareAndSet_whenTheRecordsDirectoryIsAFile_StoreIoErrorNamesTheRecordKey', async (t) => {
  const dir = await tempDir(t)
  const store = new FileStore(dir)
  await rm(join(dir, 'records'), { recursive: true })
  await writeFile(join(dir, 'records'), 'not a directory')
  const error = await t.throwsAsync(store.compareAndSet('pipelines/p/run', 0, { n: 1 }), { instanceOf: StoreIoError })
  t.is(error!.operation, "compareAndSet('pipelines/p/run')")
})

test('put_overTheFileSizeLimit_StoreIoErrorEFBIGSaysWhatToDo', async (t) => {
  // A real failing write: the child runs under `ulimit -f 8` (8 blocks), as a full disk would fail it.
  t.timeout(30_000)
  const dir = await tempDir(t)
  const script = `import { FileStore } from ${JSON.stringify(join(repoRoot, 'persistence/stores/file-store.ts'))}
    try { await new FileStore(${JSON.stringify(dir)}).put('big', new Uint8Array(1 << 20)); console.log('{}') }
    catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, errno: e.errno, message: e.message })) }`
  const out = await new Promise<string>((resolve, reject) => execFile('bash', ['-c', `ulimit -f 8; exec "${process.execPath}" --import tsx --input-type=module -e "$0"`, script],
    { cwd: repoRoot }, (e, stdout, stderr) => e ? reject(new Error(`${e.message}: ${stderr}`)) : resolve(stdout)))
  const error = JSON.parse(out) as { name: string; code: string; errno: string; message: string }
  t.is(error.name, 'StoreIoError')
  t.is(error.code, 'ERR_STORE_UNAVAILABLE')
  t.is(error.errno, 'EFBIG')
  t.true(error.message.startsWith(`store '${dir}' failed put('big'): EFBIG (file too large) — a file size limit stopped the write`), error.message)
})

test('isStoreIoError_tellsItApart', (t) => {
  t.true(isStoreIoError(new StoreIoError('/s', 'get(\'k\')', 'EIO', undefined, 'i/o error', 'check the disk')))
  t.false(isStoreIoError(new Error('EIO')))
})
