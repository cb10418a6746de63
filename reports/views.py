from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.decorators import audited
from programmes.access import administered_programmes, is_installation_admin, is_single_programme
from reports import charts, export, rollups
from reports.forms import PeriodForm
from reports.overview import build_overview
from reports.report import Report, build_report
from reports.trend import trend_for


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
        "csv_query": urlencode(report.period.query),
    }


@never_cache
@require_GET
@audited("report.view")
def index(request):
    scope = _programme_scope(request)
    form = _period_form(request)
    context: dict[str, object] = {"form": form, "programme": scope["programme"], "programmes": scope["programmes"],
                                  "overview_link": len(scope["programmes"]) > 1 and is_installation_admin(request.user)}
    if form.is_valid():
        now = timezone.now()
        with rollups.reading(now):  # the report and its trend: one check that the rollups are up to date
            report = build_report(period=form.period, now=now, programmes=scope["scope"])
            sections = _sections(report, now, programmes=scope["scope"])
        if scope["programme"] and len(scope["programmes"]) > 1:
            sections["csv_query"] += "&" + urlencode({"programme": scope["programme"].code})
        context |= {"report": report, **sections}
    return render(request, "reports/index.html", context)


@never_cache
@require_GET
@audited("report.export")
def csv_export(request):
    scope = _programme_scope(request)
    form = _period_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a valid period on the reports page.", content_type="text/plain")
    report = build_report(period=form.period, now=timezone.now(), programmes=scope["scope"])
    response = HttpResponse(export.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(report)}"'
    return response


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
        report = build_overview(period=form.period, now=timezone.now())
        context |= {"report": report, "tables": report.tables, "csv_query": urlencode(report.period.query)}
    return render(request, "reports/overview.html", context)


@never_cache
@require_GET
@audited("report.overview_export")
def overview_csv(request):
    _installation_admin_only(request)
    form = _period_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a valid period on the overview page.", content_type="text/plain")
    report = build_overview(period=form.period, now=timezone.now())
    response = HttpResponse(export.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programmes-{report.period.slug}.csv"'
    return response
