#!/usr/bin/env bash
# Opens a scorecard in headless Chromium (Debian's package) and checks what a
# reader gets: no resource loaded from anywhere, no horizontal overflow on a
# 390 px phone, every chart shown once and drawn, no two chart labels drawn
# over each other, a printable PDF.
#   scripts/browser-check.sh SCORECARD.html [OUT_DIR]
# Installs chromium with apt-get when missing (CI runs as root).
set -euo pipefail
page=$(realpath "$1")
out=${2:-$(mktemp -d)}
mkdir -p "$out"
if ! command -v chromium >/dev/null 2>&1; then
    echo "browser: installing Debian's chromium"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
chrome() {
    local profile
    profile=$(mktemp -d)
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --hide-scrollbars "$@" 2>/dev/null
    rm -rf "$profile"
}
# Valid HTML: a strict HTML5 parse (html5lib from PyPI) must report no error.
python3 -c "import html5lib" 2>/dev/null || pip install --quiet html5lib
python3 - "$page" <<'PY'
import sys, html5lib
parser = html5lib.HTMLParser(strict=True)
try:
    parser.parse(open(sys.argv[1], "rb").read())
except Exception as e:
    print(f"browser: FAILED: not valid HTML5: {e} at {getattr(parser, 'errors', [])[:3]}")
    sys.exit(1)
print("browser: valid HTML5 (strict html5lib parse)")
PY
# Probes: the page in an iframe of exactly the width under test (headless
# windows have a minimum width), with a script that reports what the page
# loaded and how it laid out.
cp "$page" "$out/scorecard.html"
for width in 1200 390; do
    cat > "$out/probe-$width.html" <<HTML
<!DOCTYPE html><html><head><title>pending</title></head><body style="margin:0">
<iframe id="f" src="scorecard.html" style="width:${width}px;height:900px;border:0"></iframe>
<script>
window.onload = () => {
  const w = document.getElementById('f').contentWindow, d = w.document;
  // Each chart is drawn twice (page and phone); the probe counts the one shown.
  const svgs = [...d.querySelectorAll('figure svg')].filter(s => s.getClientRects().length);
  // Two labels of one chart drawn over each other (a phone's row of bar labels).
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const collisions = svgs.flatMap(s => {
    const boxes = [...s.querySelectorAll('text')].map(t => t.getBoundingClientRect()).filter(r => r.width);
    return boxes.flatMap((a, i) => boxes.slice(i + 1).filter(b => overlap(a, b)));
  });
  document.title = JSON.stringify({
    scrollWidth: d.documentElement.scrollWidth,
    innerWidth: w.innerWidth,
    resources: w.performance.getEntriesByType('resource').map(e => e.name),
    figures: d.querySelectorAll('figure').length,
    svgs: svgs.length,
    collisions: collisions.length,
    emptySvgs: svgs.filter(s => s.childElementCount < 2 || s.getBoundingClientRect().width < 50).length,
  });
};
</script></body></html>
HTML
    chrome --allow-file-access-from-files --window-size=1300,1000 --dump-dom "file://$out/probe-$width.html" > "$out/dom-$width.html"
    chrome --window-size=$width,2400 --screenshot="$out/scorecard-$width.png" "file://$page" >/dev/null
done
chrome --print-to-pdf="$out/scorecard.pdf" --no-pdf-header-footer "file://$page" >/dev/null
python3 - "$out" <<'PY'
import html, json, re, sys
out = sys.argv[1]
failures = []
for width in (1200, 390):
    dom = open(f"{out}/dom-{width}.html", encoding="utf-8").read()
    m = re.search(r"<title>(.*?)</title>", dom, re.S)
    if not m:
        failures.append(f"{width}px: the probe did not run")
        continue
    facts = json.loads(html.unescape(m.group(1)))
    if facts["resources"]:
        failures.append(f"{width}px: loaded {facts['resources']}")
    if facts["scrollWidth"] > facts["innerWidth"]:
        failures.append(f"{width}px: page is {facts['scrollWidth']}px wide in a {facts['innerWidth']}px window")
    if facts["svgs"] == 0 or facts["emptySvgs"] or facts["svgs"] != facts["figures"]:
        failures.append(f"{width}px: {facts['svgs']} charts shown in {facts['figures']} figures, {facts['emptySvgs']} empty")
    if facts["collisions"]:
        failures.append(f"{width}px: {facts['collisions']} pairs of chart labels drawn over each other")
    print(f"browser: {width}px: width {facts['scrollWidth']}/{facts['innerWidth']}, {facts['svgs']} charts, {facts['collisions']} label collisions, {len(facts['resources'])} resources loaded")
pdf = open(f"{out}/scorecard.pdf", "rb").read()
if not pdf.startswith(b"%PDF") or len(pdf) < 10_000:
    failures.append("the print-to-PDF is missing or empty")
else:
    print(f"browser: PDF {len(pdf) // 1024} KiB, {pdf.count(b'/Type /Page') - pdf.count(b'/Type /Pages')} pages")
for f in failures:
    print("browser: FAILED:", f)
sys.exit(1 if failures else 0)
PY
echo "browser: screenshots and PDF in $out"
