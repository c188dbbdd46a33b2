"""python manage.py render_report --period 2026 --out report.pdf

Renders a draft progress report (today's figures, nothing stored) straight to a file: for tests, benchmarks
and a quick look. --period takes 2026, 2026-K3 or agreement; --language nl (default) or en.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.models import Report
from reports.selectors import PeriodError, parse_period, report_data
from reports.services import report_pdf_bytes


class Command(BaseCommand):
    help = "Render a draft progress report for a period to a PDF file (nothing is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="2026, 2026-K3 or agreement")
        parser.add_argument("--out", required=True, help="where to write the PDF")
        parser.add_argument("--language", default="nl", choices=["nl", "en"])
        parser.add_argument("--summary", default="", help="an executive summary to include")

    def handle(self, *args, period: str, out: str, language: str, summary: str, **options) -> None:
        try:
            parsed = parse_period(period)
        except PeriodError as error:
            raise CommandError(str(error)) from error
        started = time.perf_counter()
        data = report_data(period=parsed, language=language)
        draft = Report(
            period_key=parsed.key,
            period_label=data.period.label,
            starts_on=parsed.starts_on,
            ends_on=parsed.ends_on,
            agreement=parsed.agreement,
            language=language,
            version=1,
            summary=summary,
        )
        content = report_pdf_bytes(report=draft, data=data)
        Path(out).write_bytes(content)
        seconds = time.perf_counter() - started
        count = data.totals.approved.count
        self.stdout.write(f"{out}: {len(content):,} bytes in {seconds:.2f} s ({count} approved contributions)")
