# Sourced by bin/*: installs what a fresh machine lacks, from Debian: the JDK, Maven, and the real
# Fashion-MNIST (dataset-fashion-mnist) used by the main job and the end-to-end tests, and promtool
# (package prometheus) for deploy-check.
ensure_tools() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  [ -d /usr/share/datasets/fashion-mnist ] || missing+=(dataset-fashion-mnist)
  # promtool: deploy-check runs `promtool check rules` on infra/monitoring's alert rules
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing from Debian: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
