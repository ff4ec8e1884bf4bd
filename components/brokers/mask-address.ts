/**
 * A broker address fit for messages: the password (or token) of a `scheme://user:pass@host`
 * URL is replaced by `***`.
 *
 * @example
 * maskCredentials('redis://app:secret@db:6379/0') // 'redis://app:***@db:6379/0'
 */
export function maskCredentials(address: string): string {
  return address.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/]*)(:[^@/]*)?@/i, (_, scheme: string, user: string, pass?: string) =>
    pass === undefined ? `${scheme}***@` : `${scheme}${user}:***@`)
}
