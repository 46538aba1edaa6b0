// IndexedDB listener profiles in headless Chromium: Orchestrator.open, flush,
// autosave, deleteProfile, two profiles, two tabs, an interrupted save, and the save and load
// times of a 10 000-track, 500 000-edge profile. The pages import the package by its public
// name through an import map (tests/e2e/fixtures/profile.html); the browser keeps its data on
// disk. Needs the built package (npm run build).
//
//   node --test tests/e2e/profile.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureProfile } from "../../bench/profile.mjs";
import { profileSuite } from "./harness.mjs";

const withBrowser = profileSuite();

async function reload(page) {
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "1");
}

test("save, reload the page: same state, same next picks; and after a browser restart", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "memory-player-restart-"));
  try {
    let saved;
    await withBrowser(async (browser) => {
      const page = await browser.newPage();
      saved = await page.evaluate(async () => {
        const o = await mp.Orchestrator.open("alice", { seed: 7, saveDelayMs: 2 ** 31 - 1 });
        const fresh = { shared: o.profileShared, edges: h.state(o).edgeCount, record: await h.rawRecord("alice") };
        h.train(o, 1);
        await o.flush();
        const state = h.state(o);
        const record = await h.rawRecord("alice");
        // What this engine does next, continuing without any save or restore (on a copy:
        // every play of `o` would be saved at once).
        const probe = mp.Orchestrator.fromSnapshot(o.snapshot());
        const next = h.picks(probe, 30);
        probe.free();
        return { fresh, state, revision: record.revision, id: record.id, next };
      });
      assert.deepEqual(saved.fresh, { shared: false, edges: 0, record: undefined });
      assert.equal(saved.revision, 1);
      assert.ok(saved.state.edges.length > 100 && saved.state.build.bonuses.length > 0, "trained");
      assert.ok(saved.state.build.cooldowns.length > 0 && saved.state.chain.back.length > 10, "trained");
      // Nothing changed since the flush: nothing more was saved.
      assert.equal((await page.evaluate(() => h.rawRecord("alice"))).revision, 1);

      await reload(page);
      const restored = await page.evaluate(async () => {
        const o = await mp.Orchestrator.open("alice", { saveDelayMs: 2 ** 31 - 1 });
        const r = { shared: o.profileShared, state: h.state(o), next: h.picks(o, 30) };
        o.free();
        // Options given to open() override the saved ones, key by key.
        const o2 = await mp.Orchestrator.open("alice", { topK: 3 });
        r.options = o2.options();
        o2.free();
        return r;
      });
      assert.equal(restored.shared, false, "the reloaded page's lock was released");
      assert.deepEqual(restored.state, saved.state);
      assert.deepEqual(restored.next, saved.next);
      assert.equal(restored.options.topK, 3);
      assert.equal(restored.options.seed, 7);
    }, dataDir);

    // The whole browser closed and launched again on the same data directory.
    await withBrowser(async (browser) => {
      const page = await browser.newPage();
      const again = await page.evaluate(async () => {
        const o = await mp.Orchestrator.open("alice");
        return { state: h.state(o), next: h.picks(o, 30) };
      });
      assert.deepEqual(again.state, saved.state);
      assert.deepEqual(again.next, saved.next);
    }, dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("autosave: after a rebuild, within saveDelayMs of a change, on stop(); none after free()", async () => {
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    const r = await page.evaluate(async () => {
      const rev = async () => (await h.rawRecord("auto"))?.revision ?? 0;
      const out = {};
      // A rebuild is saved at once, even with a long delay.
      let o = await mp.Orchestrator.open("auto", { seed: 1, saveDelayMs: 2 ** 31 - 1 });
      const g = o.baseGraph();
      g.reinforce(0, 1);
      g.reinforce(1, 2);
      g.free();
      o.rebuildRuntime("catalogue");
      out.afterRebuild = await h.until(async () => (await rev()) === 1, 2000);
      o.free();

      // A change is saved within the delay; no change, no save.
      o = await mp.Orchestrator.open("auto", { saveDelayMs: 150 });
      out.idle = (await h.sleep(500), await rev());
      o.playNext();
      const t = performance.now();
      out.afterChange = await h.until(async () => (await rev()) === 2, 2000);
      out.changeSavedWithinMs = performance.now() - t;
      out.idleAgain = (await h.sleep(500), await rev());

      // stop() resolves once the managers stopped and the save committed.
      o.start();
      o.playNext();
      await o.stop();
      out.afterStop = { running: o.running, revision: await rev() };
      await o.stop(); // nothing changed: no save
      out.afterSecondStop = await rev();

      // free() stops autosaving; the unsaved change is dropped.
      o.playNext();
      o.free();
      await h.sleep(500);
      out.afterFree = await rev();

      // flush() on an orchestrator not opened from a profile resolves at once.
      const plain = new mp.Orchestrator({});
      await plain.flush();
      out.plainShared = plain.profileShared;
      plain.free();
      return out;
    });
    assert.deepEqual(r, {
      afterRebuild: true,
      idle: 1,
      afterChange: true,
      changeSavedWithinMs: r.changeSavedWithinMs,
      idleAgain: 2,
      afterStop: { running: false, revision: 3 },
      afterSecondStop: 3,
      afterFree: 3,
      plainShared: false,
    });
    assert.ok(r.changeSavedWithinMs < 1000, `saved ${r.changeSavedWithinMs} ms after a change`);
  });
});

