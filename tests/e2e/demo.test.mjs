// End-to-end test of the demo (www/) in real headless Chromium: Debian's /usr/bin/chromium driven
// by playwright-core (never a downloaded browser). It serves the repo with scripts/serve.mjs on a
// free port, and assumes the package is built (npm test builds it first). The listener's memory
// across reloads (IndexedDB profile, Forget me, two tabs) is tested in demo-memory.test.mjs; the
// simulated listener's comparison and sound that cannot start, in demo-listener.test.mjs.
//
// Run alone: node --test tests/e2e/demo.test.mjs

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SCREENSHOT_DIR, demoSite, playFirst,
  tid, currentId, chipsOf, waitForChange, assertNoErrorsShown, toneWav, edgeOf, explained,
} from "./demo-support.mjs";

const SCREENSHOT = `${SCREENSHOT_DIR}demo.png`;
const PHONE_SCREENSHOT = `${SCREENSHOT_DIR}demo-phone.png`;

const site = demoSite();
const openDemo = (path = "", viewport = undefined) => site.open({ path, viewport });

test("serve.mjs: MIME types, and nothing outside the served folders", async () => {
  const get = (path) => fetch(new URL(path, site.url), { redirect: "manual" });
  assert.match((await get("/")).headers.get("content-type"), /^text\/html/);
  assert.match((await get("/main.js")).headers.get("content-type"), /^text\/javascript/);
  assert.match((await get("/memory-player/js/browser.js")).headers.get("content-type"), /^text\/javascript/);
  assert.equal((await get("/memory-player/pkg/web/memory_player_bg.wasm")).headers.get("content-type"), "application/wasm");
  for (const bad of ["/%2e%2e/scripts/serve.mjs", "/memory-player/%2e%2e/%2e%2e/Cargo.toml", "/..%2f..%2fCargo.toml", "/memory-player/Cargo.toml", "/memory-player/src/lib.rs"]) {
    const res = await get(bad);
    assert.equal(res.status, 404, `${bad} is refused`);
  }
});

