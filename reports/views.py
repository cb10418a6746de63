from datetime import date
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.decorators import audited
from programmes.access import administered_programmes, is_installation_admin, is_single_programme
from reports import cache, charts, export, rollups
from reports.forms import PeriodForm
from reports.overview import build_overview, programmes_by_name
from reports.periods import Period, PeriodKind, months_up_to
from reports.report import Report, build_report
from reports.trend import MONTHS_BEFORE_A_MONTH, trend_for


def _programme_scope(request) -> dict:
    """Whose figures: one programme this person runs (`?programme=CODE`, else
    the first by name), never the whole installation unless it has only one
    programme. 404, not 403 or a login redirect: the page never confirms it
    exists. (An installation-wide overview needs suppression across
    programmes, so that no programme's hidden figure can be recovered by
    subtraction; until then there is none.)"""
    programmes = list(administered_programmes(request.user))
    if not programmes:
        raise Http404("No page found")
    chosen = next((p for p in programmes if p.code == request.GET.get("programme")), programmes[0])
    single = is_single_programme()
    return {"programmes": programmes if not single else [], "programme": None if single else chosen,
            "scope": None if single else [chosen.pk]}


def _period_form(request) -> PeriodForm:
    data = request.GET.copy()
    data.pop("programme", None)
    return PeriodForm(data or PeriodForm.default_data())


def _sections(report: Report, now, *, programmes=None) -> dict:
    """The headline trend, then the report's tables in page order."""
    by_format = [(row.label, row.value("attended")) for row in report.table("format").rows if not row.is_total]
    return {
        "trend": trend_for(report, now=now, programmes=programmes),
        "by_month": report.table("month"),
        "by_format": report.table("format"),
        "by_person": [report.table(slug) for slug in ("profession", "career_stage", "region")],
        "feedback": [report.table(slug) for slug in ("feedback_format", "feedback_month")],
        "format_chart": charts.bar_chart(by_format),
    }


def _report_html(period: Period, now, programmes, csv_query: str) -> SafeString:
    """The page's published report (figures, trend, tables), rendered."""
    with rollups.reading(now):  # the report and its trend: one check that the rollups are up to date
        report = build_report(period=period, now=now, programmes=programmes)
        sections = _sections(report, now, programmes=programmes)
    return SafeString(render_to_string("reports/includes/report.html",
                                       {"report": report, "csv_query": csv_query, **sections}))


def _months(period: Period) -> tuple[date, date]:
    """The period's London months: [its first, the month after it)."""
    return period.months()[0], period.end.date()


def _page_months(period: Period) -> tuple[date, date]:
    """Every month the page reads: the period's, and a month's trend's."""
    start, end = _months(period)
    if period.kind == PeriodKind.MONTH:
        start = months_up_to(period, MONTHS_BEFORE_A_MONTH)[0]
    return start, end


@never_cache
@require_GET
@audited("report.view")
def index(request):
    scope = _programme_scope(request)
    form = _period_form(request)
    context: dict[str, object] = {"form": form, "programme": scope["programme"], "programmes": scope["programmes"],
                                  "overview_link": len(scope["programmes"]) > 1 and is_installation_admin(request.user)}
    if form.is_valid():
        period, now = form.period, timezone.now()
        csv_query = urlencode(period.query)
        if scope["programme"] and len(scope["programmes"]) > 1:
            csv_query += "&" + urlencode({"programme": scope["programme"].code})
        html = cache.published("page", period=period, now=now, programmes=scope["scope"], months=_page_months(period),
                               variant=csv_query,
                               compute=lambda: _report_html(period, now, scope["scope"], csv_query))
        context |= {"period": period, "report_html": html}
    return render(request, "reports/index.html", context)


def _csv(period: Period, now, programmes) -> tuple[str, str]:
    """(file name, text) of the report's CSV."""
    report = build_report(period=period, now=now, programmes=programmes)
    return export.filename(report), export.report_csv(report)


@never_cache
@require_GET
@audited("report.export")
def csv_export(request):
    scope = _programme_scope(request)
    form = _period_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a valid period on the reports page.", content_type="text/plain")
    period, now = form.period, timezone.now()
    name, text = cache.published("csv", period=period, now=now, programmes=scope["scope"],
                                 months=_months(period), compute=lambda: _csv(period, now, scope["scope"]))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _overview(period: Period) -> Report:
    """The published overview (kept: figures by programme name only), for
    the programmes as they are named now."""
    now, programmes = timezone.now(), programmes_by_name()
    return cache.published("overview", period=period, now=now, programmes=None, months=_months(period),
                           variant=repr(programmes),
                           compute=lambda: build_overview(period=period, now=now, programmes=programmes))


def _installation_admin_only(request) -> None:
    """The overview is the installation admin's (a superuser, whom the MFA
    middleware has already sent to set up two-factor authentication); 404
    for everyone else, programme admins included."""
    if not is_installation_admin(request.user):
        raise Http404("No page found")


@never_cache
@require_GET
@audited("report.overview")
def overview(request):
    _installation_admin_only(request)
    form = _period_form(request)
    context: dict[str, object] = {"form": form, "period_action": request.path}
    if form.is_valid():
        report = _overview(form.period)
        context |= {"report": report, "period": report.period, "tables": report.tables,
                    "csv_query": urlencode(report.period.query)}
    return render(request, "reports/overview.html", context)


@never_cache
@require_GET
@audited("report.overview_export")
def overview_csv(request):
    _installation_admin_only(request)
    form = _period_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a valid period on the overview page.", content_type="text/plain")
    report = _overview(form.period)
    response = HttpResponse(export.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programmes-{report.period.slug}.csv"'
    return response
