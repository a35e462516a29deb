import { existsSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";

const demoDir = resolve(import.meta.dirname, "..");
// The repository's test artifacts folder (ignored by git).
const shots = resolve(demoDir, "..", "..", "test-results", "demo");
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 390, height: 844 };
const PACKAGES = ["matrix-completion", "svd-update", "tensor-network", "sensitivity-sampling", "linalg"];
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".jpg": "image/jpeg" };

/** A plain static server of the built demo, without the COOP/COEP headers: the page is not cross-origin isolated. */
async function plainServer(root: string): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    // The path is absolute, so normalize keeps it inside root.
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    try {
      const body = await readFile(join(root, path.endsWith("/") ? `${path}index.html` : path));
      res.writeHead(200, { "content-type": TYPES[extname(path) || ".html"] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe.skipIf(!chromium)("demo app in Chromium", () => {
  let browser: Browser;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(join(demoDir, "dist", "index.html"))) throw new Error("apps/demo is not built: run pnpm build first");
    const { preview } = await import("vite");
    // The same preview server `pnpm start` runs, on a free port.
    const server = await preview({ root: demoDir, logLevel: "error", preview: { port: 0, host: "127.0.0.1", open: false } });
    url = server.resolvedUrls!.local[0];
    close = () => server.close();
    const { chromium: launcher } = await import("playwright-core");
    browser = await launcher.launch({
      executablePath: chromium,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    });
    mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  async function open(path: string, viewport = DESKTOP, base = url): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${base}#/${path}`);
    return { page, errors };
  }

  async function settle(page: Page): Promise<string> {
    await page.waitForFunction(() => document.querySelector<HTMLElement>(".page")?.dataset.status !== "running", null, { timeout: 120_000 });
    return (await page.evaluate(() => document.querySelector<HTMLElement>(".page")!.dataset.status))!;
  }

  /** Waits for the page to settle and expects done, with the status line's message if not. */
  async function expectDone(page: Page): Promise<void> {
    const status = await settle(page);
    const message = await page.evaluate(() => document.querySelector("[data-role=status]")?.textContent ?? "");
    expect(status, `${page.url()}: ${message}`).toBe("done");
  }

  /** Text of column `n` (1-based) of the results table. */
  const column = (page: Page, n: number) => page.$$eval(`[data-role=results] tr td:nth-child(${n})`, (tds) => tds.map((t) => t.textContent!));

  /** What a worker page says it runs on: the status line's runtime text and thread count. */
  const runtime = (page: Page) => page.$eval("[data-role=runtime]", (e) => ({ text: e.textContent!, threads: Number((e as HTMLElement).dataset.threads) }));

  /** The cores this browser reports. */
  const cores = (page: Page) => page.evaluate(() => navigator.hardwareConcurrency);

  /**
   * On a page that has reached done: a worker page runs on the pool (2 threads or more where the
   * machine has 2 cores or more, said on its status line); a screenshot at desktop size, then at
   * phone size, where the page must not scroll sideways and the menu stays one compact line.
   */
  async function bothSizes(page: Page, path: string): Promise<void> {
    if (path !== "") {
      const rt = await runtime(page);
      const n = await cores(page);
      expect(rt.threads, `#/${path}: ${rt.text}`).toBeLessThanOrEqual(n);
      if (n >= 2) {
        expect(rt.threads, `#/${path}: ${rt.text}`).toBeGreaterThanOrEqual(2);
        expect(rt.text).toMatch(new RegExp(`^(relaxed-simd|simd), ${rt.threads} threads$`));
      }
    }
    const name = path || "home";
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: join(shots, `${name}-desktop.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    // Two frames: the charts follow their boxes' new size.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `#/${path} is ${width} px wide on a 390 px phone`).toBeLessThanOrEqual(PHONE.width);
    const header = await page.evaluate(() => document.querySelector("header")!.getBoundingClientRect().height);
    expect(header).toBeLessThan(80);
    await page.screenshot({ path: join(shots, `${name}-phone.png`), fullPage: true });
  }

  /** Opens `path` at desktop size, runs `check` (which waits for done), then bothSizes, with no console error. */
  async function visit(path: string, check: (page: Page) => Promise<void>): Promise<void> {
    const { page, errors } = await open(path);
    await check(page);
    await bothSizes(page, path);
    expect(errors).toEqual([]);
    await page.close();
  }

  // Pages with a test of their own below check both sizes there.
  const OWN_TEST = new Set(["tensor-network", "svd-update", "bench"]);

  it("serves with the cross-origin isolation headers SharedArrayBuffer needs", async () => {
    const res = await fetch(url);
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    const { page } = await open("");
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.close();
  });

  it("every page in the menu reaches done with no console error on the thread pool, on a desktop and on a phone with no sideways scroll", async () => {
    const { page: home } = await open("");
    const paths = await home.$$eval("#nav a", (as) => as.map((a) => (a as HTMLAnchorElement).dataset.path!));
    await home.close();
    expect(paths).toEqual(expect.arrayContaining([...OWN_TEST, "matrix-completion", "sensitivity-sampling"]));
    for (const path of ["", ...paths].filter((p) => !OWN_TEST.has(p))) await visit(path, expectDone);
  }, 600_000);

  it("a page served without cross-origin isolation runs on one thread, says why, and reaches done with no error", async () => {
    const plain = await plainServer(join(demoDir, "dist"));
    try {
      const { page, errors } = await open("svd-update", PHONE, plain.url);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      await expectDone(page);
      const rt = await runtime(page);
      expect(rt.threads).toBe(1);
      expect(rt.text).toMatch(/^(relaxed-simd|simd), 1 thread: the page is not cross-origin isolated/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: join(shots, "svd-update-not-isolated-phone.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      plain.server.close();
    }
  }, 300_000);

  it("home page: every package with a picture and its install command, and an invitation to run the bench", async () => {
    const { page, errors } = await open("", PHONE);
    await expectDone(page);
    const cards = await page.$$eval("[data-package]", (cs) => cs.map((c) => ({
      pkg: (c as HTMLElement).dataset.package!,
      pictures: c.querySelectorAll("canvas.thumb, svg.thumb").length,
      install: c.querySelector("[data-role=install]")?.textContent,
      speed: c.querySelector("[data-role=speed]")?.textContent ?? "",
    })));
    expect(cards.map((c) => c.pkg)).toEqual(PACKAGES);
    for (const c of cards) {
      expect(c.pictures).toBe(1);
      expect(c.install).toBe(`npm i @lowrank/${c.pkg}`);
      expect(c.speed).toContain("run the bench");
    }
    // A thumbnail image has real content (not a blank canvas).
    const spread = await page.$eval("[data-package=tensor-network] canvas", (cv) => {
      const d = (cv as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, (cv as HTMLCanvasElement).width, (cv as HTMLCanvasElement).height).data;
      let lo = 255, hi = 0;
      for (let i = 0; i < d.length; i += 4) (lo = Math.min(lo, d[i])), (hi = Math.max(hi, d[i]));
      return hi - lo;
    });
    expect(spread).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it("tensor page: moving the compression slider changes the budget and every reconstruction", async () => {
    await visit("tensor-network", async (page) => {
      await expectDone(page);
      const params = async () => (await column(page, 3)).map((t) => Number(t.replace(/,/g, "")));
      const before = await params();
      expect(before.length).toBe(4);
      // 20x -> 40x: every method must now use about half the parameters.
      await page.$eval("[data-role=ratio]", (el) => {
        (el as HTMLInputElement).value = "3";
        el.dispatchEvent(new Event("change"));
      });
      await expectDone(page);
      const after = await params();
      expect(after.length).toBe(4);
      for (let i = 0; i < 4; i++) expect(after[i]).toBeLessThan(before[i]);
      const budget = 204 * 256 * 3 / 40;
      for (const p of after) expect(p).toBeLessThanOrEqual(budget);
    });
  }, 300_000);

  it("svd-update page: says why the exact methods agree, shows auto and a Lanczos recompute with its residual", async () => {
    await visit("svd-update", async (page) => {
      await expectDone(page);
      const methods = await column(page, 1);
      expect(methods.some((m) => m.startsWith("auto ("))).toBe(true);
      const recompute = methods.findIndex((m) => m.startsWith("recompute"));
      expect(methods[recompute]).toContain("(lanczos)");
      expect(await page.textContent("[data-role=why]")).toMatch(/same rank-k SVD of the same updated matrix/);
      // The exact methods agree with each other to rounding.
      const errs = (await column(page, 4)).slice(0, 2).map(Number);
      expect(Math.abs(errs[0] - errs[1])).toBeLessThan(1e-6 * Math.max(1, errs[0]));
      // The recompute is the exact rank-k SVD to working accuracy: its residual (table) and its own check (summary).
      expect(Number((await column(page, 5))[recompute])).toBeLessThan(1e-8);
      const residual = (await page.textContent("[data-role=summary]"))!.match(/largest residual is (\S+) s₁/);
      expect(Number(residual?.[1])).toBeLessThan(1e-8);
    });
  }, 300_000);

  it("bench page: every package's algorithm, WASM on 1 and N threads agreeing with TypeScript, with min <= median <= max, re-run when the sizes change; the home page then shows the speed-ups", async () => {
    const { page, errors } = await open("bench");
    await expectDone(page);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("lowrank-demo:bench")!));
    // The bench ran on the page's pool: 2 threads or more where the machine has 2 cores or more.
    const n: number = stored.threads;
    expect(n).toBeLessThanOrEqual(await cores(page));
    if ((await cores(page)) >= 2) expect(n).toBeGreaterThanOrEqual(2);
    expect(await page.textContent("[data-role=variant]")).toMatch(/runs the (relaxed-simd|simd) variant/);
    expect(new Set(await column(page, 1))).toEqual(new Set(PACKAGES));
    for (const d of (await column(page, 11)).map(Number)) expect(d).toBeLessThan(1e-10);
    for (const t of await column(page, 3)) expect(t).toMatch(/^\d+\.\d×$/);
    if (n >= 2) {
      expect(await page.textContent("[data-role=variant]")).toContain(`and ${n} threads`);
      for (const t of await column(page, 4)) expect(t).toMatch(/^\d+\.\d\d×$/);
      // The pool gives the same bits as one thread on every case.
      expect(new Set(await column(page, 12))).toEqual(new Set(["yes"]));
    }
    for (const r of stored.rows) {
      for (const s of [r.js, r.simd, r.relaxed, r.threads?.time].filter(Boolean)) {
        expect(s.min).toBeLessThanOrEqual(s.median);
        expect(s.median).toBeLessThanOrEqual(s.max);
        expect(s.min).toBeGreaterThan(0);
      }
      // Paired speed-ups lie within the spread the separate times allow.
      expect(r.speedUp.simd).toBeGreaterThanOrEqual(r.js.min / r.simd.max);
      expect(r.speedUp.simd).toBeLessThanOrEqual(r.js.max / r.simd.min);
      if (n >= 2) expect(r.threads.n).toBe(n);
    }
    await bothSizes(page, "bench");
    // A new size re-runs the bench with new inputs (its first case is enough to see it), and Cancel stops it.
    const firstSize = (await column(page, 10))[0];
    await page.selectOption("[data-role=preset]", "medium");
    await page.waitForFunction(() => document.querySelector("[data-role=results] tr td:nth-child(10)")?.textContent === "192×192", null, { timeout: 120_000 });
    expect(firstSize).not.toBe("192×192");
    await page.screenshot({ path: join(shots, "bench-medium-phone.png"), fullPage: true });
    if ((await page.evaluate(() => document.querySelector<HTMLElement>(".page")!.dataset.status)) === "running") {
      await page.click("[data-role=cancel]");
      expect(await page.textContent("[data-role=status]")).toBe("cancelled");
    }
    expect(await settle(page)).toBe("done");
    // A cancelled run is not kept: the home page still has the finished one.
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem("lowrank-demo:bench")!).preset)).toBe("small");
    // The home page shows the last finished run's speed-ups, on one thread and on the pool.
    await page.goto(`${url}#/`);
    await expectDone(page);
    const speeds = await page.$$eval("[data-package] [data-role=speed]", (ps) => ps.map((p) => p.textContent!));
    expect(speeds.length).toBe(PACKAGES.length);
    for (const speed of speeds) {
      expect(speed).toMatch(/WASM vs TypeScript here \((relaxed-simd|simd), .*\d\.\d×/);
      if (n >= 2) expect(speed).toContain(`(${n} threads: `);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(shots, "home-after-bench-phone.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
