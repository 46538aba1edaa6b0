// The package as users get it, in every consumer the package promises to work in: `npm pack`
// the repository (after `npm run build`), install the tarball into a fresh project, and run
// the same small app (fixture/app.js: 20 tracks, 50 picks with feedback) from Node (ESM,
// CommonJS), Bun, Deno, TypeScript set-ups, and from pages, module workers and service
// workers built by webpack, esbuild, Rollup, Parcel and Vite with their defaults or served
// without a bundler, in headless Chromium (Debian's, through playwright-core). Every consumer
// must produce the picks Node ESM produced in the same run: no pick is written down here.
//
// The tools are the repository's own (package.json devDependencies, locked), run from its
// node_modules: one install shared by every case. The fresh project gets the tarball only,
// plus a link to @rollup/plugin-node-resolve, the one tool a consumer file imports. Builds
// run two at a time (two cores) while the browser checks what is built.
//
//   node --test tests/consumer/run.mjs        (KEEP_CONSUMER=1 keeps the temp project)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { launchChromium, recordConsole, serve } from "../support/browser.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixture = fileURLToPath(new URL("./fixture", import.meta.url));
const { EXPECTED_CHECKS, PICKS, TRACKS } = await import(new URL("./fixture/app.js", import.meta.url));
const bin = (name) => join(root, "node_modules/.bin", name);

// Bounds: generous for a loaded 2-core machine, but a hung tool fails the run, never stalls it.
const COMMAND_TIMEOUT_MS = 240_000;
const PAGE_TIMEOUT_MS = 60_000;