test("a save interrupted by the tab crashing mid-transaction keeps the previous save", async () => {
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    const before = await page.evaluate(async () => {
      const o = (window.o = await mp.Orchestrator.open("crash", { seed: 3, saveDelayMs: 2 ** 31 - 1 }));
      h.train(o, 2);
      await o.flush();
      // The state of revision 1, and what a restore of it must pick next.
      const probe = mp.Orchestrator.fromSnapshot(o.snapshot());
      const expected = { state: h.state(o), next: h.picks(probe, 30) };
      probe.free();
      // A big change: 200 000 more edges, so the interrupted save is a big one.
      h.buildBig(o, 4_000, 200_000, 9); // no rebuild: nothing saves it until the flush below
      return expected;
    });
    // Make the interruption certain: once the record is handed to IndexedDB (put issued),
    // the transaction is kept busy with reads so that it cannot commit, and the tab is
    // crashed. Only a tab that dies mid-transaction shows that a save is all or nothing.
    // (A save of the tab holding the profile's lock calls commit() at once: that is made a
    // no-op here, or the transaction would not wait for the reads.)
    const putIssued = page.waitForEvent("console", (m) => m.text() === "put issued");
    await page.evaluate(() => {
      IDBTransaction.prototype.commit = function () {};
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        const req = put.apply(this, args);
        const busy = () => (this.get("").onsuccess = busy);
        busy();
        console.log("put issued");
        return req;
      };
      window.o.flush(); // not awaited: it never settles
    });
    await putIssued;
    const crashed = page.waitForEvent("crash");
    const cdp = await page.context().newCDPSession(page);
    cdp.send("Page.crash").catch(() => {}); // never answered: the renderer is gone
    await crashed;
    await page.close();

    const page2 = await browser.newPage();
    const after = await page2.evaluate(async () => {
      const record = await h.rawRecord("crash");
      const o = await mp.Orchestrator.open("crash", { saveDelayMs: 2 ** 31 - 1 });
      const r = { revision: record.revision, shared: o.profileShared, state: h.state(o), next: h.picks(o, 30) };
      // The profile is not wedged: the next save commits.
      await o.flush();
      r.nextRevision = (await h.rawRecord("crash")).revision;
      // The same instrumentation without the crash: the save commits once the reads stop.
      const commit = IDBTransaction.prototype.commit;
      IDBTransaction.prototype.commit = function () {};
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        const req = put.apply(this, args);
        let reads = 20;
        const busy = () => --reads > 0 && (this.get("").onsuccess = busy);
        busy();
        return req;
      };
      o.playNext();
      await o.flush();
      IDBObjectStore.prototype.put = put;
      IDBTransaction.prototype.commit = commit;
      r.controlRevision = (await h.rawRecord("crash")).revision;
      return r;
    });
    assert.equal(after.revision, 1, "the interrupted save did not commit");
    assert.equal(after.shared, false, "the crashed tab's lock was released");
    assert.deepEqual(after.state, before.state);
    assert.deepEqual(after.next, before.next);
    assert.equal(after.nextRevision, 2);
    assert.equal(after.controlRevision, 3);
  });
});

