// The demo in real headless Firefox (Debian's firefox-esr), driven through geckodriver's WebDriver
// HTTP API with plain fetch: Play, Next, Skip and Back pick and show a track whether or not the
// browser can start sound, and when it cannot (on a machine with no audio output Firefox never
// settles AudioContext.resume()), the page says so. Not part of `npm test` (Firefox is not among
// what the set-up installs); skipped, with the reason, where Firefox or geckodriver is missing.
//
//   npm run test:firefox          (after bash scripts/build.sh)
//   FIREFOX=/path/to/firefox GECKODRIVER=/path/to/geckodriver npm run test:firefox

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { assertBuilt, startServer } from "../e2e/demo-support.mjs";

const tid = (id) => `[data-testid="${id}"]`;
/** The WebDriver spec's key for an element reference. */
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** The first of `names` found on PATH (or `extra` directories), else undefined. */
function which(names, extra = []) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...extra];
  for (const name of names) {
    for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const FIREFOX = process.env.FIREFOX ?? which(["firefox-esr", "firefox"]);
const GECKODRIVER = process.env.GECKODRIVER ?? which(["geckodriver"], [join(homedir(), ".cargo/bin")]);
const missing = [!FIREFOX && "firefox-esr (apt-get install firefox-esr)", !GECKODRIVER && "geckodriver (cargo install geckodriver --locked)"]
  .filter(Boolean);
const skip = missing.length > 0 ? `skipped: ${missing.join(" and ")} not found` : false;
if (skip) console.log(`tests/firefox: ${skip}`);

/** A free TCP port on loopback (geckodriver takes a port, not 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts geckodriver and resolves once it listens; returns { child, url }. */
async function startGeckodriver() {
  const port = await freePort();
  const child = spawn(GECKODRIVER, ["--host", "127.0.0.1", "--port", String(port), "--log", "warn"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 10_000; ) {
    if (child.exitCode !== null) throw new Error(`geckodriver exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/status`)).ok) return { child, url, output: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`geckodriver did not listen within 10 s:\n${out}`);
}

/** One WebDriver session: the few commands this test needs. */
class Session {
  static async create(driver, capabilities) {
    const { value } = await call("POST", `${driver}/session`, { capabilities: { alwaysMatch: capabilities } });
    return new Session(`${driver}/session/${value.sessionId}`, value.capabilities);
  }
  constructor(url, capabilities) {
    this.url = url;
    this.capabilities = capabilities;
  }
  go(url) {
    return call("POST", `${this.url}/url`, { url });
  }
  /** Runs `fn` (a function, sent as its source) in the page with `args`; returns its value. */
  async run(fn, ...args) {
    const { value } = await call("POST", `${this.url}/execute/sync`, { script: `return (${fn})(...arguments);`, args });
    return value;
  }
  async click(selector) {
    const { value } = await call("POST", `${this.url}/element`, { using: "css selector", value: selector });
    await call("POST", `${this.url}/element/${value[ELEMENT]}/click`, {});
  }
  /** Waits until `fn(...args)` in the page returns a truthy value; returns it. */
  async until(what, fn, args = [], timeout = 10_000) {
    const started = Date.now();
    for (;;) {
      const value = await this.run(fn, ...args);
      if (value) return value;
      if (Date.now() - started > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  close() {
    return call("DELETE", this.url);
  }
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`WebDriver ${method} ${url}: ${res.status} ${JSON.stringify(json.value ?? json)}`);
  return json;
}

// In the page: what a test reads.
const nowPlaying = (sel) => document.querySelector(sel)?.dataset.id ?? "";
/** The element's data-state when it is one of `states`, else "". */
const stateIn = (sel, states) => {
  const state = document.querySelector(sel)?.dataset.state;
  return states.includes(state) ? state : "";
};
const changedFrom = (sel, old) => {
  const v = document.querySelector(sel)?.dataset.id;
  return v !== "" && v !== undefined && Number(v) !== old ? Number(v) : 0;
};

let server;
let driver;
let session;
let profileDir;

before(async () => {
  if (skip) return;
  assertBuilt();
  server = await startServer();
  driver = await startGeckodriver();
  profileDir = mkdtempSync(join(tmpdir(), "memory-player-firefox-"));
  session = await Session.create(driver.url, {
    browserName: "firefox",
    "moz:firefoxOptions": {
      binary: FIREFOX,
      args: ["-headless", "-profile", profileDir],
      // Sound without a click of the listener's own, as the Chromium tests run it.
      prefs: { "media.autoplay.default": 0, "media.autoplay.blocking_policy": 0 },
    },
  });
});

after(async () => {
  await session?.close().catch(() => {});
  driver?.child.kill();
  server?.child.kill("SIGTERM");
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test("Firefox: Play, Next, Skip and Back pick at once, with or without sound, and the page says when sound cannot start", { skip }, async (t) => {
  const { browserName, browserVersion } = session.capabilities;
  t.diagnostic(`${browserName} ${browserVersion}, ${FIREFOX}, ${GECKODRIVER}`);
  await session.go(server.url);
  const status = await session.until("the demo to start", stateIn, [tid("status"), ["ready", "error"]], 20_000);
  assert.equal(status, "ready", await session.run((sel) => document.querySelector(sel).textContent, tid("status")));
  const errors = () => session.run((sel) => [...document.querySelectorAll(sel)].map((li) => li.textContent), `${tid("error-list")} li`);

  // Play: the pick is shown at once, whatever the sound does.
  await session.click(tid("btn-play"));
  const started = Date.now();
  await session.until("a track after Play", nowPlaying, [tid("now-playing")], 1000);
  const a = Number(await session.run(nowPlaying, tid("now-playing")));
  assert.ok(a >= 1 && a <= 30, `a generated track: ${a}`);
  t.diagnostic(`Play showed track ${a} after ${Date.now() - started} ms`);

  // Then either the sound runs, or the page says it cannot start (within its 1.5 s timeout).
  const sound = await session.until("the sound to start or to be reported unavailable", stateIn, [tid("sound-state"), ["on", "unavailable"]], 5000);
  // What the browser itself says: does a fresh AudioContext's resume() settle within 3 s?
  const probe = await session.run(async () => {
    const ctx = new AudioContext();
    const settled = await Promise.race([
      ctx.resume().then(() => "resolved", (e) => `rejected: ${e}`),
      new Promise((r) => setTimeout(() => r("never settled within 3 s"), 3000)),
    ]);
    const state = ctx.state;
    ctx.close().catch(() => {});
    return `resume() ${settled}, state ${state}`;
  });
  t.diagnostic(`sound: ${sound}; a fresh AudioContext: ${probe}`);
  if (sound === "unavailable") {
    const text = await session.run((sel) => document.querySelector(sel).textContent, tid("sound-state"));
    assert.match(text, /^Sound unavailable: .*Picks, skips and learning work without it/);
    assert.equal(await session.run((sel) => !document.querySelector(sel).hidden, tid("sound-state")), true, "the line is shown");
  }

  // Next, Skip and Back move at once too.
  await session.click(tid("btn-next"));
  const b = await session.until("a new track after Next", changedFrom, [tid("now-playing"), a], 2000);
  await session.click(tid("btn-skip"));
  const c = await session.until("a new track after Skip", changedFrom, [tid("now-playing"), b], 2000);
  const last = await session.run((sel) => document.querySelector(sel).textContent, tid("last-action"));
  assert.match(last, new RegExp(`^Skipped ${b} after \\d+\\.\\d s`));
  await session.click(tid("btn-back"));
  assert.equal(await session.until("the previous track after Back", changedFrom, [tid("now-playing"), c], 2000), b);
  // The keyboard too.
  await session.run(() => document.activeElement?.blur());
  await call("POST", `${session.url}/actions`, {
    actions: [{ type: "key", id: "keyboard", actions: [{ type: "keyDown", value: "n" }, { type: "keyUp", value: "n" }] }],
  });
  assert.equal(await session.until("the forward track after N", changedFrom, [tid("now-playing"), b], 2000), c);
  // Play again (a pause, or a new try at the sound): still the same track; without sound, the
  // page still says so and the player is not shown as playing.
  await session.click(tid("btn-play"));
  if (sound === "unavailable") {
    await session.until("the sound to be reported unavailable again", stateIn, [tid("sound-state"), ["unavailable"]], 5000);
    assert.equal(await session.run((sel) => document.querySelector(sel).getAttribute("aria-pressed"), tid("btn-play")), "false");
  } else {
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.equal(Number(await session.run(nowPlaying, tid("now-playing"))), c);
  assert.deepEqual(await errors(), [], "no error shown on the page");
});
