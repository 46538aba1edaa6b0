// The longest files and functions of src/, for the limits the code keeps (no file over about
// 400 lines, no function over about 60) and the table in ARCHITECTURE.md.
//
// A file counts every line, its unit tests included. A function counts from the line of its
// `fn` to the line of its closing brace (doc comments and attributes above it not counted;
// unit tests and functions nested in others counted as functions of their own). The scan
// matches braces after blanking comments, strings (raw ones too) and char literals; it does not
// parse Rust, so a `fn` written by a macro from a `$name` is not seen.
//
// usage: node scripts/lengths.mjs [how many functions to list, default 15]
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const TOP = Number(process.argv[2] ?? 15);

/** Every .rs file below `dir`. */
function rustFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return rustFiles(path);
    return e.name.endsWith(".rs") ? [path] : [];
  });
}

/** `src` with comments and the insides of strings and char literals blanked, lines kept. */
function blank(src) {
  const keepLines = (s) => s.replace(/[^\n]/g, " ");
  let out = "";
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i, i + 64);
    const before = i > 0 ? src[i - 1] : " ";
    if (rest.startsWith("//")) {
      const end = src.indexOf("\n", i);
      const j = end < 0 ? src.length : end;
      out += keepLines(src.slice(i, j));
      i = j;
    } else if (rest.startsWith("/*")) {
      let depth = 0;
      let j = i;
      while (j < src.length) {
        if (src.startsWith("/*", j)) {
          depth += 1;
          j += 2;
        } else if (src.startsWith("*/", j)) {
          depth -= 1;
          j += 2;
          if (depth === 0) break;
        } else j += 1;
      }
      out += keepLines(src.slice(i, j));
      i = j;
    } else if (/^b?r#*"/.test(rest) && !/\w/.test(before)) {
      const [open, hashes] = /^b?r(#*)"/.exec(rest);
      const close = src.indexOf(`"${hashes}`, i + open.length);
      const j = close < 0 ? src.length : close + 1 + hashes.length;
      out += keepLines(src.slice(i, j));
      i = j;
    } else if (src[i] === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      out += `"${keepLines(src.slice(i + 1, j))}"`;
      i = j + 1;
    } else if (src[i] === "'") {
      // A char literal ('{', '\n', '\u{7b}'), not a lifetime ('a).
      const char = /^'(\\[^']*|[^\\'])'/.exec(rest);
      const n = char ? char[0].length : 1;
      out += char ? " ".repeat(n) : "'";
      i += n;
    } else {
      out += src[i];
      i += 1;
    }
  }
  return out;
}

/** The index of the brace that closes the one at `open`. */
function closing(s, open) {
  let depth = 0;
  for (let k = open; k < s.length; k++) {
    if (s[k] === "{") depth += 1;
    else if (s[k] === "}" && --depth === 0) return k;
  }
  return s.length - 1;
}

const files = [];
const fns = [];
for (const path of rustFiles(join(ROOT, "src"))) {
  const text = readFileSync(path, "utf8");
  const file = relative(ROOT, path);
  files.push({ lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0), file });
  const s = blank(text);
  const lineAt = (pos) => s.slice(0, pos).split("\n").length;
  // `impl` blocks, to name a method after its type.
  const impls = [];
  for (const m of s.matchAll(/\bimpl\b(?:<[^{]*?>)?\s+(?:[\w:<>, ']+\s+for\s+)?([\w:]+)/g)) {
    const open = s.indexOf("{", m.index + m[0].length);
    if (open >= 0) impls.push({ from: open, to: closing(s, open), name: m[1] });
  }
  for (const m of s.matchAll(/\bfn\s+(\w+)/g)) {
    // The body opens at the first `{` outside parentheses and brackets, unless a `;` ends a
    // declaration first.
    let depth = 0;
    let open = -1;
    for (let j = m.index + m[0].length; j < s.length; j++) {
      const c = s[j];
      if (c === "(" || c === "[") depth += 1;
      else if (c === ")" || c === "]") depth -= 1;
      else if (depth === 0 && c === ";") break;
      else if (depth === 0 && c === "{") {
        open = j;
        break;
      }
    }
    if (open < 0) continue;
    const owner = impls.filter((b) => b.from < m.index && m.index < b.to).pop();
    const name = owner ? `${owner.name}::${m[1]}` : m[1];
    const line = lineAt(m.index);
    fns.push({ lines: lineAt(closing(s, open)) - line + 1, at: `${file}:${line}`, name });
  }
}

files.sort((a, b) => b.lines - a.lines);
fns.sort((a, b) => b.lines - a.lines);
console.log(`files over 300 lines (of ${files.length}):`);
for (const f of files.filter((f) => f.lines > 300)) console.log(`${String(f.lines).padStart(6)}  ${f.file}`);
console.log(`the ${TOP} longest functions (of ${fns.length}):`);
for (const f of fns.slice(0, TOP)) console.log(`${String(f.lines).padStart(6)}  ${f.name}  (${f.at})`);
