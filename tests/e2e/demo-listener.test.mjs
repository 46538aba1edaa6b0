// End-to-end tests of the demo's simulated listener (the adaptive policy, the seed rules and a
// plain shuffle side by side on the same hidden tastes) and of sound that cannot start (picking
// never waits on audio), in headless Chromium (Debian's, driven by playwright-core).
//
// Run alone: node --test tests/e2e/demo-listener.test.mjs (after bash scripts/build.sh)

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SCREENSHOT_DIR, demoSite,
  tid, currentId, chipsOf, waitForChange, waitForState, assertNoErrorsShown,
} from "./demo-support.mjs";

const PLAYS = 600;
const LANES = ["adaptive", "seed", "shuffle"];

const site = demoSite();
const openDemo = (options) => site.open(options);

/** Clicks Run / Listen more and waits until the run is over; returns how long it took (ms). */
async function runListener(page, plays) {
  await page.fill(tid("sim-plays"), String(plays));
  const before = Number(await page.getAttribute(tid("sim-progress"), "data-plays"));
  const started = Date.now();
  await page.click(tid("sim-run"));
  await page.waitForFunction(
    ([sel, n]) => document.querySelector(sel).dataset.state === "done" && Number(document.querySelector(sel).dataset.plays) === n,
    [tid("sim-progress"), before + plays],
    { timeout: 30_000 },
  );
  return Date.now() - started;
}

/** The three chart lines: plays plotted, last rolling rate, and their points. */
function series(page) {
  return page.evaluate((lanes) => Object.fromEntries(lanes.map((key) => {
    const line = document.querySelector(`[data-testid="chart-${key}"]`);
    return [key, { plays: Number(line.dataset.plays), last: Number(line.dataset.last), points: line.getAttribute("points").trim().split(/\s+/) }];
  })), LANES);
}

/** The numbers under the chart: each picker's skip rate over the last plays, as shown and as data. */
function stats(page) {
  return page.locator(tid("sim-stat")).evaluateAll((els) => Object.fromEntries(els.map((e) =>
    [e.dataset.lane, { shown: e.querySelector(".v").textContent, last: Number(e.dataset.last), label: e.querySelector(".l").textContent }])));
}

test("the simulated listener: adaptive policy, seed rules and shuffle side by side, the adaptive one learns", async (t) => {
  const { page, problems } = await openDemo();
  const chainBefore = await page.textContent(tid("chain-counts"));

  let ms;
  await t.test(`${PLAYS} plays of each run in well under a few seconds`, async () => {
    assert.equal(await page.textContent(tid("sim-progress")), "not started");
    ms = await runListener(page, PLAYS);
    t.diagnostic(`${PLAYS} plays x 3 pickers, drawn as they go: ${ms} ms`);
    assert.ok(ms < 3000, `the run took ${ms} ms`);
    assert.equal(await page.textContent(tid("sim-progress")), `${PLAYS} plays`);
    assert.equal(await page.textContent(tid("sim-run")), "Listen more");
  });

  await t.test("three lines are drawn, with a legend, and the adaptive line ends below the shuffle's", async () => {
    const lines = await series(page);
    for (const key of LANES) {
      const { plays, points } = lines[key];
      assert.equal(plays, PLAYS - 9, `${key}: one rate a play from the 10th play on`);
      assert.ok(points.length > 100 && points.length <= 481, `${key}: ${points.length} points`);
      assert.ok(points.every((p) => /^\d+(\.\d+)?,\d+(\.\d+)?$/.test(p)), `${key}: x,y pairs`);
    }
    assert.ok(lines.adaptive.last < lines.shuffle.last, `adaptive ends at ${lines.adaptive.last}, shuffle at ${lines.shuffle.last}`);
    // Lower on the chart is a lower skip rate: the last point's y is larger.
    const y = (key) => Number(lines[key].points.at(-1).split(",")[1]);
    assert.ok(y("adaptive") > y("shuffle"), "drawn below");
    const legend = await page.locator(`${tid("chart-legend")} li`).allTextContents();
    assert.deepEqual(legend, ["adaptive (default)", "seed rules", "plain shuffle"]);
  });

  await t.test("the numbers are on the page: skip rates over the last 100 plays, and the learned window", async () => {
    const s = await stats(page);
    assert.deepEqual(Object.keys(s), LANES);
    for (const key of LANES) assert.match(s[key].shown, /^\d{1,3}%$/, `${key}: ${s[key].shown}`);
    assert.deepEqual(LANES.map((k) => s[k].label), ["Adaptive", "Seed rules", "Plain shuffle"]);
    assert.match(await page.textContent(`${tid("sim-stats")} .stats-head`), /last 100 plays/);
    assert.ok(s.adaptive.last < s.shuffle.last / 1.5, `adaptive skips far less than shuffle: ${JSON.stringify(s)}`);
    assert.ok(s.adaptive.last < s.seed.last, `and less than the seed rules: ${JSON.stringify(s)}`);
    assert.equal(Math.round(s.adaptive.last * 100), parseInt(s.adaptive.shown, 10));
    assert.match(await page.textContent(tid("sim-window")), /^Repeat window: the adaptive engine learned \d+ plays; the seed rules keep 8\.$/);
  });

  await t.test("the hidden tastes can be revealed, and the page's own engine was not touched", async () => {
    await page.click(`${tid("sim-tastes")} summary`);
    assert.ok((await page.locator(`${tid("sim-tastes-body")} .chip`).count()) >= 10, "liked and disliked tracks");
    assert.match(await page.textContent(tid("sim-tastes-body")), /skips a track heard again within \d+ plays/);
    assert.equal(await page.textContent(tid("chain-counts")), chainBefore);
    assert.equal(await page.textContent(tid("build-version")), "#1");
    assert.equal(await page.textContent(tid("diff-count")), "0 / 50");
    assert.equal(await page.getAttribute(tid("memory-state"), "data-state"), "fresh");
  });

  await t.test("Listen more continues with the same listener; Stop stops a long run", async () => {
    await runListener(page, 100);
    assert.equal((await series(page)).adaptive.plays, PLAYS + 100 - 9);
    await page.fill(tid("sim-plays"), "20000");
    await page.click(tid("sim-run"));
    await page.waitForFunction((sel) => Number(document.querySelector(sel).dataset.plays) > 800, tid("sim-progress"));
    assert.equal(await page.textContent(tid("sim-run")), "Stop listener");
    await page.click(tid("sim-run"));
    await waitForState(page, "sim-progress", "done");
    const plays = Number(await page.getAttribute(tid("sim-progress"), "data-plays"));
    assert.ok(plays > 800 && plays < PLAYS + 100 + 20000, `stopped at ${plays}`);
    await assertNoErrorsShown(page, problems);
    await page.locator(".listener-panel").screenshot({ path: `${SCREENSHOT_DIR}demo-listener.png` });
  });

  await t.test("new options meet a new listener", async () => {
    await page.fill(tid("opt-seed"), "7");
    await page.click(tid("options-apply"));
    await waitForState(page, "memory-state", "reopened");
    assert.equal(await page.textContent(tid("sim-progress")), "not started");
    assert.equal((await series(page)).adaptive.plays, 0);
    await runListener(page, 200);
    assert.equal((await series(page)).seed.plays, 200 - 9);
    await assertNoErrorsShown(page, problems);
  });

  await page.close();
});

