# Sourced by this benchmark's re-judging scripts (rejudged/rejudge.sh, session4/loo.sh,
# session4/rejudge.sh) after they set OUT (where verdicts go) and TMP (scratch). Everything goes
# through the CLI (`llm-perf-gate compare`); nothing is measured anew.
gate() { npx --no-install llm-perf-gate compare "$@"; }

# record FILE RESULTS...: a history of the given runs, oldest first (each engine start one run)
record() {
  local file=$1; shift
  for r in "$@"; do gate --mode baseline --baseline "$file" --current "$r" --out "$TMP/rec" >/dev/null || exit 1; done
}

# judge NAME HISTORY RESULTS: a pull-request gate; keeps the report, the comparison and the CLI's
# output with its exit status under $OUT/NAME
judge() {
  local name=$1 history=$2 current=$3
  mkdir -p "$OUT/$name"
  gate --mode pr --baseline "$history" --current "$current" --out "$TMP/$name" >"$OUT/$name/cli.log" 2>&1
  echo "exit $?" >>"$OUT/$name/cli.log"
  cp "$TMP/$name/report.md" "$TMP/$name/comparison.json" "$OUT/$name/"
}
