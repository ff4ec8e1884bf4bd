/**
 * The URL with what may be a secret replaced by `***`: the user-info part (`user:password@`, up
 * to the last '@' before the path, since passwords may hold an unescaped '@') and the values of
 * query parameters named like secrets (password, sslpassword, token, key, auth, secret). For
 * messages and `describe()`: the shared stores' URLs carry passwords.
 *
 * @example
 * maskCredentials('redis://u:secret@db:6379/0')                 // 'redis://***@db:6379/0'
 * maskCredentials('postgres://db/x?password=secret&sslmode=require') // 'postgres://db/x?password=***&sslmode=require'
 */
export function maskCredentials(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@')
    .replace(/([?&][^=&#]*(?:pass|secret|token|key|auth|cred)[^=&#]*=)[^&#]*/gi, '$1***')
}
