# Times scipy's svds (ARPACK, default tol = machine precision) on a Matrix
# Market file, one BLAS thread (set by the caller), best of `runs`; prints
# JSON {ms, s}. Used by lanczos.bench.ts.
import json, sys, time
import numpy as np
from scipy.io import mmread
from scipy.sparse.linalg import svds

path, k, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
A = mmread(path).tocsr()
best, s = float("inf"), None
for _ in range(runs):
    t = time.perf_counter()
    s = svds(A, k=k, return_singular_vectors=False, random_state=0)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"ms": best * 1000, "s": sorted((float(x) for x in s), reverse=True)}))
