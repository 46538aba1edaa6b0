#!/usr/bin/env node
// Serves the demo: www/ at /, and the built package (js/ and pkg/web/) under /memory-player/,
// which www/index.html maps to the bare name "memory-player" with an import map.
// No dependencies: node:http only. Listens on 127.0.0.1, port $PORT or 8080; when that port is
// taken it tries the next ones and prints the URL it chose. PORT=0 lets the system choose.

import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const HOST = "127.0.0.1";
const PORT_TRIES = 20;

/** URL prefix -> folder. Only these folders are ever read. */
const MOUNTS = [
  { prefix: "/memory-player/js/", dir: join(ROOT, "js") },
  { prefix: "/memory-player/pkg/web/", dir: join(ROOT, "pkg", "web") },
  { prefix: "/", dir: join(ROOT, "www") },
];

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
};

/** The file a request path names, or null when it is outside every served folder. */
function fileFor(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes("\0") || path.includes("\\")) return null;
  const mount = MOUNTS.find((m) => path.startsWith(m.prefix));
  if (!mount) return null;
  const file = resolve(mount.dir, "." + sep + path.slice(mount.prefix.length));
  if (file !== mount.dir && !file.startsWith(mount.dir + sep)) return null;
  return file;
}

function send(res, status, text, head) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" });
  res.end(head ? undefined : `${status} ${text}\n`);
}

async function handle(req, res) {
  const head = req.method === "HEAD";
  if (req.method !== "GET" && !head) {
    res.setHeader("allow", "GET, HEAD");
    return send(res, 405, "method not allowed", head);
  }
  const urlPath = new URL(req.url ?? "/", "http://localhost").pathname;
  let file = fileFor(urlPath);
  if (!file) return send(res, 404, "not found", head);
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    if (!urlPath.endsWith("/")) {
      res.writeHead(301, { location: urlPath + "/" });
      return res.end();
    }
    file = join(file, "index.html");
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) {
    const hint = urlPath.startsWith("/memory-player/") ? " (is the package built? run: bash scripts/build.sh)" : "";
    return send(res, 404, `not found${hint}`, head);
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": info.size,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (head) return res.end();
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(err);
    if (!res.headersSent) send(res, 500, "internal error");
    else res.destroy();
  });
});

function listen(port, triesLeft) {
  server.once("error", (err) => {
    if (err.code === "EADDRINUSE" && port !== 0 && triesLeft > 1) {
      console.error(`port ${port} is busy, trying ${port + 1}`);
      listen(port + 1, triesLeft - 1);
    } else {
      console.error(`cannot listen on ${HOST}:${port}: ${err.message}`);
      process.exit(1);
    }
  });
  server.listen(port, HOST, () => {
    const { port: chosen } = server.address();
    console.log(`memory-player demo: http://localhost:${chosen}/ (serving on http://${HOST}:${chosen}/, Ctrl+C to stop)`);
  });
}

const requested = process.env.PORT === undefined || process.env.PORT === "" ? 8080 : Number(process.env.PORT);
if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
  console.error(`PORT must be an integer 0..65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}
listen(requested, PORT_TRIES);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
