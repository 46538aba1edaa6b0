// Shared by the demo's end-to-end tests (tests/e2e/demo*.test.mjs): the demo served by
// scripts/serve.mjs on a free port, Debian's Chromium driven by playwright-core (never a
// downloaded browser), and small helpers to read the page.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS as BASE_ARGS, CHROMIUM_PATH } from "../support/browser.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SCREENSHOT_DIR = fileURLToPath(new URL("./screenshots/", import.meta.url));
// The demo plays sound without a click in the tests.
export const CHROMIUM = CHROMIUM_PATH;
export const CHROMIUM_ARGS = [...BASE_ARGS, "--autoplay-policy=no-user-gesture-required"];

/** Fails early, with the fix, when the package has not been built. */
export function assertBuilt() {
  for (const f of ["pkg/web/memory_player.js", "pkg/web/memory_player_bg.wasm", "js/browser.js"]) {
    assert.ok(existsSync(`${ROOT}${f}`), `${f} is missing: build the package first (npm test does)`);
  }
}

/**
 * Registers the hooks of a test file: before its tests, the demo served and Chromium launched;
 * after them, both closed. Returns `{ url, open }` (`url` is set once the hooks have run).
 *
 * Each page opened gets a browser context of its own, so its IndexedDB starts empty: a fresh
 * listener. With `persistent`, the pages are tabs of one browser on a user-data directory of
 * its own (made for this run, deleted after it): they share IndexedDB, written to disk, as a
 * listener's tabs and reloads do.
 */
export function demoSite({ persistent = false } = {}) {
  const viewport = { width: 1440, height: 900 };
  const site = { url: undefined, open };
  let server;
  let browser;
  let dataDir;
  before(async () => {
    assertBuilt();
    ({ child: server, url: site.url } = await startServer());
    const options = { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true };
    if (persistent) {
      dataDir = mkdtempSync(join(tmpdir(), "memory-player-demo-"));
      browser = await chromium.launchPersistentContext(dataDir, { ...options, viewport });
    } else {
      browser = await chromium.launch(options);
    }
    await mkdir(SCREENSHOT_DIR, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Opens the demo at `path` (relative to its URL), with `init` run before the page's scripts;
   * records console errors, page errors and failed requests in `problems`. */
  async function open({ path = "", viewport: size = viewport, init } = {}) {
    const page = persistent ? await browser.newPage() : await browser.newPage({ viewport: size });
    if (init) await page.addInitScript(init);
    const problems = watch(page);
    await page.goto(new URL(path, site.url).href);
    await waitReady(page);
    return { page, problems };
  }
  return site;
}

/** Clicks Play on a page where nothing plays yet; resolves with the track that starts. */
export async function playFirst(page) {
  await page.click(tid("btn-play"));
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.id !== "", tid("now-playing"));
  return currentId(page);
}

/** Starts scripts/serve.mjs with PORT=0 and resolves with the URL it prints. */
export function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}scripts/serve.mjs`], {
      cwd: ROOT,
      env: { ...process.env, PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve.mjs printed no URL within 10 s:\n${out}`)), 10_000);
    const read = (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}/` });
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.mjs exited with ${code}:\n${out}`));
    });
  });
}

/** A short mono 16-bit PCM WAV: a 440 Hz tone of `seconds`. */
export function toneWav(seconds = 1.5, rate = 8000) {
  const samples = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write("RIFF", 0);
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write("WAVEfmt ", 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write("data", 36);
  buf.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return buf;
}

/** Records console errors, page errors, failed requests and HTTP errors of `page`. */
export function watch(page) {
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return problems;
}

/** Waits until the demo says it is ready. */
export async function waitReady(page) {
  await page.waitForSelector("[data-testid=status][data-state=ready]", { timeout: 15_000 });
}

export const tid = (id) => `[data-testid="${id}"]`;
export const currentId = async (page) => Number(await page.getAttribute(tid("now-playing"), "data-id"));
export const chipsOf = async (page, id) => (await page.locator(`${tid(id)} .chip`).allTextContents()).map(Number);

/** What the explain panel says it explains: the row (0: start), the repeat window, the policy. */
export async function explained(page) {
  return page.evaluate(() => {
    const get = (id, key) => document.querySelector(`[data-testid="${id}"]`)?.dataset[key];
    return { row: Number(get("explain-row", "row")), window: Number(get("explain-window", "window")), policy: get("explain-policy", "policy") };
  });
}

/** The build's edge to candidate `id` as the explain panel shows it: texts of its parts ("0" when absent). */
export async function edgeOf(page, id) {
  const cell = page.locator(`${tid("candidate-row")}[data-id="${id}"] td.edge`);
  await cell.waitFor();
  return cell.evaluate((td) => {
    const part = (k) => td.querySelector(`[data-part=${k}]`)?.textContent ?? "0";
    return { base: part("base"), bonus: part("bonus"), penalty: part("penalty"), cooldown: part("cooldown") };
  });
}

/** Waits until the playing track is not `id` any more, and returns the new one. */
export async function waitForChange(page, id) {
  await page.waitForFunction(
    ([sel, old]) => {
      const v = document.querySelector(sel)?.dataset.id;
      return v !== "" && v !== undefined && Number(v) !== old;
    },
    [tid("now-playing"), id],
    { timeout: 10_000 },
  );
  return currentId(page);
}

/** Waits until `data-state` of the element `id` is `state`. */
export async function waitForState(page, id, state, timeout = 10_000) {
  await page.waitForFunction(([sel, s]) => document.querySelector(sel)?.dataset.state === s, [tid(id), state], { timeout });
}

export async function assertNoErrorsShown(page, problems) {
  assert.deepEqual(problems, [], "no console errors, page errors or failed requests");
  assert.equal(await page.locator(tid("errors")).isHidden(), true, `the error panel stays hidden: ${await page.locator(tid("error-list")).textContent()}`);
}
