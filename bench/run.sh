#!/usr/bin/env bash
# The gox benchmark, in one command: builds gox (release) and the go/types
# harness, generates the synthetic project (GoX and Go trees from the same
# seed), times `gox check ./...` cold, no-op and after a one-function-body
# edit, times go/types on the same source, and prints a markdown table.
#
#   bench/run.sh
#   BENCH_PACKAGES=20 BENCH_LINES=50000 bench/run.sh      # quick run
#
# Environment (defaults in brackets):
#   BENCH_PACKAGES [200]  BENCH_LINES [500000]  BENCH_SEED [1]
#   BENCH_RUNS [3]        runs of each measurement; the best is reported
#   BENCH_DIR [target/bench]  where the trees, cache, logs and results go
#   BENCH_SKIP_BUILD [0]  1: use the existing target/release/gox
#   GOX [target/release/gox]   GO [/usr/lib/go-1.19/bin/go]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)

# Two projects by default: 200 packages of 2,500 lines, and 3,000 small
# packages (about 160 lines each), where per-package costs dominate. Each is
# a run of this script of its own (BENCH_PACKAGES and BENCH_LINES set).
if [ -z "${BENCH_PACKAGES:-}" ]; then
	TOP=${BENCH_DIR:-$ROOT/target/bench}
	mkdir -p "$TOP"
	BENCH_PACKAGES=200 BENCH_LINES=500000 BENCH_DIR=$TOP/p200 "$0"
	BENCH_SKIP_BUILD=1 BENCH_PACKAGES=3000 BENCH_LINES=470000 BENCH_DIR=$TOP/p3000 "$0"
	cat "$TOP/p200/results.md" <(echo) "$TOP/p3000/results.md" >"$TOP/results.md"
	echo "bench: both tables in $TOP/results.md" >&2
	exit 0
fi
PACKAGES=${BENCH_PACKAGES}
LINES=${BENCH_LINES:-500000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-3}
WORK=${BENCH_DIR:-$ROOT/target/bench}
GOX=${GOX:-$ROOT/target/release/gox}
GO=${GO:-/usr/lib/go-1.19/bin/go}
TIME=/usr/bin/time
NPROC=$(nproc)

die() { echo "bench: $*" >&2; exit 1; }

[ -x "$TIME" ] || die "$TIME is missing (apt-get install time)"
[ -x "$GO" ] || die "$GO is missing (set GO)"
command -v python3 >/dev/null || die "python3 is missing"
mkdir -p "$WORK/logs"
WORK=$(cd "$WORK" && pwd)
LOGS=$WORK/logs

# ---- build ----
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
	echo "bench: cargo build --release -p gox-cli" >&2
	(cd "$ROOT" && cargo build --release -p gox-cli) >"$LOGS/cargo.log" 2>&1 ||
		{ tail -30 "$LOGS/cargo.log" >&2; die "cargo build failed (log: $LOGS/cargo.log)"; }
fi
[ -x "$GOX" ] || die "$GOX is missing"
echo "bench: building the go/types harness" >&2
(cd "$ROOT/bench/gotypes" && GOFLAGS=-mod=mod GOPROXY=off GO111MODULE=on "$GO" build -o "$WORK/gotypes" .) ||
	die "go build of bench/gotypes failed"

# ---- generate ----
echo "bench: generating $PACKAGES packages, $LINES lines (seed $SEED)" >&2
python3 "$ROOT/bench/gen.py" --packages "$PACKAGES" --lines "$LINES" --seed "$SEED" \
	--out "$WORK/gox" --go-out "$WORK/go" >"$LOGS/gen.json"
info() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/gox/bench-info.json" "$1"; }
NLINES=$(info lines)
EDIT_FILE=$WORK/gox/$(info edit_target)
EDIT_MARKER=$(info edit_marker)
EDIT_PKG=$(dirname "$(info edit_target)")

# run NAME CMD...: runs CMD under /usr/bin/time; sets SECS (wall, ms precision),
# RSS (peak KiB), CPU (user + system seconds, 10 ms precision) and RC; output
# goes to $LOGS/NAME.log.
run() {
	local name=$1
	shift
	local t0 t1
	t0=$(date +%s%N)
	set +e
	"$TIME" -f '%M %U %S' -o "$LOGS/$name.rss" "$@" >"$LOGS/$name.log" 2>&1
	RC=$?
	set -e
	t1=$(date +%s%N)
	SECS=$(python3 -c "print('%.3f' % (($t1 - $t0) / 1e9))")
	read -r RSS user sys < <(tail -1 "$LOGS/$name.rss")
	CPU=$(python3 -c "print('%.2f' % ($user + $sys))")
}

