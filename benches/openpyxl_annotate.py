#!/usr/bin/env python3
"""The openpyxl peer of `daicho check --annotate`, for comparison (examples/bench.rs --openpyxl).

The checks of `openpyxl_check.py`, then what the annotated copy holds, written the way one would with
openpyxl: each flagged cell filled by severity with a note, a first sheet 「チェック結果」 listing every
finding with a link to its cell, shown when the file opens; saved as OUT_DIR/<stem>.checked.xlsx.
Usage: python3 benches/openpyxl_annotate.py LEDGER.xlsx OUT_DIR
"""
import json
import os
import sys

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openpyxl_check import check  # noqa: E402

ERRORS = {"blank-id", "duplicate-id", "invalid-ip", "duplicate-ip", "os-eol"}
FILLS = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
}


def main(path, out_dir):
    wb = openpyxl.load_workbook(path)
    findings = check(wb)
    for title, row, col, kind in findings:
        cell = wb[title].cell(row=row, column=col)
        cell.fill = FILLS["error" if kind in ERRORS else "warning"]
        cell.comment = Comment(f"{kind}: {cell.value}", "checker")
    summary = wb.create_sheet("チェック結果", 0)
    summary.append(["シート", "セル", "指摘", "値"])
    for title, row, col, kind in findings:
        ref = f"{openpyxl.utils.get_column_letter(col)}{row}"
        summary.append([title, ref, kind, str(wb[title].cell(row=row, column=col).value)])
        summary.cell(row=summary.max_row, column=2).hyperlink = f"#'{title}'!{ref}"
    wb.active = 0
    stem = os.path.splitext(os.path.basename(path))[0]
    wb.save(os.path.join(out_dir, f"{stem}.checked.xlsx"))
    print(json.dumps({"findings": len(findings)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
