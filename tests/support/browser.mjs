// Helpers shared by the browser tests: a tiny static file server on loopback and a
// headless Chromium from Debian's package, driven by playwright-core (which never
// downloads a browser of its own when given executablePath).
import { createServer } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { chromium } from "playwright-core";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  // instantiateStreaming needs this exact type; without it the glue falls back to a
  // slower path and logs a warning.
  ".wasm": "application/wasm",
};

/**
 * Serves files on 127.0.0.1 at a free port. `mounts` maps a URL prefix to a directory,
 * longest prefix first, e.g. { "/": dist, "/node_modules/": modules }.
 * Resolves to { url, close() }.
 */
export async function serve(mounts) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path === "/favicon.ico") {
      res.writeHead(204).end(); // keeps Chromium's automatic request out of the error log
      return;
    }
    const prefix = prefixes.find((p) => path.startsWith(p));
    const root = prefix === undefined ? undefined : normalize(mounts[prefix]);
    let file = root && normalize(join(root, path.slice(prefix.length)));
    if (!file || (file !== root && !file.startsWith(root + sep))) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      statSync(file);
    } catch {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": MIME[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Debian's Chromium (never a downloaded browser), and the flags every test launches it
 * with: as root it needs --no-sandbox, and the network flags keep it from calling home on a
 * machine whose only network is the package registries. */
export const CHROMIUM_PATH = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Debian's Chromium, headless. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Records a page's console and errors, to print when a test fails. */
export function recordConsole(page) {
  const lines = [];
  page.on("console", (m) => lines.push(`[console.${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => lines.push(`[pageerror] ${e.stack ?? e}`));
  page.on("requestfailed", (r) => lines.push(`[requestfailed] ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => r.status() >= 400 && lines.push(`[http ${r.status()}] ${r.url()}`));
  return lines;
}