test("sound that never starts (AudioContext.resume() never settles): picking still works, and the page says so", async () => {
  // Firefox on a machine with no audio output: the context stays suspended and resume() never
  // settles. Simulated here; tests/firefox/demo.test.mjs runs the demo in real headless Firefox.
  const { page, problems } = await openDemo({
    init: () => {
      Object.defineProperty(BaseAudioContext.prototype, "state", { configurable: true, get: () => "suspended" });
      AudioContext.prototype.resume = () => new Promise(() => {});
    },
  });
  const sound = tid("sound-state");
  assert.equal(await page.locator(sound).isHidden(), true, "nothing to say before a play");

  await page.click(tid("btn-play"));
  // The pick is shown at once, while the sound is still trying to start.
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.id !== "", tid("now-playing"), { timeout: 1000 });
  const a = await currentId(page);
  assert.ok(a >= 1 && a <= 30);
  assert.equal(await page.getAttribute(sound, "data-state"), "starting");
  await waitForState(page, "sound-state", "unavailable", 5000);
  assert.equal(await page.locator(sound).isVisible(), true);
  assert.match(await page.textContent(sound), /^Sound unavailable: the audio output did not start within 1\.5 s\. Picks, skips and learning work without it/);

  await page.click(tid("btn-next"));
  const b = await waitForChange(page, a);
  assert.deepEqual((await chipsOf(page, "chain-back")).slice(-1), [a]);
  await page.click(tid("btn-skip"));
  const c = await waitForChange(page, b);
  assert.match(await page.textContent(tid("last-action")), new RegExp(`^Skipped ${b} after 0\\.0 s .* feedback\\(${a}, ${b}, 0\\.0, `));
  await page.click(tid("btn-back"));
  assert.equal(await waitForChange(page, c), b);
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press("n");
  assert.equal(await waitForChange(page, b), c, "the keyboard too");
  // Play tries the sound again; it still cannot start, and the page still says so.
  await page.click(tid("btn-play"));
  await waitForState(page, "sound-state", "unavailable", 5000);
  assert.equal(await currentId(page), c);
  assert.equal(await page.getAttribute(tid("btn-play"), "aria-pressed"), "false");
  await assertNoErrorsShown(page, problems);
  await page.locator(".player").screenshot({ path: `${SCREENSHOT_DIR}demo-no-sound.png` });
  await page.close();
});
