// The listener's own audio files: picked with a file input or dropped onto the page, added to the
// catalogue and linked into the engine's graph, then played with an <audio> element when picked.

const AUDIO_EXT = /\.(mp3|m4a|aac|ogg|oga|opus|wav|flac|webm)$/i;

export function isAudioFile(file) {
  return file.type.startsWith("audio/") || AUDIO_EXT.test(file.name);
}

/** Reads a file's duration through a throwaway <audio> element (rejects when it cannot be decoded). */
export function probeDuration(url) {
  return new Promise((resolve, reject) => {
    const probe = new Audio();
    probe.preload = "metadata";
    const done = () => {
      probe.removeAttribute("src");
      probe.load();
    };
    probe.addEventListener("loadedmetadata", () => {
      const d = probe.duration;
      done();
      if (Number.isFinite(d) && d > 0) resolve(d);
      else reject(new Error("the file reports no duration"));
    }, { once: true });
    probe.addEventListener("error", () => {
      done();
      reject(new Error("this browser cannot decode the file"));
    }, { once: true });
    probe.src = url;
  });
}

/** Calls `onFiles(files)` for files dropped anywhere on the page; shows `overlay` while dragging. */
export function enableDrop(target, overlay, onFiles) {
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes("Files");
  target.addEventListener("dragenter", (e) => {
    if (!hasFiles(e)) return;
    depth++;
    overlay.hidden = false;
  });
  target.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) overlay.hidden = true;
  });
  target.addEventListener("dragover", (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  target.addEventListener("drop", (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    onFiles([...e.dataTransfer.files]);
  });
}
