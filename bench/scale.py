#!/usr/bin/env python3
"""Scaling benchmark: does gox stay linear on large inputs?

    bench/scale.py                      # every shape at its default size n and 2n
    bench/scale.py --only complit,errors --scale 4
    bench/scale.py --list

For each input shape it writes a GoX project at size n and at size 2n, runs the
release gox binary on each (best of --runs, default 3) and prints the wall time
and the CPU time (user + system) with their growth factors t(2n)/t(n) (about 2
for linear work, 4 for quadratic) and the peak RSS of the process. On a busy
machine the CPU time is the steadier figure; the wall time of import-chain (cold)
is mostly the file system writing one cache entry per package. A linear or n log n implementation stays near 2.0-2.3;
anything close to 4 is a superlinear cliff. These are benchmarks, not tests:
nothing fails, the numbers are printed (and written to DIR/scale.md).

Shapes (issue #16, "Scale: no superlinear cliffs"):

  requires      gox.mod with n `require` lines (and .goxdeps/<path>@<v>/gox.mod
                for each), timed: `gox mod graph`
  complit       one `[]int{...}` literal of n elements
  complit-map   one `map[int]int{k: v, ...}` literal of n keyed elements
  errors        one file with n type errors (`gox check -e`, all printed)
  methods       one type with n methods
  iface         an interface of n methods and a type with those n methods,
                assigned to it (method set lookup / implements)
  const-chain   const c1 = c0 + 1, c2 = c1 + 1, ... (n constants, each using the
                previous: a chain that stays under the nesting cap)
  var-chain     the same with package-level variables (initialization order)
  const-flat    n independent constants
  var-flat      n independent variables
  import-chain  n packages, each importing the previous one; cold (empty
                GOXCACHE) and warm (the same command again)
  bad-imports   n packages, each importing the previous one by the Go
                spelling `"<module path>/p<i>"`, which names no package:
                n errors, each with its suggestion

Everything except `requires` is timed as `gox check ./...` in the project
directory. Inputs go to --dir (default target/bench/scale), one directory per
shape and size, regenerated on each run (the output depends only on n).

Needs python3 (3.8+); GOX=path picks another gox binary (default
target/release/gox; build it with `cargo build --release -p gox-cli`).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "scale.example/m"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def fresh(d):
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)


def gox_mod(d, extra=""):
    write(os.path.join(d, "gox.mod"), "module %s\n%s" % (MODULE, extra))


# ---- generators: each writes a project for size n into d ----

def gen_requires(d, n):
    lines = ["require a%d example.com/dep/a%d v1.0.%d" % (i, i, i % 10) for i in range(n)]
    gox_mod(d, "\n" + "\n".join(lines) + "\n")
    for i in range(n):
        write(os.path.join(d, ".goxdeps", "example.com", "dep", "a%d@v1.0.%d" % (i, i % 10), "gox.mod"),
              "module example.com/dep/a%d\n" % i)


def gen_complit(d, n):
    gox_mod(d)
    body = ",\n".join(", ".join(str(j) for j in range(i, min(i + 16, n))) for i in range(0, n, 16))
    write(os.path.join(d, "main.gox"),
          "package main\n\nvar xs = []int{\n%s,\n}\n\nfunc main() { _ = xs }\n" % body)


def gen_complit_map(d, n):
    gox_mod(d)
    body = ",\n".join(", ".join("%d: %d" % (j, j) for j in range(i, min(i + 8, n))) for i in range(0, n, 8))
    write(os.path.join(d, "main.gox"),
          "package main\n\nvar m = map[int]int{\n%s,\n}\n\nfunc main() { _ = m }\n" % body)


def gen_errors(d, n):
    gox_mod(d)
    body = "\n".join('\tx = "s%d"' % i for i in range(n))
    write(os.path.join(d, "main.gox"),
          "package main\n\nfunc main() {\n\tvar x int\n%s\n\t_ = x\n}\n" % body)


def gen_methods(d, n):
    gox_mod(d)
    ms = "\n".join("func (t T) M%d() int { return t.v + %d }" % (i, i) for i in range(n))
    write(os.path.join(d, "main.gox"),
          "package main\n\ntype T struct{ v int }\n\n%s\n\nfunc main() { var t T; _ = t.M0() + t.M%d() }\n"
          % (ms, n - 1))


def gen_iface(d, n):
    gox_mod(d)
    sig = "\n".join("\tM%d() int" % i for i in range(n))
    ms = "\n".join("func (t *T) M%d() int { return t.v }" % i for i in range(n))
    write(os.path.join(d, "main.gox"),
          "package main\n\ntype I interface {\n%s\n}\n\ntype T struct{ v int }\n\n%s\n\n"
          "var _ I = &T{}\n\nfunc main() { var i I = &T{}; _ = i.M0() }\n" % (sig, ms))


def gen_const_chain(d, n):
    gox_mod(d)
    decls = "\n".join("const c%d = c%d + 1" % (i, i - 1) for i in range(1, n))
    write(os.path.join(d, "main.gox"),
          "package main\n\nconst c0 = 0\n%s\n\nfunc main() { _ = c%d }\n" % (decls, n - 1))


def gen_var_chain(d, n):
    gox_mod(d)
    decls = "\n".join("var v%d = v%d + 1" % (i, i - 1) for i in range(1, n))
    write(os.path.join(d, "main.gox"),
          "package main\n\nvar v0 = 0\n%s\n\nfunc main() { _ = v%d }\n" % (decls, n - 1))


def gen_const_flat(d, n):
    gox_mod(d)
    decls = "\n".join("const c%d = %d" % (i, i) for i in range(n))
    write(os.path.join(d, "main.gox"), "package main\n\n%s\n\nfunc main() { _ = c0 }\n" % decls)


def gen_var_flat(d, n):
    gox_mod(d)
    decls = "\n".join("var v%d = %d" % (i, i) for i in range(n))
    write(os.path.join(d, "main.gox"), "package main\n\n%s\n\nfunc main() { _ = v0 }\n" % decls)


def chain_packages(d, n, spell):
    """n packages p0 .. p(n-1), each importing the previous one by the path
    `spell(i)` gives."""
    gox_mod(d)
    for i in range(n):
        if i == 0:
            src = "package p0\n\nfunc F() int { return 0 }\n"
        else:
            src = ('package p%d\n\nimport "%s"\n\nfunc F() int { return p%d.F() + 1 }\n'
                   % (i, spell(i - 1), i - 1))
        write(os.path.join(d, "p%d" % i, "p.gox"), src)


def gen_import_chain(d, n):
    chain_packages(d, n, lambda i: "p%d" % i)
    write(os.path.join(d, "main.gox"),
          'package main\n\nimport "p%d"\n\nfunc main() { _ = p%d.F() }\n' % (n - 1, n - 1))


def gen_bad_imports(d, n):
    chain_packages(d, n, lambda i: "%s/p%d" % (MODULE, i))


# name -> (generator, default n, command, expected exit codes)
CHECK = ["check", "-q", "./..."]
SHAPES = {
    "requires": (gen_requires, 20000, ["mod", "graph"], (0,)),
    "complit": (gen_complit, 500000, CHECK, (0,)),
    "complit-map": (gen_complit_map, 200000, CHECK, (0,)),
    "errors": (gen_errors, 50000, ["check", "-q", "-e", "--format", "go", "./..."], (1,)),
    "methods": (gen_methods, 20000, CHECK, (0,)),
    "iface": (gen_iface, 20000, CHECK, (0,)),
    "const-chain": (gen_const_chain, 50000, CHECK, (0,)),
    "var-chain": (gen_var_chain, 50000, CHECK, (0,)),
    "const-flat": (gen_const_flat, 100000, CHECK, (0,)),
    "var-flat": (gen_var_flat, 100000, CHECK, (0,)),
    "import-chain": (gen_import_chain, 2000, CHECK, (0,)),
    "bad-imports": (gen_bad_imports, 2000, ["check", "-q", "-e", "./..."], (1,)),
}


def run_once(gox, args, cwd, env, timeout):
    """Runs gox once; returns (wall seconds, CPU seconds (user + system), peak RSS in KiB,
    exit code, stderr), wall seconds None on timeout."""
    start = time.perf_counter()
    with open(os.devnull, "w") as null:
        p = subprocess.Popen([gox] + args, cwd=cwd, env=env, stdout=null, stderr=subprocess.PIPE)
        deadline = start + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                os.wait4(p.pid, 0)
                return None, 0, 0, None, ""
            time.sleep(0.002)
    elapsed = time.perf_counter() - start
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8
    return elapsed, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, code, err


def measure(gox, shape, n, args, runs, timeout, base):
    """Best of `runs` (wall and CPU time each the best, RSS the largest): {kind: (wall, cpu, rss)};
    import-chain gives a cold (fresh cache each run) and a warm figure."""
    gen, _, cmd, codes = SHAPES[shape]
    d = os.path.join(base, "%s-%d" % (shape, n))
    fresh(d)
    gen(d, n)
    results = {}
    cache_root = tempfile.mkdtemp(prefix="gox-scale-cache-")
    try:
        kinds = ["cold", "warm"] if shape == "import-chain" else [""]
        best = {k: (None, None, 0) for k in kinds}
        for r in range(runs):
            cache = os.path.join(cache_root, "c%d" % r)
            os.makedirs(cache)
            env = dict(os.environ, GOXCACHE=cache)
            for k in kinds:
                t, cpu, rss, code, err = run_once(gox, cmd, d, env, timeout)
                if t is None:
                    best[k] = ("timeout", None, best[k][2])
                    continue
                if code not in codes:
                    sys.stderr.write("scale: %s n=%d: exit %s (expected %s)\n%s\n"
                                     % (shape, n, code, codes, err[-2000:]))
                bt, bcpu, brss = best[k]
                if bt is None or bt == "timeout" or t < bt:
                    bt = t
                if bcpu is None or cpu < bcpu:
                    bcpu = cpu
                best[k] = (bt, bcpu, max(brss, rss))
            if any(v[0] == "timeout" for v in best.values()):
                break
        for k in kinds:
            results[k] = best[k]
    finally:
        shutil.rmtree(cache_root, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(d, ignore_errors=True)
    return results


def fmt_t(t, timeout):
    if t == "timeout":
        return "> %.0f s" % timeout
    if t is None:
        return "-"
    return "%.3f s" % t


def growth(a, b):
    if isinstance(a, float) and isinstance(b, float) and a > 0:
        return "%.2f" % (b / a)
    return "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated shapes (default: all)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every default n (default 1)")
    ap.add_argument("--n", type=int, help="use this n for every selected shape")
    ap.add_argument("--runs", type=int, default=3, help="runs per size; the best is reported")
    ap.add_argument("--timeout", type=float, default=300, help="seconds one run may take")
    ap.add_argument("--dir", default=os.path.join(ROOT, "target", "bench", "scale"))
    ap.add_argument("--keep", action="store_true", help="keep the generated projects")
    ap.add_argument("--list", action="store_true", help="list the shapes and their default n")
    args = ap.parse_args()
    if args.list:
        for name, (_, n, cmd, _) in SHAPES.items():
            print("%-13s n=%-7d gox %s" % (name, n, " ".join(cmd)))
        return
    shapes = list(SHAPES) if not args.only else args.only.split(",")
    for s in shapes:
        if s not in SHAPES:
            sys.exit("scale: unknown shape %r (see --list)" % s)
    gox = os.environ.get("GOX") or os.path.join(ROOT, "target", "release", "gox")
    if not os.access(gox, os.X_OK):
        sys.exit("scale: %s is missing; run: cargo build --release -p gox-cli" % gox)
    os.makedirs(args.dir, exist_ok=True)

    rows = []
    header = ("| shape | n | wall(n) | wall(2n) | growth | cpu(n) | cpu(2n) | cpu growth | peak RSS (2n) |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(header)
    for s in shapes:
        n = args.n or max(1, int(SHAPES[s][1] * args.scale))
        a = measure(gox, s, n, args, args.runs, args.timeout, args.dir)
        b = measure(gox, s, 2 * n, args, args.runs, args.timeout, args.dir)
        for k in a:
            ta, ca, _ = a[k]
            tb, cb, rss = b[k]
            name = s + (" (%s)" % k if k else "")
            row = "| %s | %d | %s | %s | %s | %s | %s | %s | %.0f MiB |" % (
                name, n, fmt_t(ta, args.timeout), fmt_t(tb, args.timeout), growth(ta, tb),
                fmt_t(ca, args.timeout), fmt_t(cb, args.timeout), growth(ca, cb), rss / 1024)
            print(row, flush=True)
            rows.append(row)
    with open(os.path.join(args.dir, "scale.md"), "w") as f:
        f.write(header + "\n" + "\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
