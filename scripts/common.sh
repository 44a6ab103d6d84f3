# Shared by ./lesson and ./rocketmq: find Java, build a module when its sources changed, and give
# its run-time class path. Needs only a JDK 17+; Maven comes through the wrapper (./mvnw).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

java_bin() {
  local java="java"
  [ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
  if ! command -v "$java" >/dev/null 2>&1; then
    echo "ERROR: no Java found. Install a JDK 17 or newer (e.g. Temurin) and put it on PATH or set JAVA_HOME." >&2
    exit 2
  fi
  local version
  version=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [ "${version%%.*}" -lt 17 ] 2>/dev/null; then
    echo "ERROR: Java $version found; this project needs 17 or newer (set JAVA_HOME to a newer JDK)." >&2
    exit 2
  fi
  echo "$java"
}

# ensure_built MODULE: compiles MODULE and the modules it depends on (the stack, the clients
# helper, a phase module a project builds on) when any source, pom or config file is newer than
# the last build, and writes MODULE/target/run.classpath.
ensure_built() {
  local module=$1
  local marker="$ROOT/$module/target/run.classpath"
  if [ -f "$marker" ] && [ -z "$(find "$ROOT"/*/src "$ROOT/config" "$ROOT"/pom.xml "$ROOT"/*/pom.xml \
        -newer "$marker" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  echo "Building $module (the first time downloads Maven and the dependencies; later runs skip this)..." >&2
  # .mvn/maven.config adds --also-make: the modules MODULE depends on are built too.
  (cd "$ROOT" && ./mvnw -q -B -pl "$module" compile dependency:build-classpath \
      -Dmdep.outputFile=target/run.classpath -Dmdep.includeScope=runtime) >&2 || {
    echo "ERROR: the build failed (see above)." >&2
    exit 1
  }
  touch "$marker" # the plugin leaves an unchanged file as it was
}

# run_classpath MODULE: the class path to run a main class of MODULE (the modules it depends on
# are their target/classes folders: the build does not install them).
run_classpath() {
  local module=$1
  echo "$ROOT/$module/target/classes:$(cat "$ROOT/$module/target/run.classpath")"
}
