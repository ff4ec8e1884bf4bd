import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'

/** Debian's chromium, which .ci/run installs when it is missing. */
export const CHROMIUM = '/usr/bin/chromium'

/** Why browser tests cannot run here, or undefined when they can (printed by the tests that skip). */
export const noChromium: string | undefined = existsSync(CHROMIUM) ? undefined
  : `${CHROMIUM} is missing (Debian's chromium package; .ci/run installs it with apt-get): the browser tests are skipped`

/** Where browser tests save screenshots: gitignored, kept after the run as test artifacts. */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url))

/**
 * Headless Chromium with the flags the issue names: no sandbox (containers), no GPU, and no
 * network of its own (no first-run, background, component-update or sync traffic).
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM, timeout: 30_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** The path for a screenshot named `name`, its folder made. */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true })
  return join(ARTIFACTS, name)
}
