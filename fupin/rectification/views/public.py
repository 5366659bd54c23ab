"""The villagers' doors, open without login: the public problem form reached by a village's QR code,
the receipt with its tracking number, and the lookup by tracking number. Plus the printable posters
carrying each village's QR code, for the county office and the towns.

The form is CSRF-protected like every other page, limited per client IP and per village, and has a
honeypot field; the lookup is limited per client IP against guessing. Everything a villager typed is
shown through Django's autoescaping only.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from fupin.areas.models import Area, AreaLevel
from fupin.core import areacode, ratelimit
from fupin.core.exceptions import ApplicationError
from fupin.core.roles import Role
from fupin.core.scope import Scope
from fupin.core.web import paginate, put_refusal_on_form, staff_scope
from fupin.rectification.forms_intake import PublicProblemForm, TrackForm
from fupin.rectification.selectors.intake import (
    fallback_category,
    poster_area,
    poster_villages,
    public_problem_view,
    village_from_token,
    village_token,
)
from fupin.rectification.services.intake import categories_for_filing, public_problem_submit

# Submissions that file a problem: 5 per client in 10 minutes, 50 per village in an hour. Every
# POST, filed or not, counts against a looser limit, so invalid posts cannot be sent without end.
SUBMIT_PER_IP = ratelimit.Rate(5, 10 * 60)
SUBMIT_PER_VILLAGE = ratelimit.Rate(50, 60 * 60)
POST_PER_IP = ratelimit.Rate(30, 10 * 60)
# Wrong tracking numbers: 10 per client in 10 minutes.
LOOKUP_MISSES_PER_IP = ratelimit.Rate(10, 10 * 60)
TOO_MANY_SUBMISSIONS = "提交太频繁，请稍后再试。如情况紧急，请直接联系村委会或乡镇政府。"
TOO_MANY_LOOKUPS = "查询次数过多，请稍后再试。"
SESSION_KEY = "rectification_public_receipt"


def _too_many(request: HttpRequest, message: str, rate: ratelimit.Rate) -> HttpResponse:
    response = render(request, "rectification/public_limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(ratelimit.retry_after(rate))
    return response


def _village_or_404(request: HttpRequest, token: str) -> Area | HttpResponse:
    village = village_from_token(token)
    if village is None:
        return render(request, "rectification/public_invalid.html", status=404)
    return village


def _limited(ip: str, village: Area) -> ratelimit.Rate | None:
    """The limit that this submission would break, if any."""
    checks = (
        ("public-submit-ip", ip, SUBMIT_PER_IP),
        ("public-submit-village", village.code, SUBMIT_PER_VILLAGE),
        ("public-post-ip", ip, POST_PER_IP),
    )
    for name, key, rate in checks:
        if ratelimit.exceeded(name, key, rate):
            return rate
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def public_form_view(request: HttpRequest, token: str) -> HttpResponse:
    found = _village_or_404(request, token)
    if isinstance(found, HttpResponse):
        return found
    village = found
    categories = categories_for_filing(areacode.county_code_of(village.code))
    if request.method != "POST":
        form = PublicProblemForm(categories=categories)
        return render(request, "rectification/public_form.html", {"form": form, "village": village})
    ip = ratelimit.client_ip(request)
    broken = _limited(ip, village)
    if broken is not None:
        return _too_many(request, TOO_MANY_SUBMISSIONS, broken)
    ratelimit.hit("public-post-ip", ip, POST_PER_IP)
    form = PublicProblemForm(request.POST, request.FILES, categories=categories)
    if form.is_valid():
        data = form.cleaned_data
        # "不清楚" is filed under the county's "其他", or its first category when it has none.
        category = form.chosen_category() or fallback_category(categories)
        if category is None:
            form.add_error(None, "本县尚未设置问题类别，暂时无法提交，请联系乡镇政府。")
        else:
            try:
                problem = public_problem_submit(
                    village=village,
                    description=data["description"],
                    category=category,
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                    anonymous=data["anonymous"],
                    photo=data["photo"],
                )
            except ApplicationError as error:
                put_refusal_on_form(form, error)
            else:
                ratelimit.hit("public-submit-ip", ip, SUBMIT_PER_IP)
                ratelimit.hit("public-submit-village", village.code, SUBMIT_PER_VILLAGE)
                request.session[SESSION_KEY] = {"number": problem.tracking_number, "village": village.code}
                return redirect("rectification:public-done", token=token)
    return render(request, "rectification/public_form.html", {"form": form, "village": village}, status=400)


def grouped(number: str) -> str:
    """ABCDE-FGHJK: easier to copy by hand; the lookup ignores the dash."""
    return "-".join(number[i : i + 5] for i in range(0, len(number), 5))


@never_cache
@require_GET
def public_done_view(request: HttpRequest, token: str) -> HttpResponse:
    found = _village_or_404(request, token)
    if isinstance(found, HttpResponse):
        return found
    receipt = request.session.get(SESSION_KEY)
    if not receipt or receipt.get("village") != found.code:
        return redirect("rectification:public-form", token=token)
    context = {"village": found, "number": grouped(receipt["number"]), "token": token}
    return render(request, "rectification/public_done.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def public_track_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "rectification/public_track.html", {"form": TrackForm()})
    ip = ratelimit.client_ip(request)
    if ratelimit.exceeded("public-lookup-miss", ip, LOOKUP_MISSES_PER_IP):
        return _too_many(request, TOO_MANY_LOOKUPS, LOOKUP_MISSES_PER_IP)
    form = TrackForm(request.POST)
    found = None
    if form.is_valid():
        found = public_problem_view(form.cleaned_data["number"])
        if found is None:
            # A wrong number tells nothing but that it is wrong, and counts against guessing.
            ratelimit.hit("public-lookup-miss", ip, LOOKUP_MISSES_PER_IP)
            form.add_error("number", "没有找到这个查询码，请核对后重新输入。")
    context = {"form": form, "found": found, "grouped": grouped(found.tracking_number) if found else ""}
    return render(request, "rectification/public_track.html", context, status=200 if found else 400)


# -- posters -------------------------------------------------------------------------------------
def may_print_posters(scope: Scope) -> bool:
    return scope.can_manage or scope.role == Role.TOWN_OFFICIAL


def _poster_scope(request: HttpRequest) -> Scope:
    scope = staff_scope(request)
    if not may_print_posters(scope):
        raise PermissionDenied("只有县扶贫办和乡镇可以打印群众反映二维码")
    return scope


@login_required
@require_GET
def poster_list_view(request: HttpRequest) -> HttpResponse:
    scope = _poster_scope(request)
    town = request.GET.get("town", "").strip()
    villages = poster_villages(scope, town_code=town if areacode.is_area_code(town) else "")
    page, query = paginate(request, villages, per_page=100)
    towns = Area.objects.filter(scope.area_q("code"), level=AreaLevel.TOWN).order_by("code")
    return render(
        request,
        "rectification/public_posters.html",
        {"page_obj": page, "query": query, "towns": towns, "town": town},
    )


@dataclass(frozen=True)
class Poster:
    village: Area
    url: str
    # segno's SVG, drawn from the URL alone (no text typed by anyone), scaled by the page's CSS.
    qr_svg: str


def poster_of(request: HttpRequest, village: Area) -> Poster:
    url = request.build_absolute_uri(reverse("rectification:public-form", args=[village_token(village.code)]))
    # Error correction M survives a crease or a smudge on a printed sheet.
    qr = segno.make(url, error="m")
    return Poster(village, url, qr.svg_inline(scale=4, border=2, omitsize=True, title="群众问题反映二维码"))


@login_required
@require_GET
def poster_view(request: HttpRequest, code: str) -> HttpResponse:
    """One village's A4 poster, or every village's poster of a town, one page each."""
    scope = _poster_scope(request)
    area = poster_area(scope, code)
    if area is None:
        raise Http404
    villages = (
        [area] if area.level == AreaLevel.VILLAGE else list(poster_villages(scope, town_code=area.code))
    )
    posters = [poster_of(request, village) for village in villages]
    return render(request, "rectification/public_poster.html", {"posters": posters, "area": area})


urlpatterns: list[URLPattern | URLResolver] = [
    # Short paths: they are printed as QR codes.
    path("p/track/", public_track_view, name="public-track"),
    path("p/<str:token>/", public_form_view, name="public-form"),
    path("p/<str:token>/done/", public_done_view, name="public-done"),
    path("rectification/posters/", poster_list_view, name="poster-list"),
    path("rectification/posters/<str:code>/", poster_view, name="poster"),
]
