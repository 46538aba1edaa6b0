// A heavy listener's Spotify "Extended streaming history", made up and seeded: `n` records over
// `tracks` tracks (URIs `spotify:track:<id>`), a third heard to the end and the rest skipped
// at 5 s or moved on from at 60 s, with a long pause now and then. Shared by the importer's
// tests in Node (tests/import) and in the browser (tests/e2e/fixtures/import.html).
export function spotifyHistory(n, tracks) {
  let seed = 7;
  const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
  const records = [];
  let t = Date.UTC(2014, 0, 1);
  for (let i = 0; i < n; i++) {
    const track = 1 + Math.floor(rnd() * tracks);
    const ms = [210_000, 60_000, 5_000][track % 3];
    t += rnd() < 0.05 ? 5 * 3_600_000 : ms + 1000;
    records.push({
      ts: new Date(t).toISOString().replace(/\.\d+Z$/, "Z"),
      ms_played: ms,
      spotify_track_uri: `spotify:track:${track}`,
      reason_end: track % 3 === 0 ? "trackdone" : "fwdbtn",
      skipped: track % 3 !== 0,
    });
  }
  return records;
}
