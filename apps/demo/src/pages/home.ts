import { el, setStatus, type Page } from "../ui/page";
import { pages } from "../routes";

/** #/: what the demo shows and where each page is. */
export const homePage: Page = {
  path: "",
  title: "Home",
  mount(root) {
    root.append(
      el("h2", {}, "lowrank: low-rank and sketching algorithms in WebAssembly"),
      el("p", {}, "Every page runs a lowrank package in this browser, on real data shipped in npm packages, in a Web Worker. Pick one:"),
    );
    const list = el("ul");
    for (const p of pages()) {
      if (p.path === "") continue;
      const li = el("li");
      li.append(el("a", { href: `#/${p.path}` }, p.title));
      list.append(li);
    }
    root.append(list);
    setStatus(root, "done");
    return () => {};
  },
};