test("the demo plays, steers, learns, explains and rebuilds", async (t) => {
  const { page, problems } = await openDemo();

  await t.test("loads the catalogue, the graph and the managers", async () => {
    assert.ok((await page.locator(tid("catalogue-track")).count()) >= 24, "at least 24 tracks");
    assert.ok((await page.locator(tid("graph-node")).count()) >= 24, "every track on the graph");
    // The package's default options: the adaptive policy, explaining the start row.
    assert.ok((await page.locator(tid("candidate-row")).count()) >= 1, "candidates from the start row");
    assert.deepEqual(await explained(page), { row: 0, window: 8, policy: "adaptive" });
    assert.match(await page.textContent(tid("explain-row")), /start row \(nothing plays yet\)/);
    assert.match(await page.textContent(tid("resolved-options")), /policyadaptive.*topK10/);
    assert.equal(await page.textContent(tid("managers-state")), "running");
    const versions = await page.locator(tid("rebuild-entry")).evaluateAll((els) => els.map((e) => [e.dataset.version, e.dataset.reason]));
    assert.deepEqual(versions, [["1", "catalogue loaded"], ["0", "initialization"]]);
    assert.equal(await page.textContent(tid("build-version")), "#1");
    // A new browser profile: nothing remembered, and the page says so.
    assert.equal(await page.getAttribute(tid("memory-state"), "data-state"), "fresh");
    assert.match(await page.textContent(tid("memory-state")), /^Fresh start/);
    assert.equal(await page.locator(tid("profile-shared")).isHidden(), true);
  });

  let a;
  let b;
  let c;
  await t.test("plays real sound from the first track", async () => {
    a = await playFirst(page);
    assert.ok(a >= 1 && a <= 30, `a generated track: ${a}`);
    // The audio clock moves: the progress bar advances.
    await page.waitForFunction((sel) => Number(document.querySelector(sel).dataset.position) > 0.4, tid("progress"), { timeout: 10_000 });
    assert.equal(await page.getAttribute(tid("btn-play"), "aria-pressed"), "true");
    assert.deepEqual(await chipsOf(page, "chain-current"), [a]);
    assert.equal(Number(await page.getAttribute(tid("graph-current"), "data-id")), a);
    assert.ok((await page.locator(tid("graph-edge")).count()) > 0, "edges out of the current track");
    assert.equal((await explained(page)).row, a, "the current track's row is explained");
    assert.match(await page.textContent(tid("explain-row")), new RegExp(`after track ${a} \\(the current track\\)`));
  });

  await t.test("Next asks the engine, Skip teaches a skip", async () => {
    await page.click(tid("btn-next"));
    b = await waitForChange(page, a);
    assert.deepEqual((await chipsOf(page, "chain-back")).slice(-1), [a]);
    await page.waitForTimeout(300);
    await page.click(tid("btn-skip"));
    c = await waitForChange(page, b);
    assert.match(await page.textContent(tid("last-action")), new RegExp(`feedback\\(${a}, ${b}, `));
    await page.waitForFunction((sel) => document.querySelector(sel).textContent.startsWith("1 /"), tid("diff-count"));
    assert.match(await page.textContent(tid("event-log")), new RegExp(`learn ${a} → ${b}: skip`));
    assert.deepEqual((await chipsOf(page, "chain-back")).slice(-2), [a, b]);
  });

  await t.test("Back goes back, freezes learning, and shows the penalty and the cooldown", async () => {
    await page.click(tid("btn-back"));
    assert.equal(await waitForChange(page, c), b);
    assert.deepEqual(await chipsOf(page, "chain-forward"), [c]);
    assert.match(await page.textContent(tid("chain-frozen")), /frozen/);
    await page.click(tid("btn-back"));
    assert.equal(await waitForChange(page, b), a);
    // a -> b was skipped: a penalty of 2 and a cooldown, on the table and on the drawn edge.
    const edge = await edgeOf(page, b);
    assert.equal(edge.penalty, "−2", `penalty of ${a} → ${b}: ${JSON.stringify(edge)}`);
    assert.match(edge.cooldown, /^❄[1-3]$/, `cooldown of ${a} → ${b}: ${JSON.stringify(edge)}`);
    assert.match(await page.getAttribute(`${tid("graph-edge")}[data-id="${b}"]`, "class"), /penalised/);
    // ... and the listener's answers: a skipped transition and a skipped track, played recently.
    const row = page.locator(`${tid("candidate-row")}[data-id="${b}"]`);
    const transition = row.locator(".evidence.transition");
    assert.equal(Number(await transition.getAttribute("data-heard")), 0);
    assert.ok(Number(await transition.getAttribute("data-skipped")) > 0, "the skip of a → b is transition evidence");
    assert.ok(Number(await row.locator(".evidence.track").getAttribute("data-skipped")) > 0, "and track evidence");
    const ago = row.locator(".ago");
    assert.equal(await ago.getAttribute("data-ago"), "1", "b played one play ago");
    assert.equal(await ago.getAttribute("data-held"), "true", "within the repeat window");
    assert.equal(await ago.locator(".pill.held").textContent(), "held");
    assert.match(await row.locator(".score").textContent(), /^\d/);
  });

  await t.test("the keyboard works: N walks forward, S skips, Space pauses", async () => {
    await page.evaluate(() => document.activeElement?.blur());
    await page.keyboard.press("n");
    assert.equal(await waitForChange(page, a), b, "forward stack first");
    await page.keyboard.press("n");
    assert.equal(await waitForChange(page, b), c);
    await page.keyboard.press("s");
    const d = await waitForChange(page, c);
    assert.ok(d > 0);
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === "learning on", tid("chain-frozen"));
    await page.keyboard.press(" ");
    await page.waitForFunction((sel) => document.querySelector(sel).getAttribute("aria-pressed") === "false", tid("btn-play"));
    await page.keyboard.press(" ");
    await page.waitForFunction((sel) => document.querySelector(sel).getAttribute("aria-pressed") === "true", tid("btn-play"));
  });

  await t.test("Rebuild now adds a highlighted build to the timeline; managers stop and start", async () => {
    const before = await page.locator(tid("rebuild-entry")).count();
    await page.click(tid("rebuild-now"));
    const newest = page.locator(`${tid("rebuild-entry")}.newest`);
    await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n + 1, [tid("rebuild-entry"), before]);
    assert.equal(await newest.getAttribute("data-reason"), "rebuilt by hand");
    assert.equal(await newest.getAttribute("data-version"), "2");
    assert.equal(await newest.locator(".folded").textContent(), "1 diff");
    assert.equal(await page.textContent(tid("build-version")), "#2");
    assert.match(await page.textContent(tid("diff-count")), /^0 \/ 50$/);
    await page.click(tid("managers-toggle"));
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === "stopped", tid("managers-state"));
    await page.click(tid("managers-toggle"));
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === "running", tid("managers-state"));
  });

  await t.test("an own audio file joins the catalogue, is picked, plays with <audio> and ends on its own", async () => {
    await page.setInputFiles(tid("file-input"), { name: "test-tone.wav", mimeType: "audio/wav", buffer: toneWav(1.5) });
    await page.locator(`${tid("own-file")}[data-id="1001"]`).waitFor();
    await page.locator(`${tid("rebuild-entry")}[data-reason="1 file added"]`).waitFor();
    await page.locator(`${tid("candidate-row")}[data-id="1001"]`).waitFor();
    let id = await currentId(page);
    for (let i = 0; i < 30 && id !== 1001; i++) {
      await page.click(tid("btn-next"));
      id = await waitForChange(page, id);
    }
    assert.equal(id, 1001, "the engine picks the new file");
    // It ends on its own after 1.5 s: the demo tells the engine and plays the next track.
    const next = await waitForChange(page, 1001);
    assert.notEqual(next, 1001);
    assert.match(await page.textContent(tid("event-log")), /learn \d+ → 1001: reinforce/);
    assert.ok((await chipsOf(page, "chain-back")).includes(1001));
    // Forget it: gone from the catalogue, the candidates and the chain.
    await page.click(`${tid("own-file")}[data-id="1001"] button`);
    await page.locator(`${tid("own-file")}[data-id="1001"]`).waitFor({ state: "detached" });
    await page.locator(`${tid("candidate-row")}[data-id="1001"]`).waitFor({ state: "detached" });
    assert.ok(!(await chipsOf(page, "chain-back")).includes(1001));
    assert.match(await page.textContent(tid("last-action")), /forgetTrack\(1001\)/);
    // Dropping a file anywhere on the page adds it too.
    await page.evaluate((bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], "dropped-tone.wav", { type: "audio/wav" }));
      for (const type of ["dragenter", "dragover", "drop"]) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
      }
    }, [...toneWav(2)]);
    await page.locator(`${tid("own-file")}[data-id="1002"]`).waitFor();
    assert.match(await page.textContent(`${tid("own-file")}[data-id="1002"]`), /dropped-tone/);
    assert.equal(await page.locator(tid("drop-overlay")).isHidden(), true);
  });

  await t.test("a bad option is shown on the page; good ones make a new orchestrator with the same memory", async () => {
    await page.fill(tid("opt-diffs"), "-1");
    await page.click(tid("options-apply"));
    await page.locator(tid("errors")).waitFor({ state: "visible" });
    assert.match(await page.textContent(tid("error-list")), /maxRuntimeDiffs/);
    await page.click(tid("errors-dismiss"));
    assert.equal(await page.locator(tid("errors")).isHidden(), true);
    assert.equal(await page.getAttribute(tid("memory-state"), "data-state"), "fresh", "a refused value changes nothing");
    const chain = { back: await chipsOf(page, "chain-back"), current: await chipsOf(page, "chain-current") };
    const builds = await page.locator(tid("rebuild-entry")).count();
    const build = await page.textContent(tid("build-version"));
    assert.match(await page.textContent(tid("options-note")), /Forget me/, "the page says that Apply keeps the memory");
    await page.fill(tid("opt-seed"), "7");
    await page.fill(tid("opt-diffs"), "40");
    await page.click(tid("options-apply"));
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.state === "reopened", tid("memory-state"));
    assert.match(await page.textContent(tid("memory-state")), new RegExp(`^Options applied to the same memory: \\d+ plays remembered, build ${build}\\.$`));
    assert.match(await page.textContent(tid("diff-count")), / \/ 40$/);
    assert.match(await page.textContent(tid("resolved-options")), /seed7policyadaptivemaxRuntimeDiffs40/);
    // The profile was reopened with the new options: chain, builds and timeline are kept.
    assert.deepEqual({ back: await chipsOf(page, "chain-back"), current: await chipsOf(page, "chain-current") }, chain);
    assert.equal(await page.textContent(tid("build-version")), build);
    assert.equal(await page.locator(tid("rebuild-entry")).count(), builds);
    assert.equal(await page.locator(`${tid("rebuild-entry")}.restored`).getAttribute("data-version"), build.slice(1));
    assert.equal(await page.locator(`${tid("rebuild-entry")}.restored .tag`).textContent(), "reopened");
  });

  await t.test("the seed rules are one option away: the explanation says so", async () => {
    await page.selectOption(tid("opt-policy"), "seed");
    await page.click(tid("options-apply"));
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.policy === "seed", tid("explain-policy"));
    assert.match(await page.textContent(tid("explain-window")), /Repeat window 8 plays \(fixed\)/);
    assert.match(await page.textContent(tid("explain-policy")), /keeps no taste/);
    assert.equal(await page.locator(tid("explain-drawn")).count(), 0, "the seed rules draw by their own switch");
    assert.match(await page.textContent(tid("resolved-options")), /policyseed/);
    await page.selectOption(tid("opt-policy"), "adaptive");
    await page.click(tid("options-apply"));
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.policy === "adaptive", tid("explain-policy"));
    // The default policy says how far it heeds the affinities between tracks (0 % to 100 %).
    assert.match(await page.textContent(tid("explain-context")), /Affinities heeded \d+%/);
    // And how many of the best candidates the next pick is drawn among, no more of which can play.
    const drawn = Number(await page.getAttribute(tid("explain-drawn"), "data-drawn"));
    assert.ok(drawn === 5 || drawn === 3, `drawn ${drawn}`);
    assert.match(await page.textContent(tid("explain-drawn")), new RegExp(`Drawn among the best ${drawn}`));
    const count = await page.textContent(tid("explain-count"));
    const pickable = Number(/^(\d+) of/.exec(count)?.[1] ?? NaN);
    assert.ok(pickable <= drawn, count);
  });

  await t.test("Play plays the engine's current track; screenshot", async () => {
    const id = await currentId(page);
    await page.click(tid("btn-play"));
    await page.waitForFunction((sel) => Number(document.querySelector(sel).dataset.position) > 0.5, tid("progress"), { timeout: 10_000 });
    assert.equal(await currentId(page), id);
    await assertNoErrorsShown(page, problems);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  await page.close();
});

