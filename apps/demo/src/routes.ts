import { benchPage } from "./pages/bench";
import { homePage } from "./pages/home";
import { matrixCompletionPage } from "./pages/matrix-completion";
import { sensitivitySamplingPage } from "./pages/sensitivity-sampling";
import { svdUpdatePage } from "./pages/svd-update";
import { tensorNetworkPage } from "./pages/tensor-network";
import type { Page } from "./ui/page";

/** Every page of the demo, in menu order. */
export function pages(): Page[] {
  return [homePage, matrixCompletionPage, svdUpdatePage, tensorNetworkPage, sensitivitySamplingPage, benchPage];
}
