import { chromium, type Browser } from 'playwright-core';

/** The system Chromium the rendering tests lay pages out with (installed by .ci/install-services.sh). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * A headless Chromium for laying out a generated page: no sandbox (tests run as root in CI), and
 * nothing it would fetch or update on its own, so a page can only show what the report holds.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
