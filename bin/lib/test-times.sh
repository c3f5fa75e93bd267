# Prints how long each group of tests took, from Maven's reports: one line per test class, then a total per group
# (a module's unit tests, its fuzz tests, its integration tests). Source it and call gn_test_times ROOT.
gn_test_times() {
  local root="$1" f name time tests group
  printf '\n%-10s %-5s %8s %6s  %s\n' module kind seconds tests class
  for group in agents:surefire agents:fuzz agents:failsafe operator:surefire operator:fuzz operator:failsafe; do
    local module="${group%%:*}" kind total=0 count=0
    case "${group#*:}" in surefire) kind=unit ;; fuzz) kind=fuzz ;; *) kind=it ;; esac
    for f in "$root/$module/target/${group#*:}-reports"/TEST-*.xml; do
      [ -f "$f" ] || continue
      local head
      head=$(grep -m1 -o '<testsuite [^>]*>' "$f")
      name=$(printf '%s' "$head" | sed -n 's/.* name="\([^"]*\)".*/\1/p')
      time=$(printf '%s' "$head" | sed -n 's/.* time="\([^"]*\)".*/\1/p' | tr -d ,)
      tests=$(printf '%s' "$head" | sed -n 's/.* tests="\([^"]*\)".*/\1/p')
      printf '%-10s %-5s %8.1f %6s  %s\n' "$module" "$kind" "${time:-0}" "${tests:-?}" "${name##*.}"
      total=$(awk -v a="$total" -v b="${time:-0}" 'BEGIN { printf "%.1f", a + b }')
      count=$((count + ${tests:-0}))
    done
    printf '%-10s %-5s %8.1f %6s  %s\n' "$module" "$kind" "$total" "$count" "(group total)"
  done
}
