from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.roles import is_programme_admin
from audit.decorators import audited
from reports import charts, export
from reports.forms import PeriodForm
from reports.report import Report, build_report


def _require_programme_admin(request) -> None:
    # 404, not 403 or a login redirect: the page never confirms it exists.
    if not is_programme_admin(request.user):
        raise Http404("No page found")


def _period_form(request) -> PeriodForm:
    return PeriodForm(request.GET or PeriodForm.default_data())


def _sections(report: Report) -> dict:
    """The report's tables in page order, and a chart of attendances for two."""
    def attended(slug: str):
        return [(row.label, row.value("attended")) for row in report.table(slug).rows if not row.is_total]

    monthly = attended("month")
    return {
        "by_month": report.table("month"),
        "by_format": report.table("format"),
        "by_person": [report.table(slug) for slug in ("profession", "career_stage", "region")],
        "feedback": [report.table(slug) for slug in ("feedback_format", "feedback_month")],
        # A trend needs more than one month; labels shortened ("Jan") to fit.
        "monthly_chart": charts.column_chart([(label[:3], value) for label, value in monthly])
        if len(monthly) > 1 else None,
        "format_chart": charts.bar_chart(attended("format")),
        "csv_query": urlencode(report.period.query),
    }


@never_cache
@require_GET
@audited("report.view")
def index(request):
    _require_programme_admin(request)
    form = _period_form(request)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        report = build_report(period=form.period, now=timezone.now())
        context |= {"report": report, **_sections(report)}
    return render(request, "reports/index.html", context)


@never_cache
@require_GET
@audited("report.export")
def csv_export(request):
    _require_programme_admin(request)
    form = _period_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a valid period on the reports page.", content_type="text/plain")
    report = build_report(period=form.period, now=timezone.now())
    response = HttpResponse(export.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(report)}"'
    return response
