// End-to-end test of the demo's memory: the listener's profile in IndexedDB survives a
// reload (chain, learned penalty, build, rebuild timeline, and the page says so), "Forget me" asks
// first (from the keyboard) and starts afresh for good, and a second tab is warned and a stale one
// shows its refused save. Chromium runs on a user-data directory of its own, made for this run and
// deleted after it, so runs never see each other's profiles and IndexedDB is written to disk.
//
// Run alone: node --test tests/e2e/demo-memory.test.mjs (after bash scripts/build.sh)

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SCREENSHOT_DIR, demoSite, playFirst, waitReady,
  tid, currentId, chipsOf, waitForChange, waitForState, assertNoErrorsShown, toneWav, edgeOf, explained,
} from "./demo-support.mjs";

const SCREENSHOT = `${SCREENSHOT_DIR}demo-memory.png`;

const site = demoSite({ persistent: true });
/** A new tab of this browser on the demo (all tabs share the browser's IndexedDB). */
const openTab = () => site.open();

async function reload(page) {
  await page.reload();
  await waitReady(page);
}

/** What the page shows of the engine's memory: chain, learning, build and timeline. */
async function shown(page) {
  return {
    back: await chipsOf(page, "chain-back"),
    current: await chipsOf(page, "chain-current"),
    forward: await chipsOf(page, "chain-forward"),
    frozen: await page.textContent(tid("chain-frozen")),
    build: await page.textContent(tid("build-version")),
    diffs: await page.textContent(tid("diff-count")),
    timeline: await page.locator(tid("rebuild-entry")).evaluateAll((els) => els.map((e) => `${e.dataset.version} ${e.dataset.reason}`)),
  };
}

/**
 * The explain panel (explainNext()): what it explains, then the candidates row by row: id, edge,
 * transition and track evidence, plays ago (and held), score, chance.
 */
async function candidates(page) {
  const rows = await page.locator(tid("candidate-row")).evaluateAll((trs) =>
    trs.map((r) => [r.dataset.id, ...[...r.querySelectorAll("td")].slice(1).map((td) => td.textContent)]));
  return { ...(await explained(page)), rows };
}

/** No candidate shows a penalty or a cooldown. */
async function nothingFined(page) {
  return (await page.locator(`${tid("candidates")} [data-part=penalty], ${tid("candidates")} [data-part=cooldown]`).count()) === 0;
}

