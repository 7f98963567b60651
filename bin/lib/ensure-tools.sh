# Sourced by bin/*: installs what a fresh machine lacks, from Debian: the JDK, Maven, and the real
# Fashion-MNIST (dataset-fashion-mnist) used by the main job and the end-to-end tests, and promtool
# (package prometheus) for deploy-check, NumPy for the test that reads a checkpoint back in Python, and
# Chromium for the tests that load the results pages in a real (headless) browser.
ensure_tools() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  [ -d /usr/share/datasets/fashion-mnist ] || missing+=(dataset-fashion-mnist)
  # promtool: deploy-check runs `promtool check rules` on infra/monitoring's alert rules
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  # NumPy under Debian's python3: CheckpointFormatTest opens a written checkpoint as safetensors readers do
  /usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || missing+=(python3-numpy)
  # headless Chromium: ResultsPageBrowserTest and the end-to-end test screenshot the results pages
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing from Debian: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}
