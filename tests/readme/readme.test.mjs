// The README's example runs as written: every ```js block is extracted and run with Node
// from inside the repository, where `import ... from "memory-player"` resolves to this
// package itself (package.json "exports"), i.e. the built release package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(new URL("README.md", `file://${root}`), "utf8");
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test("the README has a JavaScript example", () => {
  assert.ok(blocks.length >= 1);
});

blocks.forEach((code, i) => {
  test(`README example ${i + 1} runs and prints what it says`, () => {
    const file = `${root}.readme-example-${i}.mjs`;
    writeFileSync(file, code);
    try {
      const out = execFileSync(process.execPath, [file], { cwd: root, encoding: "utf8", timeout: 30_000 });
      // The example prints the explanation of the next pick: an array of candidates.
      assert.match(out, /probability/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
