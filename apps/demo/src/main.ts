import { pages } from "./routes";
import { setStatus } from "./ui/page";

// Hash routes (#/bench), so any static server can serve the built app.
const app = document.getElementById("app")!;
const nav = document.getElementById("nav")!;
let cleanup: (() => void) | null = null;

for (const p of pages()) {
  if (p.path === "") continue;
  const a = document.createElement("a");
  a.href = `#/${p.path}`;
  a.textContent = p.title;
  a.dataset.path = p.path;
  nav.append(a);
}

function route(): void {
  const path = location.hash.replace(/^#\/?/, "");
  const page = pages().find((p) => p.path === path) ?? pages()[0];
  cleanup?.();
  const root = document.createElement("section");
  root.id = `page-${page.path || "home"}`;
  root.className = "page";
  app.replaceChildren(root);
  for (const a of nav.querySelectorAll("a")) {
    a.classList.toggle("active", a.dataset.path === page.path);
    // On a phone the menu scrolls sideways: bring the current page's link into view.
    if (a.dataset.path === page.path) nav.scrollLeft = a.offsetLeft - nav.offsetLeft - 8;
  }
  document.title = `${page.title} · lowrank demo`;
  setStatus(root, "running");
  try {
    cleanup = page.mount(root);
  } catch (e) {
    setStatus(root, "error", e instanceof Error ? e.message : String(e));
  }
}

window.addEventListener("hashchange", route);
route();
