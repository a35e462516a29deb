// The home page's small pictures: images on a canvas, maps and bars as inline
// SVG, drawn from thumbs.json (scripts/thumbs.mjs) and the bench's last run.
import { el } from "./page";

const NS = "http://www.w3.org/2000/svg";
const W = 160, H = 120;

function svg(label: string): SVGSVGElement {
  const s = document.createElementNS(NS, "svg");
  s.setAttribute("viewBox", `0 0 ${W} ${H}`);
  s.setAttribute("role", "img");
  s.setAttribute("aria-label", label);
  s.classList.add("thumb");
  return s;
}

function add(parent: SVGElement, tag: string, attrs: Record<string, string | number>, text = ""): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text) e.textContent = text;
  parent.append(e);
  return e;
}

/** Base64 bytes (gray, or RGB triples) as an image on a canvas. */
export function imageThumb(b64: string, h: number, w: number, channels: 1 | 3, label: string): HTMLCanvasElement {
  const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const rgba = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    for (let c = 0; c < 3; c++) rgba[4 * p + c] = raw[channels === 3 ? 3 * p + c : p];
    rgba[4 * p + 3] = 255;
  }
  const canvas = el("canvas", { width: String(w), height: String(h), class: "thumb", role: "img", "aria-label": label });
  canvas.getContext("2d")!.putImageData(new ImageData(rgba, w, h), 0, 0);
  return canvas;
}

/** Points scaled into the picture, coloured by group (an index into `colors`); `highlight`: groups above 0 drawn larger, on top. */
export function scatterThumb(xs: number[], ys: number[], group: (i: number) => number, colors: string[], label: string, highlight = false): SVGSVGElement {
  const s = svg(label);
  const span = (v: number[]) => [Math.min(...v), Math.max(...v)];
  const [x0, x1] = span(xs), [y0, y1] = span(ys);
  const order = xs.map((_, i) => i).sort((a, b) => group(a) - group(b));
  for (const i of order) {
    add(s, "circle", { cx: (4 + ((xs[i] - x0) / (x1 - x0 || 1)) * (W - 8)).toFixed(1), cy: (H - 4 - ((ys[i] - y0) / (y1 - y0 || 1)) * (H - 8)).toFixed(1), r: highlight && group(i) > 0 ? 2.4 : 1.8, fill: colors[group(i)] });
  }
  return s;
}

/** One bar per value (a speed-up), with its label; a dashed line marks 1×. */
export function barsThumb(values: Array<{ label: string; value: number }>, label: string): SVGSVGElement {
  const s = svg(label);
  const top = Math.max(1, ...values.map((v) => v.value));
  const bw = (W - 8) / Math.max(1, values.length);
  values.forEach((v, i) => {
    const h = (v.value / top) * (H - 20);
    add(s, "rect", { x: (4 + i * bw + 1).toFixed(1), y: (H - 12 - h).toFixed(1), width: (bw - 2).toFixed(1), height: h.toFixed(1), fill: "#0b57d0" });
    add(s, "text", { x: (4 + (i + 0.5) * bw).toFixed(1), y: H - 2, "font-size": 7, "text-anchor": "middle" }, v.label);
  });
  const one = H - 12 - (1 / top) * (H - 20);
  add(s, "line", { x1: 2, x2: W - 2, y1: one.toFixed(1), y2: one.toFixed(1), stroke: "#d93025", "stroke-dasharray": "3 2" });
  return s;
}

/** A grey box with a line of text, where a picture is not available yet. */
export function placeholderThumb(text: string): SVGSVGElement {
  const s = svg(text);
  add(s, "rect", { x: 1, y: 1, width: W - 2, height: H - 2, fill: "#f1f3f4", stroke: "#ddd" });
  add(s, "text", { x: W / 2, y: H / 2, "font-size": 11, "text-anchor": "middle", fill: "#555" }, text);
  return s;
}
