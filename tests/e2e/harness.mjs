// The browser side of the profile tests and of bench/profile.mjs: the repository's package
// served on loopback under /memory-player/ (js/ and pkg/web/, as an app would host it) next
// to the fixture pages (and www/, for its PRNG), and headless Chromium with a user-data directory on disk, so that
// IndexedDB writes go to disk as in a real browser, and a browser closed and launched again
// finds them.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, recordConsole, serve } from "../support/browser.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Starts the server; `launch()` starts a Chromium on `dataDir` (one per call). */
export async function profileSite() {
  const server = await serve({
    "/": join(root, "tests/e2e/fixtures"),
    "/memory-player/js/": join(root, "js"),
    "/memory-player/pkg/web/": join(root, "pkg/web"),
    // The demo's seeded PRNG, which the fixture's helpers share.
    "/www/": join(root, "www"),
  });
  return {
    url: `${server.url}/profile.html`,
    close: () => server.close(),
    /** A browser on `dataDir` (a new temporary one by default). */
    async launch(dataDir = mkdtempSync(join(tmpdir(), "memory-player-profile-"))) {
      // The same browser and flags as every test, on a persistent profile.
      const context = await chromium.launchPersistentContext(dataDir, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      const logs = [];
      return {
        context,
        dataDir,
        logs,
        /** A new tab on the fixture page, once its module has loaded. */
        newPage: async (url = `${server.url}/profile.html`) => {
          const page = await context.newPage();
          const log = recordConsole(page);
          logs.push(log);
          page.log = log;
          await page.goto(url);
          await page.waitForFunction(() => document.documentElement.dataset.ready === "1", null, {
            timeout: 30_000,
          });
          return page;
        },
        /** Everything the pages printed, for a failing test's message. */
        printed: () => logs.flat().join("\n"),
        close: async ({ keepData = false } = {}) => {
          try {
            await context.close();
          } finally {
            if (!keepData) rmSync(dataDir, { recursive: true, force: true });
          }
        },
      };
    },
  };
}

/**
 * Registers the hooks of a profile test file (the site started before its tests, closed after
 * them) and returns `withBrowser(body, dataDir?)`: runs `body(browser)` on a browser launched
 * on `dataDir` (kept) or on a new temporary directory (deleted), closes it whatever happens (a
 * browser the test killed included), and on failure adds what the pages printed.
 */
export function profileSuite() {
  let site;
  before(async () => {
    assert.ok(existsSync(join(root, "pkg/web/memory_player_bg.wasm")), "pkg/web is missing: run `npm run build` first");
    site = await profileSite();
  });
  after(() => site?.close());

  return async function withBrowser(body, dataDir) {
    const browser = await site.launch(dataDir);
    try {
      return await body(browser);
    } catch (e) {
      e.message += `\n--- pages printed:\n${browser.printed()}`;
      throw e;
    } finally {
      await browser.close({ keepData: dataDir !== undefined }).catch(() => {});
    }
  };
}