test("the demo remembers the listener across reloads, and forgets them when asked", async (t) => {
  const { page, problems } = await openTab();

  await t.test("a first visit is a fresh start, saved at once", async () => {
    assert.equal(await page.getAttribute(tid("memory-state"), "data-state"), "fresh");
    assert.match(await page.textContent(tid("memory-state")), /^Fresh start: nothing remembered yet/);
    assert.equal(await page.textContent(tid("build-version")), "#1");
    await waitForState(page, "save-state", "saved");
    assert.equal(await page.locator(tid("forget-me")).isVisible(), true);
  });

  let a;
  let b;
  let c;
  let before;
  await t.test("play, skip, rebuild, skip again, go back: a penalty learned in the current build", async () => {
    a = await playFirst(page);
    await page.click(tid("btn-next"));
    b = await waitForChange(page, a);
    await page.waitForTimeout(300);
    await page.click(tid("btn-skip")); // a -> b: a skip
    c = await waitForChange(page, b);
    await page.click(tid("rebuild-now")); // build #2 folds a -> b's penalty into the base graph
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === "#2", tid("build-version"));
    await page.waitForTimeout(300);
    await page.click(tid("btn-skip")); // b -> c: a skip learned in build #2
    const d = await waitForChange(page, c);
    await page.click(tid("btn-back"));
    assert.equal(await waitForChange(page, d), c);
    await page.click(tid("btn-back"));
    assert.equal(await waitForChange(page, c), b);
    const learned = await edgeOf(page, c);
    assert.equal(learned.penalty, "−2", `b → c was skipped in build #2: ${JSON.stringify(learned)}`);
    assert.match(learned.cooldown, /^❄[1-3]$/);
    before = { ...(await shown(page)), candidates: await candidates(page) };
    assert.deepEqual(before.back, [a]);
    assert.deepEqual(before.forward, [c, d]);
    assert.match(before.frozen, /frozen/);
    assert.deepEqual(before.timeline, ["2 rebuilt by hand", "1 catalogue loaded", "0 initialization"]);
    // Saved after each action: no need to wait for the autosave's delay.
    await waitForState(page, "save-state", "saved");
    assert.match(await page.textContent(tid("save-state")), /^saved (just now|\d+ s ago)$/);
  });

  await t.test("a reload restores the chain, the learned penalty, the build and the timeline, and says so", async () => {
    await reload(page);
    assert.equal(await page.getAttribute(tid("memory-state"), "data-state"), "restored");
    const welcome = await page.textContent(tid("memory-state"));
    const m = welcome.match(/^Welcome back: (\d+) plays remembered, build #2\.$/);
    assert.ok(m, `the page welcomes the listener back: "${welcome}"`);
    assert.equal(Number(m[1]), 6, "six plays: Play, Next, Skip, Skip, Back, Back");
    const after = { ...(await shown(page)), candidates: await candidates(page) };
    assert.deepEqual(after, before, "the same chain, learned weights, cooldowns, build and timeline");
    assert.deepEqual((await edgeOf(page, c)).penalty, "−2");
    assert.equal(await page.locator(`${tid("rebuild-entry")}.restored`).getAttribute("data-version"), "2");
    assert.equal(await page.locator(`${tid("rebuild-entry")}.restored .tag`).textContent(), "restored");
    assert.match(await page.textContent(tid("event-log")), /memory restored: build #2/);
    await waitForState(page, "save-state", "saved");
    // Play resumes where the listener was, and Next walks the restored forward stack.
    await page.click(tid("btn-play"));
    await page.waitForFunction(([sel, id]) => Number(document.querySelector(sel).dataset.id) === id, [tid("now-playing"), b]);
    await page.waitForFunction((sel) => Number(document.querySelector(sel).dataset.position) > 0.3, tid("progress"), { timeout: 10_000 });
    await page.screenshot({ path: SCREENSHOT });
    await page.click(tid("btn-next"));
    assert.equal(await waitForChange(page, b), c);
    await assertNoErrorsShown(page, problems);
  });

  await t.test("Forget me asks first, from the keyboard: Escape keeps everything", async () => {
    await page.focus(tid("forget-me"));
    await page.keyboard.press("Enter");
    await page.locator(tid("forget-dialog")).waitFor({ state: "visible" });
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "forget-cancel", "the safe choice has the focus");
    await page.keyboard.press("n"); // shortcuts sleep while the dialog is open
    await page.keyboard.press("Escape");
    await page.locator(tid("forget-dialog")).waitFor({ state: "hidden" });
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "forget-me", "the focus goes back to the button");
    assert.equal(await currentId(page), c);
    assert.equal(await page.textContent(tid("build-version")), "#2");
    assert.equal(await page.getAttribute(tid("memory-state"), "data-state"), "restored");
  });

  await t.test("confirmed, it deletes the profile and starts afresh; a reload stays fresh", async () => {
    await page.keyboard.press("Enter");
    await page.locator(tid("forget-dialog")).waitFor({ state: "visible" });
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "forget-confirm");
    await page.keyboard.press("Enter");
    await waitForState(page, "memory-state", "forgotten");
    assert.match(await page.textContent(tid("memory-state")), /^Forgotten\. Your memory was deleted/);
    const fresh = {
      back: [], current: [], forward: [], frozen: "learning on", build: "#1", diffs: "0 / 50",
      timeline: ["1 catalogue loaded", "0 initialization"],
    };
    assert.deepEqual(await shown(page), fresh);
    assert.equal(await page.getAttribute(tid("now-playing"), "data-id"), "");
    const explainedNow = await candidates(page);
    assert.equal(explainedNow.row, 0, "the start row");
    assert.ok(explainedNow.rows.length >= 1 && (await nothingFined(page)), `no penalty left: ${JSON.stringify(explainedNow)}`);
    await waitForState(page, "save-state", "saved");

    await reload(page);
    assert.equal(await page.getAttribute(tid("memory-state"), "data-state"), "restored");
    assert.equal(await page.textContent(tid("memory-state")), "Welcome back: nothing played yet, build #1.");
    assert.deepEqual(await shown(page), fresh);
    assert.ok(await nothingFined(page), "no penalty, no cooldown");
    await assertNoErrorsShown(page, problems);
  });

  await t.test("a second tab is warned; the stale one shows its refused save, and a reload resumes", async () => {
    const second = await openTab();
    assert.equal(await second.page.locator(tid("profile-shared")).isVisible(), true);
    assert.match(await second.page.textContent(tid("profile-shared")), /open in another tab/);
    assert.equal(await page.locator(tid("profile-shared")).isHidden(), true, "the first tab opened it alone");
    // The second tab saves first (a rebuild is saved at once) ...
    await second.page.click(tid("rebuild-now"));
    await second.page.waitForFunction((sel) => document.querySelector(sel).textContent === "#2", tid("build-version"));
    await waitForState(second.page, "save-state", "saved");
    // ... so the first tab's next save is refused, and the page says so instead of failing silently.
    await page.click(tid("rebuild-now"));
    await waitForState(page, "save-state", "conflict");
    assert.equal(await page.textContent(tid("save-state")), "not saved: changed in another tab");
    assert.match(await page.textContent(tid("error-list")), /ProfileConflictError: profile "memory-player-demo" was changed elsewhere/);
    assert.equal(await page.locator(tid("reload")).isVisible(), true);
    assert.deepEqual(problems, [], "shown on the page, not thrown at the console");
    await second.page.close(); // leaving: its last save (nothing changed since) and its tab go
    await page.click(tid("reload"));
    await waitReady(page);
    assert.equal(await page.getAttribute(tid("memory-state"), "data-state"), "restored");
    assert.equal(await page.textContent(tid("build-version")), "#2", "the stored profile: the second tab's rebuild");
    assert.equal(await page.locator(tid("profile-shared")).isHidden(), true);
    await waitForState(page, "save-state", "saved");
    await assertNoErrorsShown(page, problems);
    assert.deepEqual(second.problems, []);
  });

  await t.test("own files are not kept across a reload: the restored engine forgets them, and says so", async () => {
    await page.setInputFiles(tid("file-input"), { name: "test-tone.wav", mimeType: "audio/wav", buffer: toneWav(1.5) });
    await page.locator(`${tid("own-file")}[data-id="1001"]`).waitFor();
    await page.waitForFunction((sel) => document.querySelector(sel).textContent === "#3", tid("build-version"));
    // Nothing plays: the start row is explained, and the new file is linked from every track.
    await page.locator(`${tid("graph-node")}[data-id="1001"]`).waitFor();
    await waitForState(page, "save-state", "saved");
    await reload(page);
    assert.equal(await page.textContent(tid("memory-state")),
      "Welcome back: nothing played yet, build #3. Your own files are not kept across reloads: 1 forgotten.");
    assert.equal(await page.locator(`${tid("graph-node")}[data-id="1001"]`).count(), 0);
    assert.equal(await page.locator(tid("own-file")).count(), 0);
    await waitForState(page, "save-state", "saved"); // the forgetting is saved: the next load is clean
    await reload(page);
    assert.equal(await page.textContent(tid("memory-state")), "Welcome back: nothing played yet, build #3.");
    await assertNoErrorsShown(page, problems);
  });

  await t.test("a profile the engine refuses: memory off, said on the page, and Forget me recovers", async () => {
    // A record from another format version, as a newer release of the package could leave behind.
    await page.evaluate(() => new Promise((resolve, reject) => {
      const req = indexedDB.open("memory-player");
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const tx = req.result.transaction("profiles", "readwrite");
        tx.objectStore("profiles").put({ name: "memory-player-demo", id: "planted", revision: 1, savedAt: Date.now(), snapshot: { format: "memory-player", version: 99 } });
        tx.oncomplete = () => (req.result.close(), resolve());
        tx.onabort = () => reject(tx.error);
      };
    }));
    await reload(page);
    assert.equal(await page.getAttribute(tid("memory-state"), "data-state"), "off");
    assert.match(await page.textContent(tid("memory-state")), /^Memory off: your profile could not be opened \(profile "memory-player-demo" could not be restored: .+\)\. Nothing is saved; Forget me starts a new one\.$/);
    assert.equal(await page.getAttribute(tid("save-state"), "data-state"), "off");
    assert.match(await page.textContent(tid("error-list")), /Opening your memory \(Orchestrator\.open\)/);
    await page.click(tid("errors-dismiss"));
    // The player still works, unsaved.
    assert.equal(await page.textContent(tid("build-version")), "#1");
    await page.click(tid("btn-next"));
    await page.waitForFunction((sel) => document.querySelector(sel).dataset.id !== "", tid("now-playing"));
    await page.click(tid("forget-me"));
    await page.click(tid("forget-confirm"));
    await waitForState(page, "memory-state", "forgotten");
    await waitForState(page, "save-state", "saved");
    await reload(page);
    assert.equal(await page.textContent(tid("memory-state")), "Welcome back: nothing played yet, build #1.");
    await assertNoErrorsShown(page, problems);
  });

  await page.close();
});
