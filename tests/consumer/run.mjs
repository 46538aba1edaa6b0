// The package as a user gets it: `npm pack` the repository (after `npm run build`),
// install the tarball into a fresh project, then use it from Node, from TypeScript, from
// Vite-built pages and a module worker, and from plain pages without a bundler, the
// pages loaded in headless Chromium (Debian's, through playwright-core).
//
//   node --test tests/consumer/run.mjs        (KEEP_CONSUMER=1 keeps the temp project)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { launchChromium, recordConsole, serve } from "../support/browser.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixture = fileURLToPath(new URL("./fixture", import.meta.url));
const { EXPECTED } = await import(new URL("./fixture/exercise.js", import.meta.url));

// Runs a command, and on failure throws with its whole output, which node:test prints.
async function run(cmd, args, cwd) {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, {
      cwd,
      maxBuffer: 64 << 20,
      // Keep the outer `npm test`'s settings (npm_config_*, npm_package_*) away from
      // the consumer's npm: it must behave as in a fresh shell.
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
        NO_COLOR: "1", // plain error text in test reports
      },
    });
    return stdout;
  } catch (e) {
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${e.stdout}\n${e.stderr}`);
  }
}

let packed; // npm pack --json's report on the tarball
let work; // the temp dir: the tarball and app/
let app; // the fresh consumer project
let browser;

before(async () => {
  assert.ok(
    existsSync(join(root, "pkg/web/memory_player_bg.wasm")),
    "pkg/web is missing: run `npm run build` first",
  );
  work = mkdtempSync(join(tmpdir(), "memory-player-consumer-"));
  app = join(work, "app");
  cpSync(fixture, app, { recursive: true });

  [packed] = JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", work], root));
  // Vite at the version the repository locks, so npm finds it in its cache (offline-friendly).
  const vite = JSON.parse(readFileSync(join(root, "node_modules/vite/package.json"), "utf8")).version;
  await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error",
      join(work, packed.filename), `vite@${vite}`],
    app,
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (work && !process.env.KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
  else if (work) console.log(`kept the consumer project in ${work}`);
});

// Opens a page, waits until it has reported every key in `keys` on <html data-*>, and
// returns the reports. A console error or warning, an uncaught error or a failed request
// fails the test (wasm-bindgen warns, for example, when the .wasm is served without the
// application/wasm type, or when init() is called the deprecated way).
async function reportsFrom(url, keys) {
  const page = await browser.newPage();
  const log = recordConsole(page);
  try {
    await page.goto(url);
    await page.waitForFunction(
      (ks) => ks.every((k) => document.documentElement.dataset[k] !== undefined),
      keys,
      { timeout: 30_000 },
    );
    const data = await page.evaluate(() => ({ ...document.documentElement.dataset }));
    const problems = log.filter((line) => !/^\[console\.(log|info|debug)\]/.test(line));
    assert.deepEqual(problems, [], "the page logged errors or warnings");
    return Object.fromEntries(keys.map((k) => [k, JSON.parse(data[k])]));
  } catch (e) {
    throw new Error(`${url}: ${e.message}\n${log.join("\n")}`);
  } finally {
    await page.close();
  }
}

test("the tarball holds the built package and nothing else", () => {
  const paths = packed.files.map((f) => f.path);
  for (const wanted of ["package.json", "js/node.js", "js/browser.js", "js/index.d.ts", "js/web.d.ts",
    "pkg/web/memory_player.js", "pkg/web/memory_player.d.ts", "pkg/web/memory_player_bg.wasm"]) {
    assert.ok(paths.includes(wanted), `${wanted} is not in the tarball`);
  }
  const allowed = /^(package\.json|README\.md|LICENSE(\.md)?|js\/[^/]+|pkg\/size\.json|pkg\/web\/[^/]+\.(js|d\.ts|wasm)|pkg\/web\/snippets\/.+)$/;
  const stray = paths.filter((p) => !allowed.test(p));
  assert.deepEqual(stray, [], "files that should not ship");
});

test("Node ESM: import { Orchestrator } from \"memory-player\" with no init()", async () => {
  const out = await run(process.execPath, ["node-check.mjs"], app);
  assert.deepEqual(JSON.parse(out.trim().split("\n").pop()), EXPECTED);
});

test("TypeScript: the installed package's declarations check (tsc --noEmit)", async () => {
  await run(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], app);
});

test("Vite build, page without any config, in Chromium", async () => {
  await run(process.execPath, [join(app, "node_modules/vite/bin/vite.js"), "build"], join(app, "page-only"));
  const server = await serve({ "/": join(app, "page-only/dist") });
  try {
    assert.deepEqual(await reportsFrom(`${server.url}/`, ["page"]), { page: EXPECTED });
  } finally {
    await server.close();
  }
});

test("Vite build, page and module worker (worker.format \"es\"), in Chromium", async () => {
  await run(process.execPath, [join(app, "node_modules/vite/bin/vite.js"), "build"], app);
  const server = await serve({ "/": join(app, "dist") });
  try {
    assert.deepEqual(await reportsFrom(`${server.url}/`, ["page", "worker"]), {
      page: EXPECTED,
      worker: EXPECTED,
    });
  } finally {
    await server.close();
  }
});

test("plain pages without a bundler, in Chromium", async (t) => {
  const server = await serve({ "/": app });
  try {
    await t.test("\"memory-player/web\" and await init()", async () => {
      assert.deepEqual(await reportsFrom(`${server.url}/plain.html`, ["page"]), { page: EXPECTED });
    });
    await t.test("the default entry through an import map, no init()", async () => {
      assert.deepEqual(await reportsFrom(`${server.url}/plain-entry.html`, ["page"]), { page: EXPECTED });
    });
  } finally {
    await server.close();
  }
});
