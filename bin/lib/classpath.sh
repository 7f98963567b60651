# Sourced by bin/* and bench/*: builds core once (quietly) and sets CORE_CP to its runtime classpath.
core_classpath() {
  local root=$1
  if [ ! -f "$root/core/target/classpath.txt" ] || [ -n "$(find "$root/core/src" -newer "$root/core/target/classpath.txt" -print -quit)" ]; then
    (cd "$root" && mvn -B -q -ntp -pl core -am package -DskipTests >&2)
  fi
  CORE_CP="$root/core/target/classes:$(cat "$root/core/target/classpath.txt")"
  export CORE_CP
}