test("two profiles in one origin stay apart; deleteProfile removes one", async () => {
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    const saved = await page.evaluate(async () => {
      const a = await mp.Orchestrator.open("alice", { seed: 1 });
      const b = await mp.Orchestrator.open("bob", { seed: 2 });
      h.train(a, 11);
      h.train(b, 22, { tracks: 25 });
      await Promise.all([a.flush(), b.flush()]);
      return { alice: h.state(a), bob: h.state(b), shared: [a.profileShared, b.profileShared] };
    });
    assert.deepEqual(saved.shared, [false, false]);
    assert.notDeepEqual(saved.alice.edges, saved.bob.edges);

    await reload(page);
    const r = await page.evaluate(async () => {
      const a = await mp.Orchestrator.open("alice");
      const b = await mp.Orchestrator.open("bob");
      const out = { alice: h.state(a), bob: h.state(b) };
      a.free();
      await mp.Orchestrator.deleteProfile("alice");
      await mp.Orchestrator.deleteProfile("nobody"); // deleting a missing profile is fine
      out.aliceRecord = await h.rawRecord("alice");
      const a2 = await mp.Orchestrator.open("alice");
      out.aliceAfterDelete = { edgeCount: h.state(a2).edgeCount, chain: a2.playbackChain() };
      const b2 = (b.free(), await mp.Orchestrator.open("bob"));
      out.bobAfterDelete = h.state(b2);
      return out;
    });
    assert.deepEqual(r.alice, saved.alice);
    assert.deepEqual(r.bob, saved.bob);
    assert.equal(r.aliceRecord, undefined);
    assert.deepEqual(r.aliceAfterDelete, {
      edgeCount: 0,
      chain: { back: [], current: undefined, forward: [], learningFrozen: false, currentRemoved: false },
    });
    assert.deepEqual(r.bobAfterDelete, saved.bob);
  });
});

test("two tabs: the second sees profileShared; a stale writer gets ProfileConflictError", async () => {
  await withBrowser(async (browser) => {
    const a = await browser.newPage();
    const b = await browser.newPage();
    const warned = b.waitForEvent("console", (m) => /already open/.test(m.text()));
    const opts = { seed: 5, saveDelayMs: 100 };
    const first = await a.evaluate(async (opts) => {
      const o = (window.o = await mp.Orchestrator.open("shared", opts));
      h.train(o, 3);
      await o.flush();
      return { shared: o.profileShared, state: h.state(o) };
    }, opts);
    const second = await b.evaluate(async (opts) => {
      const o = (window.o = await mp.Orchestrator.open("shared", opts));
      const loaded = h.state(o);
      h.train(o, 4); // tab B learns more and saves: revision 2
      await o.flush();
      return { shared: o.profileShared, loaded, state: h.state(o), revision: (await h.rawRecord("shared")).revision };
    }, opts);
    assert.equal(first.shared, false);
    assert.equal(second.shared, true, "the second tab detects the first");
    assert.equal((await warned).type(), "warning");
    assert.deepEqual(second.loaded, first.state);
    assert.equal(second.revision, 2);

    // Tab A still holds revision 1: its save is refused, whether forced or automatic.
    const stale = await a.evaluate(async () => {
      o.playNext();
      const flush = await h.failure(o.flush());
      o.playNext(); // autosave is off now: nothing is written, nothing more reported
      await h.sleep(400);
      const stop = await h.failure(o.stop());
      return { flush, stop, reported: window.reported, revision: (await h.rawRecord("shared")).revision };
    });
    assert.equal(stale.flush.name, "ProfileConflictError");
    assert.match(stale.flush.message, /changed elsewhere/);
    assert.match(stale.flush.message, /reload/);
    assert.deepEqual(stale.stop, stale.flush, "stop() rejects with the same error");
    assert.deepEqual(stale.reported, [{ name: "ProfileConflictError", message: stale.flush.message }]);
    assert.equal(stale.revision, 2, "the newer data was not overwritten");

    // What is stored is tab B's state; a reload of B sees it (A still holds the lock).
    await reload(b);
    const reloaded = await b.evaluate(async () => {
      const o = await mp.Orchestrator.open("shared");
      const r = { shared: o.profileShared, state: h.state(o) };
      o.free();
      return r;
    });
    assert.deepEqual(reloaded, { shared: true, state: second.state });
    // Once A frees its orchestrator, B opens the profile alone.
    await a.evaluate(() => o.free());
    assert.equal(await b.evaluate(async () => (await mp.Orchestrator.open("shared")).profileShared), false);
  });
});

test("a profile deleted and saved again elsewhere is not mistaken for the one loaded", async () => {
  await withBrowser(async (browser) => {
    const a = await browser.newPage();
    const b = await browser.newPage();
    await a.evaluate(async () => {
      const o = (window.o = await mp.Orchestrator.open("aba", { seed: 1 }));
      h.train(o, 1);
      await o.flush(); // revision 1
    });
    const other = await b.evaluate(async () => {
      await mp.Orchestrator.deleteProfile("aba"); // "forget me" in tab B...
      const o = await mp.Orchestrator.open("aba", { seed: 2 });
      h.train(o, 2);
      await o.flush(); // ...and a new listener, also at revision 1
      return { record: await h.rawRecord("aba"), state: h.state(o) };
    });
    assert.equal(other.record.revision, 1);
    const stale = await a.evaluate(async () => {
      o.playNext();
      return { flush: await h.failure(o.flush()), record: await h.rawRecord("aba") };
    });
    assert.equal(stale.flush?.name, "ProfileConflictError");
    assert.deepEqual(stale.record, other.record);
  });
});

