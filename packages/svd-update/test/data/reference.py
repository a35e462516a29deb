# Leading singular values of the Lanczos reference matrices (written to /tmp by
# make-reference.ts) by scipy's svds (ARPACK) with tol 1e-12, stored as JSON
# next to this file. Run with one BLAS thread:
#   OPENBLAS_NUM_THREADS=1 python3 test/data/reference.py
import json, os, sys, time
import numpy as np
import scipy
from scipy.io import mmread
from scipy.sparse.linalg import svds

here = os.path.dirname(os.path.abspath(__file__))
names = sys.argv[1:] or ["synthetic", "spam", "sotu-address", "sotu-paragraph"]
for name in names:
    A = mmread(f"/tmp/lanczos-{name}.mtx").tocsr()
    out = {"matrix": name, "shape": list(A.shape), "nnz": int(A.nnz), "scipy": scipy.__version__, "tol": 1e-12}
    for k in (16, 50):
        t = time.perf_counter()
        s = svds(A, k=k, tol=1e-12, return_singular_vectors=False, random_state=0)
        out[f"ms{k}"] = round(1000 * (time.perf_counter() - t))
        out[f"s{k}"] = [float(x) for x in np.sort(s)[::-1]]
    with open(os.path.join(here, f"{name}.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(name, out["ms16"], out["ms50"], flush=True)
