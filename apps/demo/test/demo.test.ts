import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";

const demoDir = resolve(import.meta.dirname, "..");
const shots = resolve(demoDir, "..", "..", "test-results", "demo");
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

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

  async function open(path: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${url}#/${path}`);
    return { page, errors };
  }

  async function settle(page: Page): Promise<string> {
    await page.waitForFunction(() => document.querySelector<HTMLElement>(".page")?.dataset.status !== "running", null, { timeout: 120_000 });
    return (await page.evaluate(() => document.querySelector<HTMLElement>(".page")!.dataset.status))!;
  }

  it("serves with the cross-origin isolation headers SharedArrayBuffer needs", async () => {
    const res = await fetch(url);
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(res.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    const { page } = await open("");
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.close();
  });

  it("every page in the menu reaches done with no console error", async () => {
    const { page: home } = await open("");
    const paths = await home.$$eval("#nav a", (as) => as.map((a) => (a as HTMLAnchorElement).dataset.path!));
    await home.close();
    expect(paths.length).toBeGreaterThan(0);
    for (const path of ["", ...paths]) {
      const { page, errors } = await open(path);
      const status = await settle(page);
      const message = await page.evaluate(() => document.querySelector("[data-role=status]")?.textContent ?? "");
      await page.screenshot({ path: join(shots, `${path || "home"}.png`), fullPage: true });
      expect(status, `#/${path}: ${message}`).toBe("done");
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 600_000);

  it("tensor page: moving the compression slider changes the budget and every reconstruction", async () => {
    const { page, errors } = await open("tensor-network");
    expect(await settle(page)).toBe("done");
    const before = await page.$$eval("[data-role=results] tr td:nth-child(3)", (tds) => tds.map((t) => Number(t.textContent!.replace(/,/g, ""))));
    expect(before.length).toBe(4);
    // 20x -> 40x: every method must now use about half the parameters.
    await page.$eval("[data-role=ratio]", (el) => {
      (el as HTMLInputElement).value = "3";
      el.dispatchEvent(new Event("change"));
    });
    expect(await settle(page)).toBe("done");
    const after = await page.$$eval("[data-role=results] tr td:nth-child(3)", (tds) => tds.map((t) => Number(t.textContent!.replace(/,/g, ""))));
    expect(after.length).toBe(4);
    for (let i = 0; i < 4; i++) expect(after[i]).toBeLessThan(before[i]);
    const budget = 204 * 256 * 3 / 40;
    for (const p of after) expect(p).toBeLessThanOrEqual(budget);
    await page.screenshot({ path: join(shots, "tensor-network-40x.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it("bench page: WASM agrees with TypeScript, names its variant, and re-runs when the sizes change", async () => {
    const { page, errors } = await open("bench");
    expect(await settle(page)).toBe("done");
    const variant = await page.textContent("[data-role=variant]");
    expect(variant).toMatch(/runs the (relaxed-simd|simd) variant/);
    const firstSizes = await page.$$eval("[data-role=results] tr td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
    const diffs = await page.$$eval("[data-role=results] tr td:nth-child(7)", (tds) => tds.map((t) => Number(t.textContent)));
    for (const d of diffs) expect(d).toBeLessThan(1e-10);
    await page.selectOption("[data-role=preset]", "medium");
    expect(await settle(page)).toBe("done");
    const secondSizes = await page.$$eval("[data-role=results] tr td:nth-child(2)", (tds) => tds.map((t) => t.textContent));
    expect(secondSizes).not.toEqual(firstSizes);
    expect(secondSizes[0]).toBe("128×128");
    await page.screenshot({ path: join(shots, "bench-medium.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
