#!/usr/bin/env bash
# After a deliberate public API change, brings src/*/PublicAPI.Unshipped.txt up to date from the build's own
# diagnostics: members the build reports as missing (RS0016) are added, members it reports as gone (RS0017) are
# removed from the Unshipped list. Review the diff: it is the API change users will see. A member removed from
# PublicAPI.Shipped.txt is a breaking change and is left for a human to decide.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for project in "$repo"/src/*/*.csproj; do
  dir="$(dirname "$project")"
  [ -f "$dir/PublicAPI.Unshipped.txt" ] || continue
  log="$(mktemp)"
  dotnet build "$project" -c Release --no-incremental -nologo -v q >"$log" 2>&1 || true
  python3 - "$dir/PublicAPI.Unshipped.txt" "$dir" "$log" <<'PY'
import re, sys
path, directory = sys.argv[1], sys.argv[2]
log = open(sys.argv[3]).read()
mine = lambda line: directory + "/" in line
added = {m.group(1) for line in log.splitlines() if mine(line) and "RS0016" in line
         for m in [re.search(r"Symbol '(.*)' is not part of the declared public API", line)] if m}
removed = {m.group(1) for line in log.splitlines() if "RS0017" in line
           for m in [re.search(r"Symbol '(.*)' is part of the declared API", line)] if m}
lines = [l for l in open(path).read().splitlines() if l.strip()]
header = [l for l in lines if l.startswith("#")]
body = sorted((set(l for l in lines if not l.startswith("#")) | added) - removed, key=str.lower)
open(path, "w").write("\n".join(header + body) + "\n")
print(f"{path}: +{len(added)} -{len(removed & set(lines))}")
PY
  rm -f "$log"
done
