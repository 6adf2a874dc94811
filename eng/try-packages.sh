#!/usr/bin/env bash
# Packs the library and the ckpt tool, then uses them from outside the solution, the way a user would:
# a scratch console project restores Checkpointing from the local packages folder and is published as native AOT
# (warnings as errors) and run twice (the second run resumes), and ckpt is installed as a .NET tool from the same
# folder and lists and verifies what the program saved.
#
#   bash eng/try-packages.sh [WORK_DIR]
#
# Everything happens in WORK_DIR (default: a new temp directory): the build (its own bin/obj, so a test run using the
# repository's bin folders is not disturbed), the packages (WORK_DIR/packages), the scratch project and the tool.
# The packages get a unique pre-release version (0.1.0-local.<time>.<pid>) so a stale copy in the NuGet cache is never used;
# that version is removed from the cache again at the end.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/try-checkpointing.XXXXXX")}"
mkdir -p "$work"
packages="$work/packages"
suffix="local.$(date +%s).$$"
prefix="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$repo/src/Directory.Build.props")"
version="$prefix-$suffix"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
# The intermediate build (hundreds of MB) and this version in the NuGet cache go; packages, program and tool stay to look at.
trap 'rm -rf "$work/build" "$cache/checkpointing/$version" "$cache/checkpointing.cli/$version" "$cache/checkpointing.hosting/$version"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "dotnet pack Checkpointing.slnx -c Release --version-suffix $suffix -o $packages"
dotnet pack "$repo/Checkpointing.slnx" -c Release --version-suffix "$suffix" -o "$packages" --artifacts-path "$work/build" -v q -nologo
ls -1 "$packages" | grep -F "$version"

step "a scratch project in $work/consumer that restores only from $packages and nuget.org"
mkdir -p "$work/consumer"
cp "$repo/eng/package-consumer/Consumer.csproj" "$repo/eng/package-consumer/Program.cs" "$work/consumer/"
cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$packages" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
CONFIG

step "dotnet publish (native AOT) -p:CheckpointingVersion=$version"
dotnet publish "$work/consumer/Consumer.csproj" -c Release -p:CheckpointingVersion="$version" -o "$work/app" -v q -nologo

step "run it twice: the second run resumes"
"$work/app/Consumer" "$work/checkpoints"
"$work/app/Consumer" "$work/checkpoints"

step "the same program under the generic host (Checkpointing.Hosting): runs to completion and stops itself"
"$work/app/Consumer" hosted "$work/checkpoints"

step "dotnet tool install Checkpointing.Cli --version $version --tool-path tools"
dotnet tool install Checkpointing.Cli --version "$version" --tool-path "$work/tools" --configfile "$work/nuget.config"
NO_COLOR=1 "$work/tools/ckpt" list --root "$work/checkpoints"
NO_COLOR=1 "$work/tools/ckpt" verify --root "$work/checkpoints"

step "packages $version work from outside the solution (work directory: $work)"
