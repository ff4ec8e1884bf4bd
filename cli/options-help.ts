import { optionUsage, type OptionDefinition } from './option-definition.ts'

/** Help lines are wrapped to this width. */
const WIDTH = 100

/**
 * The "Options:" table of a command's `--help`, from its definitions: one row per option, the
 * descriptions in one column (after the longest option), "(default …)" appended, wrapped at
 * 100 characters under the description column. Ends with a newline.
 *
 * @example
 * optionsHelp([{ name: 'workers', type: 'string', value: 'N', description: 'worker threads', default: '0' }])
 * // '  --workers N  worker threads (default 0)\n'
 */
export function optionsHelp(definitions: readonly OptionDefinition[]): string {
  const flags = definitions.map((d) => optionUsage(d, true))
  const column = 2 + Math.max(...flags.map((f) => f.length)) + 2
  return definitions.map((d, i) => {
    const text = d.default === undefined ? d.description : `${d.description} (default ${d.default})`
    const [first = '', ...rest] = wrap(text, WIDTH - column)
    return [`  ${flags[i]!.padEnd(column - 2)}${first}`, ...rest.map((line) => `${' '.repeat(column)}${line}`)].join('\n')
  }).join('\n') + '\n'
}

/** `text` in lines of at most `width` characters, broken at spaces (a longer word gets its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  lines.push(line)
  return lines
}
