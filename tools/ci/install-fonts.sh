#!/usr/bin/env bash
# Installs the Debian handwriting and script fonts that packages/vision's word-image dataset renders words in
# (`contrastive-vision data words`; the list is WORD_FONT_PACKAGES in packages/vision/src/words/fonts.ts, and
# packages/vision/src/words/fonts.test.ts checks that this script names the same packages). The tests render
# with these fonts. Idempotent: does nothing when every package is installed. Needs root (CI runs as root) and
# the Debian apt mirrors. The packages are small (each <= 0.4 MB).
set -euo pipefail
PACKAGES=(
  fonts-breip
  fonts-bwht
  fonts-comic-neue
  fonts-dancingscript
  fonts-dkg-handwriting
  fonts-ecolier-court
  fonts-femkeklaver
  fonts-humor-sans
  fonts-kaushanscript
  fonts-kristi
  fonts-leckerli-one
  fonts-lobster
  fonts-rufscript
  fonts-sjfonts
  fonts-tomsontalks
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-fonts: all ${#PACKAGES[@]} font packages already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-fonts: missing ${missing[*]} and this is not root; run: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
echo "install-fonts: installed ${missing[*]}"