# once NAME I SETUP CMD...: run I of NAME, SETUP (a shell function) first;
# keeps the fastest run in BEST_SECS_OF[NAME] (its output in
# $LOGS/NAME.best.log), the least CPU time of a run in BEST_CPU_OF[NAME], the
# peak RSS over runs in BEST_RSS_OF[NAME] and the last run's status in
# RC_OF[NAME].
declare -A BEST_SECS_OF BEST_CPU_OF BEST_RSS_OF RC_OF
once() {
	local name=$1 i=$2 setup=$3
	shift 3
	"$setup"
	run "$name" "$@"
	echo "bench:   $name run $i: ${SECS}s, ${CPU}s CPU, ${RSS} KiB, exit $RC" >&2
	local least=${BEST_CPU_OF[$name]:-}
	if [ -z "$least" ] || python3 -c "import sys; sys.exit(0 if $CPU < $least else 1)"; then
		BEST_CPU_OF[$name]=$CPU
	fi
	local best=${BEST_SECS_OF[$name]:-}
	if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $SECS < $best else 1)"; then
		BEST_SECS_OF[$name]=$SECS
		cp "$LOGS/$name.log" "$LOGS/$name.best.log"
	fi
	[ "$RSS" -gt "${BEST_RSS_OF[$name]:-0}" ] && BEST_RSS_OF[$name]=$RSS
	RC_OF[$name]=$RC
}

# best NAME SETUP CMD...: RUNS runs of one measurement in a row.
best() {
	local name=$1 setup=$2 i
	shift 2
	for i in $(seq 1 "$RUNS"); do
		once "$name" "$i" "$setup" "$@"
	done
}

# An empty cache is a new directory: the old one is moved aside and deleted
# at the end. (Deleting thousands of entries right before a cold run makes
# ext4 search for inodes not recently freed on each create: the next run
# spends seconds in the kernel, which no user's first check does.)
export GOXCACHE=$WORK/cache
TRASH=$WORK/cache.old
rm -rf "$TRASH" "$GOXCACHE"
mkdir -p "$TRASH"
trap 'rm -rf "$TRASH"' EXIT
EMPTIED=0
empty_cache() {
	EMPTIED=$((EMPTIED + 1))
	[ -d "$GOXCACHE" ] && mv "$GOXCACHE" "$TRASH/$EMPTIED"
	mkdir -p "$GOXCACHE"
}
nothing() { :; }
# Before each cold run of either side, both binaries and both projects'
# sources (and the std export data go/types reads) are read into the page
# cache: this machine's page cache loses a project's pages within seconds
# of writing them (fincore), and a run that meets them on disk measures the
# disk, for one side or the other at random.
warm() {
	cat "$GOX" "$WORK/gotypes" >/dev/null
	find "$WORK/gox" "$WORK/go" -type f \( -name '*.gox' -o -name '*.go' -o -name '*.mod' \) -exec cat {} + >/dev/null
	find "$("$GO" env GOROOT)/pkg" -maxdepth 2 -name '*.a' -exec cat {} + >/dev/null 2>&1 || true
}
cold_gox() {
	empty_cache
	warm
}
set_seed() { # N: rewrites the marked statement of EDIT_FILE to seed := N
	python3 -c 'import re, sys
p, marker, n = sys.argv[1:]
s = open(p).read()
new, k = re.subn(r"seed := [0-9]+ " + re.escape(marker), "seed := %s %s" % (n, marker), s)
if k != 1:
    sys.exit("bench: edit marker %r not found once in %s" % (marker, p))
open(p, "w").write(new)' "$EDIT_FILE" "$EDIT_MARKER" "$1"
}
EDITS=0
edit_body() {
	# Each run sees a body of one function that no earlier run saw; export data is unchanged.
	EDITS=$((EDITS + 1))
	set_seed $((1000 + EDITS))
}

