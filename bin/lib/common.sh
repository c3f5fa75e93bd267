# Shared by the bin/ scripts. Source it; it defines functions and GN_ROOT, changes nothing.
GN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GN_CACHE="${GN_CACHE:-$GN_ROOT/.cache}"
GN_HOST_ENV="$GN_CACHE/host.env"

gn_say() { printf 'guestnode: %s\n' "$*" >&2; }
gn_die() { printf 'guestnode: error: %s\n' "$*" >&2; exit 1; }

# Major version of the JDK at $1 (a JAVA_HOME), or nothing.
gn_java_major() {
  local home="$1" v
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  [ -n "$v" ] || return 1
  printf '%s\n' "${v%%.*}"
}

# Sets JAVA_HOME to a JDK 21 or newer: $JAVA_HOME when it qualifies, else the newest under /usr/lib/jvm.
gn_find_java() {
  local best="" best_v=0 h v
  if [ -n "${JAVA_HOME:-}" ] && v=$(gn_java_major "$JAVA_HOME") && [ "$v" -ge 21 ]; then
    export JAVA_HOME; return 0
  fi
  for h in /usr/lib/jvm/*; do
    [ -d "$h" ] && [ ! -L "$h" ] || continue
    v=$(gn_java_major "$h") || continue
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$h"; best_v="$v"; fi
  done
  if [ -z "$best" ]; then
    gn_die "guestnode needs a JDK 21 or newer and found none (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm has: $(ls /usr/lib/jvm 2>/dev/null | tr '\n' ' ')). Install one, e.g. 'apt-get install openjdk-21-jdk-headless' where your release has it, or a Temurin 21+ package, or set JAVA_HOME to it."
  fi
  export JAVA_HOME="$best"
}

# Maven with the JDK found above; quiet about JDK 24+'s sun.misc.Unsafe notices from Maven itself.
gn_mvn() {
  gn_find_java
  local opts="${MAVEN_OPTS:-}"
  if [ "$(gn_java_major "$JAVA_HOME")" -ge 24 ]; then opts="$opts --sun-misc-unsafe-memory-access=allow"; fi
  MAVEN_OPTS="$opts" mvn "$@"
}

# Builds the jars and the test classes, and sets GN_TOOLS_CP to the classpath of the project's Java tools (demo,
# bench, lab). $1 names the build's log in $GN_CACHE.
gn_build_tools() {
  mkdir -p "$GN_CACHE"
  (cd "$GN_ROOT" && gn_mvn -B -q test-compile jar:jar jar:test-jar dependency:copy-dependencies@runtime-libs \
     dependency:build-classpath -Dmdep.outputFile="$GN_CACHE/operator-test.classpath" -pl agents,operator \
     >"$GN_CACHE/$1" 2>&1) || { tail -30 "$GN_CACHE/$1" >&2; gn_die "build failed (log: $GN_CACHE/$1)"; }
  GN_TOOLS_CP="$GN_ROOT/operator/target/test-classes:$GN_ROOT/operator/target/classes:$(cat "$GN_CACHE/operator-test.classpath")"
}

# Loads what bin/setup-host found (paths of pacemaker-remoted and friends).
gn_load_host_env() {
  # shellcheck disable=SC1090
  [ -f "$GN_HOST_ENV" ] && . "$GN_HOST_ENV"
  return 0
}
