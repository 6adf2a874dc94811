namespace Checkpointing.Cli.Reporting;

/// <summary>The page's only stylesheet, inline: a light theme, a dark one under <c>prefers-color-scheme: dark</c>, and the plot colours by class.</summary>
internal static class ReportStyles
{
    public const string Css = """
        :root {
          --bg: #f7f8fa; --card: #ffffff; --text: #1f2933; --muted: #5f6b7a; --line: #d9dee5; --grid: #eceff3;
          --c1: #2563eb; --c2: #9333ea; --interrupted: #d97706; --resumed: #16a34a; --failed: #dc2626;
          --ok: #15803d; --warn: #b45309; --bad: #b91c1c; --code: #eef1f5;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #111418; --card: #1a1f26; --text: #e4e8ee; --muted: #9aa5b4; --line: #39424e; --grid: #262d36;
            --c1: #60a5fa; --c2: #c084fc; --interrupted: #fbbf24; --resumed: #4ade80; --failed: #f87171;
            --ok: #4ade80; --warn: #fbbf24; --bad: #f87171; --code: #262d36;
          }
        }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 24px 32px 48px; background: var(--bg); color: var(--text);
          font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 0 0 12px; }
        h3 { font-size: 15px; margin: 0; }
        code { background: var(--code); padding: 1px 5px; border-radius: 4px; font-size: 13px; }
        a { color: var(--c1); }
        .meta, .muted { color: var(--muted); }
        header, nav, section.run, footer { max-width: 1400px; margin: 0 auto 20px; }
        nav, section.run, footer { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px; }
        nav ol { margin: 0; padding-left: 22px; }
        nav li { margin: 3px 0; }
        .status { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px; border: 1px solid currentColor; vertical-align: middle; }
        .s-completed, .ok { color: var(--ok); }
        .s-interrupted, .warn { color: var(--warn); }
        .s-failed, .bad { color: var(--bad); }
        .s-inprogress, .s-none { color: var(--muted); }
        dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 8px 20px; margin: 0 0 14px; }
        dl.facts div { min-width: 0; }
        dl.facts dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
        dl.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
        .problems { border-left: 4px solid var(--bad); background: color-mix(in srgb, var(--bad) 8%, transparent); padding: 8px 12px; margin: 0 0 14px; border-radius: 4px; }
        .problems p { margin: 0 0 4px; }
        .problems ul { margin: 0; padding-left: 20px; }
        .note { color: var(--muted); margin: 0 0 12px; }
        .events { margin: 0 0 14px; padding-left: 20px; }
        .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 16px; }
        figure.plot { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px 10px; min-width: 0; }
        figure.plot figcaption p { margin: 2px 0 6px; color: var(--muted); font-size: 12.5px; }
        svg.chart { display: block; width: 100%; height: auto; font-size: 11px; }
        svg.chart .grid line { stroke: var(--grid); stroke-width: 1; }
        svg.chart .axis line { stroke: var(--muted); stroke-width: 1; }
        svg.chart text { fill: var(--muted); }
        svg.chart .axis-title { fill: var(--text); font-size: 12px; }
        svg.chart .empty { font-size: 14px; }
        svg.chart .series.dots .pt { stroke: var(--card); stroke-width: 1; }
        svg.chart .series.line polyline, svg.chart .series.steps path { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
        svg.chart .series.c1 .pt { fill: var(--c1); }
        svg.chart .series.c2 .pt { fill: var(--c2); }
        svg.chart .series.c1 polyline, svg.chart .series.c1 path { stroke: var(--c1); }
        svg.chart .series.c2 polyline, svg.chart .series.c2 path { stroke: var(--c2); }
        svg.chart .series.c1.line polyline { stroke-width: 1; opacity: .55; }
        svg.chart .pt:hover { stroke: var(--text); stroke-width: 2; }
        svg.chart .marker line { stroke-width: 2; }
        svg.chart .marker line.hit { stroke: transparent; stroke-width: 10; }
        svg.chart .m-interrupted line:not(.hit) { stroke: var(--interrupted); }
        svg.chart .m-failed line:not(.hit) { stroke: var(--failed); }
        svg.chart .m-resumed line:not(.hit) { stroke: var(--resumed); stroke-dasharray: 5 4; }
        ul.legend { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12.5px; }
        ul.legend li { display: flex; align-items: center; gap: 6px; }
        .sw { display: inline-block; width: 18px; height: 0; border-top: 3px solid var(--c1); }
        .sw.dots { width: 9px; height: 9px; border: 0; border-radius: 50%; background: var(--c1); }
        .sw.c2 { border-top-color: var(--c2); }
        .sw.dots.c2 { background: var(--c2); }
        .sw.m-interrupted { border-top-color: var(--interrupted); }
        .sw.m-failed { border-top-color: var(--failed); }
        .sw.m-resumed { border-top: 3px dashed var(--resumed); }
        footer h2 { font-size: 16px; }
        footer ul { margin: 0; padding-left: 20px; color: var(--muted); }
        @media (max-width: 640px) { body { padding: 12px; } .plots { grid-template-columns: 1fr; } }
        """;
}
