import { loadBench, speedUp, type StoredBench } from "../bench/store";
import { dataBase } from "../data/csr";
import { el, pageHeader, setStatus, statusLine, type Page } from "../ui/page";
import { barsThumb, imageThumb, placeholderThumb, scatterThumb } from "../ui/thumbs";

/** thumbs.json, as scripts/thumbs.mjs writes it. */
interface Thumbs {
  "matrix-completion": { h: number; w: number; gray: string };
  "svd-update": { years: number[]; x: number[]; y: number[] };
  "tensor-network": { h: number; w: number; rgb: string; ratio: number };
  "sensitivity-sampling": { fitted: number[]; price: number[]; kept: number[] };
}

type Pkg = keyof Thumbs | "linalg";

interface PackageCard {
  pkg: Pkg;
  /** The demo page that shows it. */
  path: string;
  what: string;
  /** What the picture shows. */
  caption(t: Thumbs | null): string;
}

const ERA_COLORS = ["#9aa0a6", "#0b57d0", "#e8710a", "#188038", "#a142f4"];

// One line per package: what it does and what its picture shows.
const CARDS: PackageCard[] = [
  { pkg: "matrix-completion", path: "matrix-completion", what: "Fills in the missing entries of a matrix (ratings, pixels) with a low-rank model: Bayesian BPMF (the default), ALS, AltMin and robust AltMin; predicts and recommends.", caption: () => "half the pixels removed (left), filled in at rank 10 (right)" },
  { pkg: "svd-update", path: "svd-update", what: "Keeps a truncated SVD up to date as rows, columns or low-rank changes arrive, without recomputing it: six update methods and an automatic choice.", caption: () => "State of the Union addresses on singular directions 2 and 3, by era" },
  { pkg: "tensor-network", path: "tensor-network", what: "Compresses tensors (images, video, simulations): Tucker with core-shape search, CP, tensor train, tensor ring and general networks.", caption: (t) => `the photograph (left) and its Tucker compression${t ? ` to ${t["tensor-network"].ratio}× fewer numbers` : ""} (right)` },
  { pkg: "sensitivity-sampling", path: "sensitivity-sampling", what: "Picks a few weighted rows that stand for all of them: leverage scores, Lewis weights and l_p sensitivities, for regression on a coreset.", caption: () => "Boston districts (price against fit); orange: the 50 kept by Lewis weights" },
  { pkg: "linalg", path: "bench", what: "The shared core: GEMM, QR, SVD, symmetric eigensolver, Cholesky and the WebAssembly runtime every package runs on, each with a TypeScript twin.", caption: () => "speed-up of each package's algorithm in this browser" },
];

/** Each package's picture, from thumbs.json (null until it has loaded) and the bench's last run. */
function picture(pkg: Pkg, t: Thumbs | null, bench: StoredBench | null): Element {
  if (pkg === "linalg") return bench ? barsThumb(bench.rows.map((r) => ({ label: r.case.split(/[ ,(]/)[0], value: speedUp(r) })), "WASM speed-ups measured here") : placeholderThumb("run the bench");
  if (!t) return placeholderThumb("loading…");
  if (pkg === "matrix-completion") return imageThumb(t[pkg].gray, t[pkg].h, t[pkg].w, 1, "photograph, left half with pixels removed, right half filled in");
  if (pkg === "tensor-network") return imageThumb(t[pkg].rgb, t[pkg].h, t[pkg].w, 3, "photograph, right half compressed by Tucker");
  if (pkg === "svd-update") {
    const { years, x, y } = t[pkg];
    return scatterThumb(x, y, (i) => Math.min(4, Math.max(0, Math.floor((years[i] - 1800) / 50))), ERA_COLORS, "addresses mapped by era");
  }
  const { fitted, price, kept } = t[pkg];
  const k = new Set(kept);
  return scatterThumb(fitted, price, (i) => (k.has(i) ? 1 : 0), ["#c6c9cc", "#e8710a"], "districts, sampled ones highlighted", true);
}

/** The package's speed-up line: this browser's last bench run, or an invitation to run it. */
function speedLine(pkg: string, bench: StoredBench | null): HTMLElement {
  const p = el("p", { class: "speed", "data-role": "speed" });
  const rows = bench?.rows.filter((r) => r.pkg === pkg) ?? [];
  if (!bench || rows.length === 0) {
    p.append("WASM vs TypeScript: ");
    p.append(el("a", { href: "#/bench" }, "run the bench"), " to measure it in this browser.");
    return p;
  }
  // One thread, and with the pool's threads where it ran ("gemm 3.1× (2 threads: 5.6×)").
  const cases = rows.map((r) => `${r.case} ${speedUp(r).toFixed(1)}×${r.threads ? ` (${r.threads.n} threads: ${r.threads.speedUp.toFixed(1)}×)` : ""}`).join(", ");
  p.textContent = `WASM vs TypeScript here (${bench.variant}, ${new Date(bench.when).toLocaleDateString()}): ${cases}.`;
  return p;
}

function card(c: PackageCard, thumbs: Thumbs | null, bench: StoredBench | null): HTMLElement {
  const box = el("article", { class: "card", "data-package": c.pkg });
  const fig = el("a", { href: `#/${c.path}`, class: "thumb-link" });
  fig.append(picture(c.pkg, thumbs, bench));
  const text = el("div", { class: "card-text" });
  const title = el("h3");
  title.append(el("a", { href: `#/${c.path}` }, `@lowrank/${c.pkg}`));
  text.append(title, el("p", {}, c.what), el("p", { class: "caption" }, `Picture: ${c.caption(thumbs)}.`), el("code", { "data-role": "install" }, `npm i @lowrank/${c.pkg}`), speedLine(c.pkg, bench));
  box.append(fig, text);
  return box;
}

/** #/: what lowrank is, package by package, with a picture, the install command and the measured speed-up. */
export const homePage: Page = {
  path: "",
  title: "Home",
  mount(root) {
    pageHeader(
      root,
      "lowrank: low-rank and sketching algorithms for JavaScript, in WebAssembly",
      "Each package below is one npm install; each runs in Node and in the browser, on WebAssembly SIMD with a plain-TypeScript fallback, and each has a demo page here that runs it on real data in a Web Worker. Click a picture to open its page.",
    );
    const list = el("div", { class: "cards", "data-role": "packages" });
    root.append(statusLine(), list);
    let live = true;
    const draw = (thumbs: Thumbs | null) => list.replaceChildren(...CARDS.map((c) => card(c, thumbs, loadBench())));
    draw(null);
    fetch(new URL("thumbs.json", dataBase()))
      .then((res) => {
        if (!res.ok) throw new Error(`could not load data/thumbs.json (HTTP ${res.status})`);
        return res.json() as Promise<Thumbs>;
      })
      .then((thumbs) => {
        if (!live) return;
        draw(thumbs);
        setStatus(root, "done");
      })
      .catch((e: unknown) => live && setStatus(root, "error", e instanceof Error ? e.message : String(e)));
    root.append(el("p", { class: "caption" }, "Also: @lowrank/datasets, the real and synthetic data the tests, benchmarks and these pages use (npm i @lowrank/datasets)."));
    return () => {
      live = false;
    };
  },
};
