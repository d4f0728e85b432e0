#!/usr/bin/env python3
"""The yardstick of issue 13: plain Typst setting the same forms as ONE document.

    python3 benches/typst_one_document.py CORPUS_DIR FONTS_DIR [RUNS [JOBS]]

Reads every declaration of CORPUS_DIR (the bench's reference-sized variants), writes them
as one JSON file beside a plain hand-written Typst template — the same sections, columns,
fonts and merged label cells as jixiao's form, but none of jixiao's extras (no labels
repeated on continuation pages, no keep-together cells, no per-form page counter) — and
compiles it with the typst Python binding (`pip install typst`, Typst 0.15) RUNS times
(default 3), each in a Python process of its own (cold caches: in one process the binding
keeps Typst's memoised results, and a second compile of the same files is nearly free), with
only the fonts of FONTS_DIR. Prints one line (seconds of the compile call, fonts loaded
inside it; cpu_s: user + system seconds of that call):

    typst-one-document docs=N pages=P runs=R median_s=S docs_per_s=D cpu_s=C all_s=…

With JOBS, a second line: the same template and Typst setting every form as a PDF of its
own, as a batch of separate PDFs must — JOBS Python processes at once, each compiling its
share of the forms one after the other with one `typst.Compiler` (so its caches and fonts
carry from one form to the next, as in one jixiao process), timed from the start of the
first process to the end of the last (process start and font loading included, as in a
jixiao batch's wall time):

    typst-separate docs=N jobs=J runs=R median_s=S docs_per_s=D cpu_s=C all_s=…
"""

import json
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import typst

TEMPLATE = r"""
#let forms = json("forms.json")
// One form only, for the separate-PDF measurement (sys.inputs.n: its index).
#let forms = if "n" in sys.inputs { (forms.at(int(sys.inputs.n)),) } else { forms }
#set page(paper: "a4", margin: (top: 2cm, bottom: 2.2cm, x: 1.8cm),
  footer: context align(center, text(size: 9pt)[第#counter(page).display()页]))
#set text(font: "Noto Serif CJK SC", size: 10.5pt, lang: "zh", region: "cn", cjk-latin-spacing: none)
#set par(justify: false, leading: 0.55em, spacing: 0.55em)
#show table: set block(spacing: 0pt)
#let paras(list) = list.map(p => [#p]).join(parbreak())
#let c(body, ..args) = table.cell(align: center + horizon, ..args, body)
#let tab(cols, ..cells) = table(columns: cols, inset: (x: 3.5pt, y: 4pt),
  align: left + horizon, stroke: 0.5pt, ..cells)
#for (n, f) in forms.enumerate() {
  if n > 0 { pagebreak() }
  align(center, text(font: "Noto Sans CJK SC", weight: "bold", size: 18pt, f.title))
  v(0.6em)
  let b = f.budget
  tab((19fr, 155fr), c[部门名称], [#f.department])
  tab((19fr, 43fr, 34fr, 44fr, 34fr),
    c(rowspan: 6)[预算整体情况], c[部门预算支出], c[预算金额（万元）], c[收入来源], c[预算金额（万元）],
    c[基本支出], [#b.basic], c[财政拨款], [#b.appropriation],
    c[项目支出], [#b.project], c[其他资金], [#b.other_funds],
    c[事业发展性支出], c[预算金额（万元）], c[按预算级次划分], c[预算金额（万元）],
    c[财政专项资金], [#b.special_fund], c[市本级使用资金], [#b.city_level],
    c[其他事业发展性支出], [#b.other_development], c[拟用于对下转移支付资金], [#b.transfer])
  tab((19fr, 155fr), c[总体绩效目标], paras(f.goal))
  let rows = f.tasks.map(t => t.rows.len()).sum(default: 0)
  tab((19fr, 22fr, 50fr, 25fr, 58fr),
    c(rowspan: rows + 1)[年度重点工作任务], c[名称], c[主要实施内容], c[拟投入的资金#linebreak()（万元）], c[期望达到的目标（概述）],
    ..f.tasks.map(t => {
      let first = true
      let cells = ()
      for r in t.rows {
        if first { cells.push(c(rowspan: t.rows.len())[#t.name]); first = false }
        cells += (paras(r.content), table.cell(align: right + horizon)[#r.amount], paras(r.target))
      }
      cells
    }).flatten())
  tab((19fr, 155fr), c[其他需完成的任务（可选填）], paras(f.other_tasks))
  tab((19fr, 21fr, 25fr, 37fr, 36fr, 36fr),
    c(rowspan: f.indicators.len() + 1)[绩效指标], c[一级指标], c[二级指标], c[三级指标], c[实施周期指标值], c[年度指标值],
    ..f.indicators.map(i => ([#i.level1], [#i.level2], [#i.name], [#i.period_value], [#i.annual_value])).flatten())
}
"""


