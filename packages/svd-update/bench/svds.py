# scipy's svds (ARPACK) on a Matrix Market file, one BLAS thread (set by the
# caller). Two modes:
#   svds.py FILE K RUNS       best of RUNS at the default tol (0: machine
#                             precision); prints JSON {ms, s} (lanczos.bench.ts)
#   svds.py --serve FILE      reads lines "K TOL VECTORS" from stdin (VECTORS 1:
#                             U and Vᵀ too, as truncatedSvd returns them; 0:
#                             values only), runs svds once for each, prints one
#                             JSON line {ms, s} per request (svds-compare.ts
#                             alternates it with lowrank's runs)
import json, sys, time
import numpy as np
from scipy.io import mmread
from scipy.sparse.linalg import svds


def run(A, k, tol, vectors=False):
    t = time.perf_counter()
    if vectors:
        _, s, _ = svds(A, k=k, tol=tol, random_state=0)
    else:
        s = svds(A, k=k, tol=tol, return_singular_vectors=False, random_state=0)
    return (time.perf_counter() - t) * 1000, sorted((float(x) for x in s), reverse=True)


if sys.argv[1] == "--serve":
    A = mmread(sys.argv[2]).tocsr()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        k, tol, vectors = line.split()
        ms, s = run(A, int(k), float(tol), vectors == "1")
        print(json.dumps({"ms": ms, "s": s}), flush=True)
else:
    path, k, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    A = mmread(path).tocsr()
    best, s = float("inf"), None
    for _ in range(runs):
        ms, s = run(A, k, 0)
        best = min(best, ms)
    print(json.dumps({"ms": best, "s": s}))
