// Missing entries by imputation (expectation-maximisation): the iterative
// methods run on a filled copy of the tensor and refill its unobserved
// entries from their reconstruction after every sweep. Shared by Tucker,
// CP-ALS and TR-ALS.

/** Sets the unobserved entries of x to the mean of the observed ones; returns ‖mask ∘ x‖². O(size). */
export function fillWithMean(x: Float64Array, mask: Uint8Array): number {
  let sum = 0, count = 0, norm2 = 0;
  for (let i = 0; i < x.length; i++) {
    if (!mask[i]) continue;
    sum += x[i];
    count++;
    norm2 += x[i] * x[i];
  }
  const mean = sum / count;
  for (let i = 0; i < x.length; i++) if (!mask[i]) x[i] = mean;
  return norm2;
}

/**
 * Copies the reconstruction x̂ into the unobserved entries of x and returns
 * the relative error on the observed ones, ‖mask ∘ (x - x̂)‖ / ‖mask ∘ x‖. O(size).
 */
export function refill(x: Float64Array, xhat: Float64Array, mask: Uint8Array, observedNorm2: number): number {
  let res2 = 0;
  for (let i = 0; i < x.length; i++) {
    if (mask[i]) {
      const d = x[i] - xhat[i];
      res2 += d * d;
    } else {
      x[i] = xhat[i];
    }
  }
  return observedNorm2 === 0 ? 0 : Math.sqrt(res2 / observedNorm2);
}