# The cold check and go/types are the comparison: their runs alternate
# (gox, go/types with 1 goroutine, with N, then again), so that a machine
# whose speed drifts during the benchmark slows them alike.
echo "bench: cold gox check and go/types, alternating" >&2
for i in $(seq 1 "$RUNS"); do
	once gox-cold "$i" cold_gox "$GOX" -C "$WORK/gox" check ./...
	once gotypes-j1 "$i" warm "$WORK/gotypes" -json -std export -j 1 "$WORK/go"
	once "gotypes-j$NPROC" "$i" warm "$WORK/gotypes" -json -std export -j "$NPROC" "$WORK/go"
done
COLD_S=${BEST_SECS_OF[gox-cold]} COLD_CPU=${BEST_CPU_OF[gox-cold]} COLD_RSS=${BEST_RSS_OF[gox-cold]} COLD_RC=${RC_OF[gox-cold]}
gt() { # JOBS: the results of go/types with JOBS goroutines
	local name=gotypes-j$1
	GT_S=${BEST_SECS_OF[$name]} GT_CPU=${BEST_CPU_OF[$name]} GT_RSS=${BEST_RSS_OF[$name]}
	GT_JSON=$(grep '^{' "$LOGS/$name.best.log" | tail -1)
	[ "${RC_OF[$name]}" = 0 ] || echo "bench: warning: go/types reported errors (log: $LOGS/$name.log)" >&2
}
gt 1
GT1_S=$GT_S GT1_CPU=$GT_CPU GT1_RSS=$GT_RSS GT1_JSON=$GT_JSON
gt "$NPROC"
GTN_S=$GT_S GTN_CPU=$GT_CPU GTN_RSS=$GT_RSS GTN_JSON=$GT_JSON

echo "bench: gox check, no-op" >&2
best gox-noop nothing "$GOX" -C "$WORK/gox" check ./...
NOOP_S=${BEST_SECS_OF[gox-noop]} NOOP_RSS=${BEST_RSS_OF[gox-noop]}
echo "bench: gox check, no-op without the run record (every package from the build cache)" >&2
no_record() { rm -rf "$GOXCACHE/runs"; }
best gox-noop-cache no_record "$GOX" -C "$WORK/gox" check ./...
NOOPC_S=${BEST_SECS_OF[gox-noop-cache]} NOOPC_RSS=${BEST_RSS_OF[gox-noop-cache]}
echo "bench: gox check, one function body edited in $EDIT_PKG" >&2
best gox-edit edit_body "$GOX" -C "$WORK/gox" check ./...
EDIT_S=${BEST_SECS_OF[gox-edit]} EDIT_RSS=${BEST_RSS_OF[gox-edit]}
set_seed 17

# A cold local cache with a warm shared cache: nginx (WebDAV, the repository's
# test config) on 127.0.0.1, filled by one push run, then timed from an empty
# GOXCACHE each run. Skipped without nginx.
REMOTE_S=""
NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
if [ -n "$NGINX" ]; then
	NG=$WORK/nginx
	rm -rf "$NG"; mkdir -p "$NG/data" "$NG/tmp"
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	sed -e "s|@ROOT@|$NG|g; s|@PORT@|$PORT|g" "$ROOT/gox-cli/tests/remote_cache/nginx.conf" >"$NG/nginx.conf"
	"$NGINX" -c "$NG/nginx.conf" -p "$NG" >/dev/null 2>&1 &
	NGINX_PID=$!
	sleep 0.5
	echo "bench: cold local cache, warm shared cache (nginx on 127.0.0.1:$PORT)" >&2
	empty_cache
	GOXREMOTECACHE=http://127.0.0.1:$PORT "$GOX" -C "$WORK/gox" check ./... >/dev/null 2>&1 || true
	best gox-remote empty_cache env GOXREMOTECACHE=http://127.0.0.1:$PORT "$GOX" -C "$WORK/gox" check ./...
	REMOTE_S=${BEST_SECS_OF[gox-remote]} REMOTE_RSS=${BEST_RSS_OF[gox-remote]}
	kill "$NGINX_PID" 2>/dev/null || true
else
	echo "bench: nginx not installed: no shared-cache row (apt-get install nginx-core)" >&2
fi
# One more cold run with --timings for the record (not timed).
empty_cache
"$GOX" -C "$WORK/gox" check --timings ./... >"$LOGS/gox-timings.log" 2>&1 || true
NDIAG=$(grep -c ':[0-9]*:[0-9]*: ' "$LOGS/gox-cold.best.log" || true)