// Runs a command; on failure throws with its whole output, which node:test prints.
function run(cmd, args, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        cwd,
        maxBuffer: 64 << 20,
        timeout: COMMAND_TIMEOUT_MS,
        // Keep the outer `npm test`'s settings (npm_config_*, npm_package_*) away from the
        // consumer's tools: they must behave as in a fresh shell.
        env: {
          ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
          NO_COLOR: "1", // plain error text in test reports
          ...env,
        },
      },
      (error, stdout, stderr) => {
        if (error) {
          const why = error.killed ? `killed after ${COMMAND_TIMEOUT_MS / 1000} s` : `exit ${error.code}`;
          reject(new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed, ${why}:\n${stdout}\n${stderr}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

// The last line a command printed, as JSON: the app's result.
const lastJson = (stdout) => JSON.parse(stdout.trim().split("\n").pop());

// At most `limit` tasks at once; each call returns its task's promise.
function pool(limit) {
  let active = 0;
  const waiting = [];
  const next = () => {
    if (active >= limit || waiting.length === 0) return;
    active++;
    const { task, resolve, reject } = waiting.shift();
    task().then(resolve, reject).finally(() => {
      active--;
      next();
    });
  };
  return (task) =>
    new Promise((resolve, reject) => {
      waiting.push({ task, resolve, reject });
      next();
    });
}

let packed; // npm pack --json's report on the tarball
let work; // the temp dir: the tarball, app/ and build outputs outside it
let app; // the fresh consumer project (a copy of fixture/)
let browser;
let reference; // the app's result in Node ESM: every other consumer must match it
const builds = {}; // case name -> promise of its build
const sizes = {}; // case name -> what its pages downloaded

// TypeScript set-ups: every moduleResolution a project uses, with and without the DOM lib,
// none skipping library checks (the shipped .d.ts files are checked too).
const TS_SETUPS = [];
for (const resolution of ["bundler", "node16", "nodenext"]) {
  for (const dom of [true, false]) {
    TS_SETUPS.push({
      name: `${resolution}${dom ? "" : "-nodom"}`,
      compilerOptions: {
        target: "es2022",
        module: resolution === "bundler" ? "esnext" : resolution,
        moduleResolution: resolution,
        lib: dom ? ["es2022", "dom"] : ["es2022"],
        types: [],
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: ["typed.ts"],
    });
  }
}

// Every build of the matrix: the folder of the project it runs in and the command, with the
// tool's defaults. Slowest first, so that the pool stays busy.
const tsc = (config) => ({ dir: "ts", args: [process.execPath, bin("tsc"), "-p", config] });
const BUILDS = {
  parcel: { dir: "parcel", args: [bin("parcel"), "build", "index.html"] },
  webpack: { dir: "webpack", args: [bin("webpack-cli")] },
  vite: { dir: "vite", args: [bin("vite"), "build"] },
  "vite-fetch": { dir: "vite-fetch", args: [bin("vite"), "build"] },
  rollup: { dir: "rollup", args: [bin("rollup"), "-c"] },
  esbuild: { dir: "esbuild", args: [bin("esbuild"), "../page.js", "--bundle", "--outdir=dist"] },
  // Written outside the project, where no node_modules can be found: it must run alone.
  "esbuild-node": { dir: ".", args: [bin("esbuild"), "node.mjs", "--bundle", "--platform=node", "--outfile=../esbuild-node/app.cjs"] },
  sw: { dir: "sw", args: [bin("esbuild"), "sw.js", "--bundle", "--outfile=dist/sw.js"] },
  "ts-commonjs": tsc("tsconfig.cts.json"),
  "ts-esm": tsc("tsconfig.mts.json"),
  ...Object.fromEntries(TS_SETUPS.map(({ name }) => [`tsc-${name}`, tsc(`tsconfig.${name}.json`)])),
};

before(async () => {
  assert.ok(
    existsSync(join(root, "pkg/inline/memory_player.js")),
    "pkg/ is missing or stale: run `npm run build` first",
  );
  work = mkdtempSync(join(tmpdir(), "memory-player-consumer-"));
  app = join(work, "app");
  cpSync(fixture, app, { recursive: true });

  [packed] = JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", work], root));
  await run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", join(work, packed.filename)],
    app,
  );
  const plugin = join(app, "node_modules/@rollup/plugin-node-resolve");
  mkdirSync(dirname(plugin), { recursive: true });
  symlinkSync(join(root, "node_modules/@rollup/plugin-node-resolve"), plugin, "dir");

  for (const { name, compilerOptions, files } of TS_SETUPS) {
    writeFileSync(join(app, "ts", `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }, null, 2));
  }
  // Compiled and run: a .cts under node16 (CommonJS) and a .mts under nodenext (ESM).
  for (const [kind, module, file] of [["cts", "node16", "main.cts"], ["mts", "nodenext", "main.mts"]]) {
    writeFileSync(
      join(app, "ts", `tsconfig.${kind}.json`),
      JSON.stringify({
        compilerOptions: {
          target: "es2022", module, moduleResolution: module, lib: ["es2022"], types: [],
          strict: true, skipLibCheck: false,
        },
        files: [file],
      }, null, 2),
    );
  }

  // The reference, before anything competes for the cores. Its failure is the Node ESM
  // test's; the other tests then fail for want of a reference, while still running.
  reference = await run(process.execPath, ["node.mjs"], app).then(lastJson, (e) => e);

  const limit = pool(2);
  for (const [name, { dir, args: [cmd, ...args] }] of Object.entries(BUILDS)) {
    builds[name] = limit(() => run(cmd, args, join(app, dir)));
    builds[name].catch(() => {}); // reported by the test that awaits it
  }
  browser = await launchChromium();
});

after(async () => {
  // Let running builds finish (or time out) before their directory goes away.
  await Promise.allSettled(Object.values(builds));
  await browser?.close();
  if (Object.keys(sizes).length > 0) {
    console.log("what each page downloaded (JS and wasm, raw / gzip -9):");
    for (const [name, files] of Object.entries(sizes)) {
      const total = files.reduce((s, f) => ({ raw: s.raw + f.raw, gzip: s.gzip + f.gzip }), { raw: 0, gzip: 0 });
      console.log(`  ${name}: ${kb(total.raw)} / ${kb(total.gzip)}  (${files.map((f) => `${f.path} ${kb(f.raw)} / ${kb(f.gzip)}`).join(", ")})`);
    }
  }
  if (work && !process.env.KEEP_CONSUMER) rmSync(work, { recursive: true, force: true });
  else if (work) console.log(`kept the consumer project in ${work}`);
});

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

// The app's result is the reference's: same picks, same checks. The raw "memory-player/web"
// build has no IndexedDB profiles (they are installed by the entries): `profiles` is false.
function assertSameApp(result, where, { profiles = true } = {}) {
  if (reference instanceof Error) assert.fail(`no reference: Node ESM failed (${where} gave ${JSON.stringify(result)})`);
  const expected = { ...reference, checks: { ...reference.checks, profiles } };
  assert.deepEqual(result, expected, `${where}: not what Node ESM gave`);
}

// Opens a page, waits until it has reported every key in `keys` on <html data-*>, and returns
// the reports. A console error or warning, an uncaught error or a failed request fails the
// test. Records the size of every JS and wasm file the page and its workers downloaded.
async function reportsFrom(url, keys, sizeKey) {
  const page = await browser.newPage();
  const log = recordConsole(page);
  const downloads = [];
  page.on("response", async (response) => {
    const path = new URL(response.url()).pathname;
    if (!/\.(m?js|wasm)$/.test(path) || response.status() !== 200) return;
    try {
      const body = await response.body();
      downloads.push({ path, raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
    } catch {
      // a worker's response may not keep its body; its size is then not recorded
    }
  });
  try {
    await page.goto(url);
    await page.waitForFunction(
      (ks) => ks.every((k) => document.documentElement.dataset[k] !== undefined),
      keys,
      { timeout: PAGE_TIMEOUT_MS, polling: 100 },
    );
    const data = await page.evaluate(() => ({ ...document.documentElement.dataset }));
    const problems = log.filter((line) => !/^\[console\.(log|info|debug)\]/.test(line));
    assert.deepEqual(problems, [], "the page logged errors or warnings");
    if (sizeKey) sizes[sizeKey] = downloads.filter((d) => !d.path.endsWith("/app.js"));
    return Object.fromEntries(keys.map((k) => [k, JSON.parse(data[k])]));
  } catch (e) {
    let reported = "";
    try {
      reported = JSON.stringify(await page.evaluate(() => ({ ...document.documentElement.dataset })));
    } catch {}
    throw new Error(`${url}: ${e.message}\nreported: ${reported}\n${log.join("\n")}`);
  } finally {
    await page.close();
  }
}

// Serves `dir` (with the project's node_modules beside it), checks every report of `page`.
async function checkPages(dir, pages) {
  const server = await serve({ "/": dir });
  try {
    for (const { path, keys, sizeKey } of pages) {
      const reports = await reportsFrom(`${server.url}${path}`, keys, sizeKey);
      for (const key of keys) assertSameApp(reports[key], `${path} (${key})`);
    }
  } finally {
    await server.close();
  }
}

// A bundler's output must stand alone: no .wasm file for the page to fetch.
function assertNoWasmIn(dir) {
  const files = readdirSync(dir, { recursive: true }).map(String);
  assert.deepEqual(files.filter((f) => f.endsWith(".wasm")), [], `${dir} holds a .wasm: the bundle is not self-contained`);
}

test("the tarball holds the built package and nothing else", () => {
  const paths = packed.files.map((f) => f.path);
  for (const wanted of ["package.json", "js/browser.js", "js/profile.js", "js/index.d.ts", "pkg/types/index.d.cts",
    "js/web.d.ts", "pkg/inline/memory_player.js", "pkg/inline/memory_player.cjs", "pkg/types/memory_player.d.ts",
    "pkg/types/memory_player.d.cts", "pkg/types/web.d.ts", "pkg/import/import.d.cts", "pkg/web/memory_player.js", "pkg/web/memory_player_bg.wasm"]) {
    assert.ok(paths.includes(wanted), `${wanted} is not in the tarball`);
  }
  const allowed = /^(package\.json|README\.md|LICENSE(\.md)?|js\/(browser|profile|profile-files|import)\.js|js\/[^/]+\.d\.c?ts|pkg\/size\.json|pkg\/inline\/memory_player\.c?js|pkg\/import\/import\.(cjs|d\.cts)|pkg\/types\/[^/]+\.d\.c?ts|pkg\/web\/[^/]+\.(js|d\.ts|wasm))$/;
  const stray = paths.filter((p) => !allowed.test(p));
  assert.deepEqual(stray, [], "files that should not ship");
});

test("Node ESM: import * from \"memory-player\", no init() (the reference)", () => {
  if (reference instanceof Error) throw reference;
  assert.deepEqual(reference.checks, EXPECTED_CHECKS);
  assert.equal(reference.picks.length, PICKS);
  for (const id of reference.picks) assert.ok(Number.isInteger(id) && id >= 1 && id <= TRACKS, `pick ${id}`);
});

test("\"memory-player/import\" in Node ESM, CommonJS and Bun", async () => {
  const { IMPORTED } = await import(new URL("./fixture/history.js", import.meta.url));
  for (const [cmd, file] of [[process.execPath, "import.mjs"], [process.execPath, "import.cjs"], [bin("bun"), "import.mjs"]]) {
    assert.deepEqual(lastJson(await run(cmd, [file], app)), IMPORTED, `${cmd} ${file}`);
  }
});

test("Node CommonJS: require(\"memory-player\")", async () => {
  assertSameApp(lastJson(await run(process.execPath, ["node.cjs"], app)), "node.cjs");
});

test("esbuild --bundle --platform=node: the bundle runs on its own", async () => {
  await builds["esbuild-node"];
  assertSameApp(lastJson(await run(process.execPath, ["app.cjs"], join(work, "esbuild-node"))), "esbuild node bundle");
});

test("Bun: the same ESM and CommonJS files", async () => {
  assertSameApp(lastJson(await run(bin("bun"), ["node.mjs"], app)), "bun node.mjs");
  assertSameApp(lastJson(await run(bin("bun"), ["node.cjs"], app)), "bun node.cjs");
});

test("Deno: the same ESM file, no permissions", async () => {
  assertSameApp(lastJson(await run(bin("deno"), ["run", "node.mjs"], app, { DENO_NO_UPDATE_CHECK: "1" })), "deno");
});

test("TypeScript: skipLibCheck false, bundler/node16/nodenext, with and without the DOM lib", async (t) => {
  for (const { name } of TS_SETUPS) {
    await t.test(name, async () => {
      await builds[`tsc-${name}`];
    });
  }
});

test("TypeScript: a .cts file under node16 (CommonJS) and a .mts under nodenext, compiled and run", async () => {
  await builds["ts-commonjs"];
  assertSameApp(lastJson(await run(process.execPath, ["main.cjs"], join(app, "ts"))), "main.cts");
  await builds["ts-esm"];
  assertSameApp(lastJson(await run(process.execPath, ["main.mjs"], join(app, "ts"))), "main.mts");
});

// The bundled pages: each build's output holds no .wasm, and its pages give the reference's
// result. `served`: the folder served at "/"; `dist`: where the build writes.
for (const { build, title, served, dist, keys } of [
  { build: "webpack", title: "webpack 5, no config: page and module worker", served: "webpack", dist: "webpack/dist", keys: ["page", "worker"] },
  { build: "esbuild", title: "esbuild --bundle: page", served: "esbuild", dist: "esbuild/dist", keys: ["page"] },
  { build: "rollup", title: "Rollup 4 with only node-resolve: page", served: "rollup", dist: "rollup/dist", keys: ["page"] },
  // Parcel writes to dist/ at the project's root (where package.json is), not beside index.html.
  { build: "parcel", title: "Parcel 2, no config: page and module worker", served: "dist", dist: "dist", keys: ["page", "worker"] },
  { build: "vite", title: "Vite, no config: page and module worker (default worker format)", served: "vite/dist", dist: "vite/dist", keys: ["page", "worker"] },
]) {
  test(`${title}, in Chromium`, async () => {
    await builds[build];
    assertNoWasmIn(join(app, dist));
    await checkPages(join(app, served), [{ path: "/", keys, sizeKey: build }]);
  });
}

test("Vite, no config: \"memory-player/fetch\" (the .wasm fetched, top-level await), in Chromium", async () => {
  await builds["vite-fetch"];
  await checkPages(join(app, "vite-fetch/dist"), [{ path: "/", keys: ["page"], sizeKey: "vite + fetch" }]);
});

test("no bundler, in Chromium", async (t) => {
  const server = await serve({ "/": app });
  try {
    const check = async (path, keys, sizeKey, options) => {
      const reports = await reportsFrom(`${server.url}${path}`, keys, sizeKey);
      for (const key of keys) assertSameApp(reports[key], `${path} (${key})`, options);
    };
    await t.test("import map to the default entry; a module worker answering at once", () =>
      check("/plain/", ["page", "worker"], "import map"));
    await t.test("\"memory-player/web\" and await init()", () => check("/plain/web.html", ["page"], "web + init()", { profiles: false }));
    await t.test("\"memory-player/fetch\" through an import map", () => check("/plain/fetch.html", ["page"], "fetch"));
    await builds.sw;
    const sw = readFileSync(join(app, "sw/dist/sw.js"));
    sizes["service worker (esbuild)"] = [{ path: "/sw/dist/sw.js", raw: sw.length, gzip: gzipSync(sw, { level: 9 }).length }];
    await t.test("service workers: bundled by esbuild, and a module one without a bundler", () =>
      check("/sw/", ["bundled", "module"]));
  } finally {
    await server.close();
  }
});
