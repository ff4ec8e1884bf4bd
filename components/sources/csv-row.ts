const QUOTE = 0x22

/**
 * Splits one CSV line into fields, RFC 4180 style: a field that starts with `"` is quoted, may
 * hold the delimiter, and writes a quote as `""`; after its closing quote comes the delimiter or
 * the end of the line. A quoted field cannot span lines: an unclosed quote throws, so the row is
 * reported malformed. A `"` inside an unquoted field throws too (RFC 4180 forbids it): being
 * lenient there would read the second half of a quoted multi-line field as a row of its own.
 *
 * @example
 * parseCsvRow('a,"b,c","say ""hi"""', ',') // ['a', 'b,c', 'say "hi"']
 */
export function parseCsvRow(text: string, delimiter: string): string[] {
  // Most rows have no quote at all: split is several times faster than the scanner below.
  if (!text.includes('"')) return text.split(delimiter)
  const fields: string[] = []
  let i = 0
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) {
      const d = text.indexOf(delimiter, i)
      const fieldEnd = d === -1 ? text.length : d
      const q = text.indexOf('"', i)
      if (q !== -1 && q < fieldEnd) {
        throw new Error(`unexpected '"' inside unquoted column ${fields.length + 1}; quote the field and write the quote as ""`)
      }
      fields.push(text.slice(i, fieldEnd))
      if (d === -1) return fields
      i = d + 1
      continue
    }
    const column = fields.length + 1
    let value = ''
    let from = i + 1
    for (;;) {
      const q = text.indexOf('"', from)
      if (q === -1) {
        throw new Error(`unclosed quote in column ${column} (quoted fields cannot span lines)`)
      }
      if (text.charCodeAt(q + 1) === QUOTE) {
        value += text.slice(from, q + 1)
        from = q + 2
        continue
      }
      value += text.slice(from, q)
      i = q + 1
      break
    }
    fields.push(value)
    if (i === text.length) return fields
    if (text[i] !== delimiter) {
      throw new Error(`unexpected ${JSON.stringify(text[i])} after the closing quote of column ${column}; ` +
        'write a quote inside a quoted field as ""')
    }
    i++
  }
}
