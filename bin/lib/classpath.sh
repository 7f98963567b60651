# Sourced by bin/* and bench/*: builds the command-line module (and what it depends on) once, quietly,
# and sets CLI_CP to its runtime classpath.
cli_classpath() {
  local root=$1
  local stamp="$root/cli/target/classpath.txt"
  if [ ! -f "$stamp" ] || [ -n "$(find "$root/science/src" "$root/experiment/src" "$root/pipeline/src" "$root/cli/src" -newer "$stamp" -print -quit)" ]; then
    (cd "$root" && mvn -B -q -ntp -pl cli -am package -DskipTests >&2)
  fi
  CLI_CP="$root/cli/target/classes:$root/pipeline/target/classes:$root/experiment/target/classes:$root/science/target/classes:$(cat "$stamp")"
  export CLI_CP
}