# ---- report ----
python3 - "$WORK/results.md" <<EOF
import json, platform, subprocess, sys
info = json.load(open("$WORK/gox/bench-info.json"))
g1 = json.loads('''$GT1_JSON''' or "{}")
gn = json.loads('''$GTN_JSON''' or "{}")
lines = $NLINES
def mib(kib): return "%.0f MiB" % (int(kib) / 1024)
def lps(s): return "%.0fk" % (lines / float(s) / 1000) if float(s) > 0 else "-"
def cpu():
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                return l.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()
try:
    gox_version = subprocess.run(["$GOX", "version"], capture_output=True, text=True).stdout.strip()
except OSError:
    gox_version = "?"
cold, gt1, gtn = float("$COLD_S"), float("$GT1_S"), float("$GTN_S")
rows = [
    ("gox check ./..., cold (empty GOXCACHE)", "$COLD_S", lps("$COLD_S"), mib("$COLD_RSS")),
    ("gox check ./..., no-op re-check (run record)", "$NOOP_S", "-", mib("$NOOP_RSS")),
    ("gox check ./..., no-op re-check without the run record (build cache)", "$NOOPC_S", "-", mib("$NOOPC_RSS")),
    ("gox check ./..., one function body edited in $EDIT_PKG (imported by %d)" % info["max_fan_in"], "$EDIT_S", "-", mib("$EDIT_RSS")),
] + ([("gox check ./..., cold local cache, warm shared cache (nginx, 127.0.0.1)", "$REMOTE_S", "-", mib("${REMOTE_RSS:-0}"))] if "$REMOTE_S" else []) + [
    ("go/types, 1 goroutine (std from export data + module)", "$GT1_S", lps("$GT1_S"), mib("$GT1_RSS")),
    ("go/types, $NPROC goroutines (std from export data + module): its fastest", "$GTN_S", lps("$GTN_S"), mib("$GTN_RSS")),
]
out = []
out.append("Synthetic project: %d packages (%d levels, %d imports, max fan-in %d), %d files, %d lines, %.1f MB; seed %d" % (
    info["packages"], info["levels"], info["edges"], info["max_fan_in"], info["files"], info["lines"], info["bytes"] / 1e6, info["seed"]))
out.append("Machine: %s cores, %s; %s; go/types of %s; best of $RUNS runs" % ("$NPROC", cpu(), gox_version or "gox", "$($GO version | cut -d' ' -f3)"))
out.append("")
out.append("| measurement | wall time | lines/s | peak RSS |")
out.append("|---|---:|---:|---:|")
for r in rows:
    out.append("| %s | %.3f s | %s | %s |" % (r[0], float(r[1]), r[2], r[3]))
out.append("")
if g1:
    out.append("go/types phases (1 goroutine): parse %.2f s, std from export data (%d packages imported) %.2f s, module check %.2f s; %d errors" % (
        g1["parse_sec"], g1["std_packages"], g1["std_sec"], g1["check_sec"], g1["errors"]))
if gn:
    out.append("go/types phases ($NPROC goroutines): parse %.2f s, std %.2f s, module check %.2f s; %d errors" % (
        gn["parse_sec"], gn["std_sec"], gn["check_sec"], gn["errors"]))
if cold > 0:
    out.append("Speed-up of cold gox check: %.1fx over go/types at its fastest ($NPROC goroutines, std from export data), %.1fx over 1 goroutine" % (gtn / cold, gt1 / cold))
cold_cpu, gtn_cpu, gt1_cpu = float("$COLD_CPU"), float("$GTN_CPU"), float("$GT1_CPU")
if cold_cpu > 0:
    # CPU time (user + system, least of the runs) drifts less than wall time
    # on a machine whose speed changes: the work each side does.
    out.append("CPU time (user + system, least of $RUNS): cold gox check %.2f s, go/types %.2f s with $NPROC goroutines (%.1fx), %.2f s with 1 (%.1fx)" % (
        cold_cpu, gtn_cpu, gtn_cpu / cold_cpu, gt1_cpu, gt1_cpu / cold_cpu))
if "$COLD_RC" != "0" or int("$NDIAG" or 0) > 0:
    out.append("")
    out.append("WARNING: gox check exited with status $COLD_RC and printed $NDIAG diagnostics on code that go/types accepts (log: $LOGS/gox-cold.best.log)")
text = "\n".join(out) + "\n"
open(sys.argv[1], "w").write(text)
sys.stdout.write(text)
EOF