test("arguments are checked, and a bad stored record is refused with a clear error", async () => {
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    const r = await page.evaluate(async () => {
      const { Orchestrator } = mp;
      const f = h.failure;
      const good = mp.Orchestrator.fromSnapshot(new mp.Orchestrator({}).snapshot()).snapshot();
      await h.writeRecord({ name: "garbage", revision: "x", snapshot: 1 });
      await h.writeRecord({ name: "future", id: "f", revision: 1, savedAt: 0, snapshot: { ...good, version: 99 } });
      return {
        noName: await f(Orchestrator.open()),
        emptyName: await f(Orchestrator.open("")),
        numberName: await f(Orchestrator.open(1)),
        badOptions: await f(Orchestrator.open("x", 5)),
        zeroDelay: await f(Orchestrator.open("x", { saveDelayMs: 0 })),
        nanDelay: await f(Orchestrator.open("x", { saveDelayMs: NaN })),
        infiniteDelay: await f(Orchestrator.open("x", { saveDelayMs: Infinity })),
        hugeDelay: await f(Orchestrator.open("x", { saveDelayMs: 2 ** 31 })),
        stringDelay: await f(Orchestrator.open("x", { saveDelayMs: "2000" })),
        unknownOption: await f(Orchestrator.open("x", { sed: 1 })),
        deleteNoName: await f(Orchestrator.deleteProfile("")),
        garbage: await f(Orchestrator.open("garbage")),
        future: await f(Orchestrator.open("future")),
        // A refused open releases the lock: the next open is not "shared".
        sharedAfterRefusal: (await Orchestrator.open("x")).profileShared,
      };
    });
    const is = (e, type, pattern) => {
      assert.equal(e?.type, type, JSON.stringify(e));
      assert.match(e.message, pattern);
    };
    is(r.noName, "TypeError", /name must be a non-empty string/);
    is(r.emptyName, "TypeError", /name must be a non-empty string/);
    is(r.numberName, "TypeError", /name must be a non-empty string/);
    is(r.badOptions, "TypeError", /options must be an object/);
    for (const k of ["zeroDelay", "nanDelay", "infiniteDelay", "hugeDelay"]) is(r[k], "RangeError", /saveDelayMs/);
    is(r.stringDelay, "TypeError", /saveDelayMs/);
    is(r.unknownOption, "TypeError", /sed/);
    is(r.deleteNoName, "TypeError", /name must be a non-empty string/);
    is(r.garbage, "TypeError", /profile "garbage".*not a memory-player profile/);
    is(r.future, "RangeError", /profile "future" could not be restored: .*version 99/);
    assert.equal(r.sharedAfterRefusal, false);
  });
});

test("Node: Orchestrator.open rejects with a clear error (no IndexedDB)", async () => {
  const { Orchestrator } = await import("memory-player");
  await assert.rejects(Orchestrator.open("x"), { name: "Error", message: /IndexedDB is not available/ });
  await assert.rejects(Orchestrator.deleteProfile("x"), { message: /IndexedDB is not available/ });
  const o = new Orchestrator({});
  await o.flush(); // not from a profile: resolves at once
  o.free();
});

test("10 000 tracks, 500 000 edges: a save after 50 lessons <= 10 ms of main thread (target 5), open <= 300 ms (medians of 5)", async () => {
  await withBrowser(async (browser) => {
    const page = await browser.newPage();
    const r = await measureProfile(page, { runs: 5 });
    const ms = (x) => `${x.toFixed(1)} ms`;
    console.log(
      `profile of ${r.tracks} tracks / ${r.edges} edges, medians of 5: save after 50 lessons ` +
        `${ms(r.median.saveAfter50LessonsMainMs)} main thread (${ms(r.median.saveAfter50LessonsTotalMs)} to commit), ` +
        `compaction ${ms(r.compaction.mainMs)} main thread, open ${ms(r.median.loadMs)}`,
    );
    assert.equal(r.edges, 500_000);
    assert.equal(r.restoredStateEqual, true);
    assert.deepEqual(new Set(r.saveAfter50Lessons.kinds), new Set(["delta"]));
    assert.equal(r.compaction.kind, "checkpoint");
    assert.equal(r.saveAfterRebuild.kind, "delta");
    // The target is 5 ms (met in `npm run bench` on this machine when it is quiet: see
    // bench/README.md); the test allows twice that, for a 2-core machine shared with other work.
    assert.ok(r.median.saveAfter50LessonsMainMs <= 10, `a save after 50 lessons took ${r.median.saveAfter50LessonsMainMs} ms of main thread`);
    assert.ok(r.median.loadMs <= 300, `open took ${r.median.loadMs} ms`);
  });
});