def form(path):
    d = tomllib.loads(path.read_text(encoding="utf-8"))
    as_list = lambda v: v if isinstance(v, list) else [v]
    return {
        "title": "部门整体预算绩效目标申报表",
        "department": d["department"],
        "budget": {k: str(v) for k, v in d.get("budget", {}).items()}
        | {k: "" for k in ["basic", "project", "special_fund", "other_development",
                           "appropriation", "other_funds", "city_level", "transfer"]
           if k not in d.get("budget", {})},
        "goal": as_list(d.get("goal", [])),
        "other_tasks": [p for p in as_list(d.get("other_tasks", [])) if p],
        "tasks": [{"name": t["name"], "rows": [
            {"content": as_list(r.get("content", [])), "amount": str(r.get("amount", "")),
             "target": as_list(r.get("target", []))} for r in t.get("rows", [])]}
            for t in d.get("tasks", [])],
        "indicators": [{k: i.get(k, "") for k in ["level1", "level2", "name", "period_value", "annual_value"]}
                       for i in d.get("indicators", [])],
    }


def main(corpus, fonts, runs, jobs=None):
    forms = [form(p) for p in sorted(corpus.rglob("*.toml"))]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "forms.json").write_text(json.dumps(forms, ensure_ascii=False), encoding="utf-8")
        (tmp / "main.typ").write_text(TEMPLATE, encoding="utf-8")
        # Every run in a process of its own: the binding keeps Typst's caches between
        # compiles in one process, so a second compile there is memoised, not measured.
        times, cpus = [], []
        for _ in range(runs):
            out = subprocess.run([sys.executable, __file__, "--compile", str(tmp), str(fonts)],
                                 capture_output=True, text=True, check=True).stdout.split()
            times.append(float(out[0]))
            cpus.append(float(out[1]))
        info = subprocess.run(["pdfinfo", str(tmp / "out.pdf")], capture_output=True, text=True).stdout
        separate_line = separate(tmp, fonts, len(forms), runs, jobs) if jobs else None
    pages = next((l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")), "?")
    m = statistics.median(times)
    print(f"typst-one-document docs={len(forms)} pages={pages} runs={runs} "
          f"median_s={m:.3f} docs_per_s={len(forms) / m:.1f} cpu_s={statistics.median(cpus):.3f} "
          f"all_s={','.join(f'{t:.3f}' for t in times)}")
    if separate_line:
        print(separate_line)


def separate(tmp, fonts, count, runs, jobs):
    """RUNS times: JOBS processes compile every form as a PDF of its own; returns the
    `typst-separate` line."""
    times, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, __file__, "--compile-each", str(tmp), str(fonts),
                                   str(k), str(jobs), str(count)], stdout=subprocess.PIPE, text=True)
                 for k in range(jobs)]
        outs = [p.communicate()[0] for p in procs]
        times.append(time.perf_counter() - start)
        if any(p.returncode for p in procs):
            sys.exit("a separate-PDF compile failed")
        cpus.append(sum(float(o.split()[0]) for o in outs))
    m = statistics.median(times)
    return (f"typst-separate docs={count} jobs={jobs} runs={runs} median_s={m:.3f} "
          f"docs_per_s={count / m:.1f} cpu_s={statistics.median(cpus):.3f} "
          f"all_s={','.join(f'{t:.3f}' for t in times)}")


def compile_each(tmp, fonts, k, jobs, count):
    """Compiles forms k, k + jobs, k + 2·jobs, … each as a PDF of its own, with one
    compiler; prints the CPU seconds of the whole process (fonts loaded inside)."""
    import resource
    compiler = typst.Compiler(str(tmp / "main.typ"), root=str(tmp), font_paths=[str(fonts)],
                              ignore_system_fonts=True)
    for n in range(k, count, jobs):
        pdf = compiler.compile(sys_inputs={"n": str(n)})
        if not pdf.startswith(b"%PDF"):
            sys.exit(f"form {n}: no PDF")
    use = resource.getrusage(resource.RUSAGE_SELF)
    print(f"{use.ru_utime + use.ru_stime:.3f}")


def compile_once(tmp, fonts):
    """One cold compile (fonts loaded, nothing memoised) in this process: prints wall and
    CPU seconds and writes out.pdf."""
    import resource
    start, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    pdf = typst.compile(str(tmp / "main.typ"), root=str(tmp), font_paths=[str(fonts)],
                        ignore_system_fonts=True)
    wall, end = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    (tmp / "out.pdf").write_bytes(pdf)
    used = (end.ru_utime - cpu.ru_utime) + (end.ru_stime - cpu.ru_stime)
    print(f"{wall:.3f} {used:.3f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--compile":
        compile_once(Path(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) == 7 and sys.argv[1] == "--compile-each":
        compile_each(Path(sys.argv[2]), Path(sys.argv[3]), *map(int, sys.argv[4:]))
    elif len(sys.argv) < 3:
        sys.exit(__doc__)
    else:
        main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 3,
             int(sys.argv[4]) if len(sys.argv) > 4 else None)
