/**
 * `text` with the user-info part of every URL in it (`scheme://user:password@`) replaced by
 * `***@`, and secret-named query values by `***`. Error messages go into run records and
 * metrics, and a driver's message may quote the URL it was given.
 *
 * @example
 * scrubCredentials('connect redis://u:pw@db:6379 failed') // 'connect redis://***@db:6379 failed'
 */
export function scrubCredentials(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi, '$1***@')
    .replace(/([?&][^=&#\s]*(?:pass|secret|token|key|auth|cred)[^=&#\s]*=)[^&#\s]*/gi, '$1***')
}
