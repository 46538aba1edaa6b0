// Run by scripts/build.sh after wasm-opt: gives the wasm's imports and exports one- and
// two-letter names, in the .wasm and in the glue, which is the only code that uses them.
//
// wasm-bindgen names each import after what it binds plus a 16-digit hash
// (`__wbg_instanceof_Float64Array_4acace5b49aaf791`) from the module "./memory_player_bg.js",
// and each export after its class and method: some 150 names that appear in the .wasm and
// again in the glue, where gzip cannot share them, and whose hashes do not compress at all.
// Shortened, they cost 2.3 KB less gzipped in the .wasm and 1.2 KB less in the glue.
//
// Kept: the export `memory` (init() returns the exports, and js/web.d.ts promises
// `InitOutput.memory`), and the names imported from the inline_js snippets (the snippet
// modules export those names; only their module's name is shortened).
//
// usage: node scripts/short-names.mjs pkg/web/memory_player_bg.wasm pkg/web/memory_player.js
import { readFileSync, writeFileSync } from "node:fs";

const [wasmFile, glueFile] = process.argv.slice(2);
if (!wasmFile || !glueFile) throw new Error("usage: short-names.mjs <wasm> <glue.js>");
const KEEP_EXPORTS = new Set(["memory"]);
const GLUE_MODULE = "./memory_player_bg.js";

const wasm = readFileSync(wasmFile);
let glue = readFileSync(glueFile, "utf8");

// --- the binary: sections, LEB128 and names --------------------------------------------------
let at = 0;
const byte = () => wasm[at++];
function uleb() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = byte();
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return result;
  }
}
function name() {
  const length = uleb();
  const text = wasm.subarray(at, at + length).toString("utf8");
  at += length;
  return text;
}
function limits() {
  const flags = byte();
  uleb();
  if (flags & 1) uleb();
}
const encodeUleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
};
const encodeName = (text) => {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([encodeUleb(bytes.length), bytes]);
};

// Short names: a..z, A..Z, then two characters; never a JS keyword (they are property names
// in the glue, where keywords would be valid, but plain names are easier to read in a trace).
function* shortNames() {
  const first = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const next = first + "0123456789";
  for (const a of first) yield a;
  for (const a of first) for (const b of next) if (!["do", "if", "in"].includes(a + b)) yield a + b;
}

if (wasm.readUInt32LE(0) !== 0x6d736100 || wasm.readUInt32LE(4) !== 1) throw new Error(`${wasmFile} is not a wasm module`);
at = 8;
const parts = [wasm.subarray(0, 8)];
const renamed = { modules: new Map(), imports: new Map(), exports: new Map() };
while (at < wasm.length) {
  const start = at;
  const id = byte();
  const size = uleb();
  const end = at + size;
  if (id === 2) {
    // imports: (module, name, description)*
    const modules = shortNames();
    const names = shortNames();
    const count = uleb();
    const out = [encodeUleb(count)];
    for (let i = 0; i < count; i++) {
      const module = name();
      const field = name();
      const descStart = at;
      const kind = byte();
      if (kind === 0x00) uleb(); // a function: its type
      else if (kind === 0x01) (byte(), limits()); // a table: reference type, limits
      else if (kind === 0x02) limits(); // a memory
      else if (kind === 0x03) (byte(), byte()); // a global: value type, mutability
      else throw new Error(`import ${module}.${field}: unknown kind ${kind}`);
      if (!renamed.modules.has(module)) renamed.modules.set(module, modules.next().value);
      let short = field;
      if (module === GLUE_MODULE) {
        short = names.next().value;
        if (renamed.imports.has(field)) throw new Error(`import ${field} twice`);
        renamed.imports.set(field, short);
      }
      out.push(encodeName(renamed.modules.get(module)), encodeName(short), wasm.subarray(descStart, at));
    }
    if (at !== end) throw new Error("import section: size mismatch");
    const body = Buffer.concat(out);
    parts.push(Buffer.from([id]), encodeUleb(body.length), body);
  } else if (id === 7) {
    // exports: (name, kind, index)*
    const names = shortNames();
    const count = uleb();
    const out = [encodeUleb(count)];
    for (let i = 0; i < count; i++) {
      const field = name();
      const descStart = at;
      byte();
      uleb();
      let short = field;
      if (!KEEP_EXPORTS.has(field)) {
        do short = names.next().value;
        while (KEEP_EXPORTS.has(short));
        renamed.exports.set(field, short);
      }
      out.push(encodeName(short), wasm.subarray(descStart, at));
    }
    if (at !== end) throw new Error("export section: size mismatch");
    const body = Buffer.concat(out);
    parts.push(Buffer.from([id]), encodeUleb(body.length), body);
  } else {
    parts.push(wasm.subarray(start, end));
  }
  at = end;
}

// --- the glue ----------------------------------------------------------------------------------
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function replace(pattern, by, what, { once = false } = {}) {
  let count = 0;
  glue = glue.replace(pattern, (...match) => {
    count++;
    return by(...match);
  });
  if (count === 0 || (once && count !== 1)) {
    throw new Error(`${glueFile}: ${what} found ${count} times; has wasm-bindgen's glue changed?`);
  }
}
for (const [module, short] of renamed.modules) {
  replace(new RegExp(`"${escape(module)}":`, "g"), () => `"${short}":`, `the import module "${module}"`);
}
for (const [field, short] of renamed.imports) {
  replace(new RegExp(`^(\\s+)${escape(field)}: function\\b`, "m"), (_, space) => `${space}${short}: function`,
    `the import ${field}`, { once: true });
}
for (const [field, short] of renamed.exports) {
  // Not every export is called from the glue (wasm-bindgen exports some for itself).
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(field)}\\b`, "g"), `wasm.${short}`);
}
// Every use of an export in the glue must now be by a new name.
const shortExports = new Set([...renamed.exports.values(), ...KEEP_EXPORTS]);
for (const [, used] of glue.matchAll(/\bwasm\.([\w$]+)/g)) {
  if (!shortExports.has(used)) throw new Error(`${glueFile}: wasm.${used} is not an export of ${wasmFile}`);
}
for (const field of renamed.imports.keys()) {
  if (glue.includes(field)) throw new Error(`${glueFile}: still mentions the import ${field}`);
}

writeFileSync(wasmFile, Buffer.concat(parts));
writeFileSync(glueFile, glue);
console.error(
  `[build] short names: ${renamed.imports.size} imports, ${renamed.exports.size} exports, ` +
    `${renamed.modules.size} modules; wasm ${wasm.length} -> ${Buffer.concat(parts).length} bytes`,
);
