import { benchPage } from "./pages/bench";
import { homePage } from "./pages/home";
import type { Page } from "./ui/page";

/** Every page of the demo, in menu order. */
export function pages(): Page[] {
  return [homePage, benchPage];
}