test("a generated track ends on its own: feedback, then the next track; a short TTL rebuilds", async () => {
  const { page, problems } = await openDemo("?trackSeconds=2");
  await page.fill(tid("opt-ttl"), "2");
  await page.click(tid("options-apply"));
  await page.waitForFunction((sel) => document.querySelector(sel).textContent.endsWith("/ 0:02"), tid("build-age"));
  await page.click(tid("btn-play"));
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.id !== "", tid("now-playing"));
  const first = await currentId(page);
  const second = await waitForChange(page, first);
  assert.notEqual(second, first);
  assert.match(await page.textContent(tid("last-action")), new RegExp(`Heard ${first} after 2\\.0 s of 2\\.0 s`));
  assert.match(await page.textContent(tid("event-log")), new RegExp(`learn 0 → ${first}: reinforce`));
  // The TTL manager looks every second (an eighth of the TTL, at least 1 s) and rebuilds an old build.
  await page.locator(`${tid("rebuild-entry")}[data-reason="time to live is up"]`).first().waitFor({ timeout: 10_000 });
  await assertNoErrorsShown(page, problems);
  await page.close();
});

test("the listener picks a track (playTrack) and queues others (enqueue) from the catalogue", async () => {
  const { page, problems } = await openDemo();
  const track = (id) => `${tid("catalogue-track")}[data-id="${id}"]`;
  // Click track 12: it plays now, and the chain records it like any pick.
  await page.click(`${track(12)} ${tid("choose")}`);
  await page.waitForFunction(() => document.querySelector('[data-testid="now-playing"]').dataset.id === "12");
  assert.equal(await currentId(page), 12);
  // Queue 5 then 21: the queue shows both, in order.
  await page.click(`${track(5)} ${tid("enqueue")}`);
  await page.click(`${track(21)} ${tid("enqueue")}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="queued"]').length === 2);
  const queued = await page.locator(tid("queued")).evaluateAll((els) => els.map((e) => Number(e.dataset.id)));
  assert.deepEqual(queued, [5, 21]);
  // Next takes the queue before any generated pick.
  await page.click(tid("btn-next"));
  await page.waitForFunction(() => document.querySelector('[data-testid="now-playing"]').dataset.id === "5");
  await page.click(tid("btn-next"));
  await page.waitForFunction(() => document.querySelector('[data-testid="now-playing"]').dataset.id === "21");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="queued"]').length === 0);
  // Remove and clear work too.
  await page.click(`${track(7)} ${tid("enqueue")}`);
  await page.click(`${track(8)} ${tid("enqueue")}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="queued"]').length === 2);
  await page.click(`${tid("queued")}[data-id="7"] button`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="queued"]').length === 1);
  await page.click(tid("queue-clear"));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="queued"]').length === 0);
  await assertNoErrorsShown(page, problems);
  await page.close();
});

test("fits a 375 px wide phone", async () => {
  const { page, problems } = await openDemo("", { width: 375, height: 812 });
  await page.click(tid("btn-play"));
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.id !== "", tid("now-playing"));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling (${overflow} px too wide)`);
  for (const id of ["btn-play", "btn-next", "btn-back", "btn-skip"]) {
    const box = await page.locator(tid(id)).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `${id} is on screen`);
  }
  await assertNoErrorsShown(page, problems);
  await page.screenshot({ path: PHONE_SCREENSHOT, fullPage: false });
  await page.close();
});
