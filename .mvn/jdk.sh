# Finds a JDK >= 21 for ./qlnn and ./mvnw (POSIX sh; both source this file). Candidates in order:
# JAVA_HOME, the JDK of the `java` on PATH, then every JDK under /usr/lib/jvm, where Debian, Ubuntu
# and Temurin install them side by side (the default `java` may be an older one).

# The major version of the JDK at home $1, or nothing.
qlnn_java_major() {
  qlnn_v=""
  # Every JDK since 9 describes itself in release; asking the JVM costs a JVM start (half a second).
  if [ -f "$1/release" ]; then
    qlnn_v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1)"
  fi
  if [ -z "$qlnn_v" ]; then
    qlnn_v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1)"
  fi
  echo "$qlnn_v"
}

# Prints the home of the first JDK >= 21 (java and javac present) among the candidates; fails when
# there is none. Runs in a subshell so that the caller's options (mvnw's `set -f`) stay untouched.
qlnn_find_jdk() (
  set +f
  is_jdk21() {
    [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
    v="$(qlnn_java_major "$1")"
    [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null
  }
  if [ -n "${JAVA_HOME:-}" ] && is_jdk21 "$JAVA_HOME"; then echo "$JAVA_HOME"; return 0; fi
  if java="$(command -v java 2>/dev/null)"; then
    home="$(dirname "$(dirname "$(readlink -f "$java")")")"
    if is_jdk21 "$home"; then echo "$home"; return 0; fi
  fi
  for home in /usr/lib/jvm/*; do
    if [ -d "$home" ] && is_jdk21 "$home"; then echo "$home"; return 0; fi
  done
  return 1
)
