// Prints what a web app downloads from the package (the wasm, the wasm-bindgen JS glue
// with its snippets, and the browser entry), raw and gzipped, writes it to
// pkg/size.json, and fails when the gzipped total is over budget.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const BUDGET_GZIP = 100 * 1024; // the limit: under 100 KB gzipped

// wasm-bindgen writes inline_js/module snippets here only when the crate has some.
const snippetDir = "pkg/web/snippets";
const snippets = (existsSync(snippetDir) ? readdirSync(snippetDir, { recursive: true, withFileTypes: true }) : [])
  .filter((e) => e.isFile() && e.name.endsWith(".js"))
  .map((e) => `${e.parentPath ?? e.path}/${e.name}`)
  .sort();
const files = [
  "pkg/web/memory_player_bg.wasm",
  "pkg/web/memory_player.js",
  ...snippets,
  "js/browser.js",
];

const report = { files: {}, totalRaw: 0, totalGzip: 0, budgetGzip: BUDGET_GZIP };
for (const file of files) {
  const bytes = readFileSync(file);
  const gzip = gzipSync(bytes, { level: 9 }).length;
  report.files[file] = { raw: bytes.length, gzip };
  report.totalRaw += bytes.length;
  report.totalGzip += gzip;
}
writeFileSync("pkg/size.json", JSON.stringify(report, null, 2) + "\n");

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
const width = Math.max(...files.map((f) => f.length));
console.log("size of what a web app downloads (gzip -9, each file on its own):");
for (const [name, { raw, gzip }] of Object.entries(report.files)) {
  console.log(`  ${name.padEnd(width)}  raw ${kb(raw)}   gzip ${kb(gzip)}`);
}
console.log(`  ${"total".padEnd(width)}  raw ${kb(report.totalRaw)}   gzip ${kb(report.totalGzip)}`);
if (report.totalGzip > BUDGET_GZIP) {
  console.error(`size: gzipped total ${report.totalGzip} B is over the ${BUDGET_GZIP} B budget`);
  process.exit(1);
}
