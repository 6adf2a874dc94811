#!/usr/bin/env python3
"""Medians of the runs compare.sh printed: python3 bench/scripts/summarise.py runs.log"""
import re, statistics, sys
from collections import defaultdict

runs = defaultdict(list)  # label -> [dict of values]
for line in open(sys.argv[1]):
    if line.startswith("#") or "\t" not in line:
        continue
    label, wall, rss, out = line.rstrip("\n").split("\t", 3)
    values = {"wall_s": float(wall), "peak_rss_mib": int(rss) / 1024}
    for key, value in re.findall(r"(\w+)=([0-9.]+)", out):
        values.setdefault(key, float(value))  # first occurrence (round 1 of large-async)
    m = re.search(r":\s*([0-9.]+)s\s*$", out.strip())
    if m:
        values["reported_s"] = float(m.group(1))
    m = re.search(r"copied, ([0-9.]+) s, ([0-9.]+) ([MG])B/s", out)
    if m:
        values["dd_s"] = float(m.group(1))
        values["dd_MBps"] = float(m.group(2)) * (1000 if m.group(3) == "G" else 1) / 1.048576
    for key, value in re.findall(r"round=2 blocked_s=([0-9.]+) copy_s=([0-9.]+)", out):
        values["blocked2_s"], values["copy2_s"] = float(key), float(value)
    runs[label].append(values)

def med(label, key):
    xs = [r[key] for r in runs.get(label, []) if key in r]
    return statistics.median(xs) if xs else float("nan")

def all_of(label, key):
    return ", ".join(f"{r[key]:.3f}" for r in runs.get(label, []) if key in r)

print("| run | n | median | all runs | peak RSS (MiB, median) |")
print("|---|---:|---:|---|---:|")
for label in runs:
    key = "reported_s" if any("reported_s" in r for r in runs[label]) else ("dd_s" if "dd" in label else "wall_s")
    print(f"| {label} | {len(runs[label])} | {med(label, key):.3f} s | {all_of(label, key)} | {med(label, 'peak_rss_mib'):.0f} |")

print()
print("| figure | median | all runs |")
print("|---|---:|---|")
for label in runs:
    for key in ["save_s", "load_s", "MBps_save", "MBps_load", "load_into_s", "MBps_load_into", "verify_s", "read_s", "save_peak_over_mib", "load_peak_over_mib",
                "blocked_s", "copy_s", "blocked_over_copy", "durable_s", "blocked2_s", "copy2_s", "dd_MBps"]:
        if any(key in r for r in runs[label]):
            print(f"| {label}: {key} | {med(label, key):.3f} | {all_of(label, key)} |")
