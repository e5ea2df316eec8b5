"""Vendor manager pages: scope (another vendor's people are absent or 404), names only for managers and
admins (pseudonyms for compliance), local-day hours, throughput, welfare counts, flags and panels."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from governance.db import db, utcnow
from governance.models import Role
from tests.conftest import sign_in, utc
from tests.workforce import history as h
from workforce.models import AnnotatorProfile, ContentFlag, WelfareRefusal
from workforce.team import today_by_annotator

A, C, V, N = Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER, Role.ANNOTATOR
PSEUDONYM = re.compile(r"W-[0-9A-F]{8}")


@pytest.fixture
def office(make_vendor: Any, make_dataset: Any, make_user: Any) -> dict[str, Any]:
    """Marta manages Saigon Data Labs; Krakow Annotation Studio is someone else's. Saigon has a
    rubber-stamper."""
    saigon = make_vendor("Saigon Data Labs", country="VN")
    krakow = make_vendor("Krakow Annotation Studio", country="PL")
    dataset = make_dataset("Support chats", vendors=[saigon, krakow])
    marta = make_user(V, managed=[saigon], display_name="Marta Silva")
    careful = [make_user(N, vendor=saigon, display_name=name, time_zone="Asia/Ho_Chi_Minh")
               for name in ("Linh Nguyen", "Minh Tran", "Hoa Vu")]
    stamper = make_user(N, vendor=saigon, display_name="Quang Le", time_zone="Asia/Ho_Chi_Minh")
    anna = make_user(N, vendor=krakow, display_name="Anna Kowalska", time_zone="Europe/Warsaw")
    for seed, person in enumerate([*careful, anna]):
        h.prelabelled_work(dataset, person, 60, (50, 70), 0.8, seed)
    h.prelabelled_work(dataset, stamper, 60, (15, 25), 0.99, 42)
    db.session.add(AnnotatorProfile(user_id=careful[0].id, team="Intents", opt_outs=[], is_reviewer=True))
    now = utcnow()
    linh = careful[0]
    db.session.add_all([WelfareRefusal(annotator_id=linh.id, vendor_id=saigon.id, code=code, refused_at=now)
                        for code in ("rotation", "rotation", "daily_cap")])
    db.session.add(WelfareRefusal(annotator_id=anna.id, vendor_id=krakow.id, code="weekly_cap",
                                  refused_at=now))
    db.session.add(ContentFlag(vendor_id=saigon.id, annotator_id=careful[1].id, category="violence",
                               created_at=now))
    db.session.commit()
    return {"saigon": saigon, "krakow": krakow, "dataset": dataset, "marta": marta, "careful": careful,
            "stamper": stamper, "anna": anna}


def page(app: Any, user: Any, url: str) -> str:
    response = sign_in(app.test_client(), user).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/team/", "/team/throughput", "/team/quality", "/team/welfare"])
def test_a_vendor_manager_never_sees_another_vendors_people(app: Any, office: dict[str, Any],
                                                            url: str) -> None:
    html = page(app, office["marta"], url)
    assert "Anna Kowalska" not in html and "Krakow" not in html
    if url != "/team/welfare":
        assert "Linh Nguyen" in html


def test_another_vendors_annotator_record_answers_404(app: Any, office: dict[str, Any]) -> None:
    client = sign_in(app.test_client(), office["marta"])
    assert client.get(f"/team/annotators/{office['anna'].id}").status_code == 404
    assert client.get(f"/team/annotators/{office['marta'].id}").status_code == 404  # not an annotator
    html = client.get(f"/team/annotators/{office['careful'][0].id}").get_data(as_text=True)
    assert "Linh Nguyen" in html and "rotation: 2" in html and "daily cap: 1" in html


def test_the_rubber_stamper_is_flagged_with_a_link_to_their_record(app: Any, office: dict[str, Any]) -> None:
    html = page(app, office["marta"], "/team/quality")
    flags = html.split('data-testid="rubber-stamp-flags"')[1].split("</table>")[0]
    assert f'href="/team/annotators/{office["stamper"].id}"' in flags and "Quang Le" in flags
    assert "Linh Nguyen" not in flags
    record = page(app, office["marta"], f"/team/annotators/{office['stamper'].id}")
    assert 'data-testid="rubber-stamp-badge"' in record


def test_compliance_sees_pseudonyms_never_names(app: Any, office: dict[str, Any], make_user: Any) -> None:
    officer = make_user(C)
    names = ("Linh Nguyen", "Quang Le", "Anna Kowalska", "Minh Tran")
    seen = {}
    for url in ("/team/", "/team/quality", "/team/flags", "/team/throughput"):
        html = page(app, officer, url)
        assert not any(name in html for name in names), url
        seen[url] = set(PSEUDONYM.findall(html))
    assert len(seen["/team/"]) == 5
    assert len(seen["/team/flags"]) == 1 and seen["/team/flags"] <= seen["/team/"]  # stable across pages
    assert "/team/annotators/" not in page(app, officer, "/team/quality")
    client = sign_in(app.test_client(), officer)
    assert client.get(f"/team/annotators/{office['stamper'].id}").status_code == 403


def test_compliance_flags_page_counts_content_flags_by_vendor(app: Any, office: dict[str, Any],
                                                              make_user: Any) -> None:
    html = page(app, make_user(C), "/team/flags")
    content = html.split('data-testid="content-flags"')[1].split("</table>")[0]
    assert "Saigon Data Labs" in content and "violence" in content


def test_welfare_counts_refusals_by_code_without_names(app: Any, office: dict[str, Any]) -> None:
    html = page(app, office["marta"], "/team/welfare")
    by_vendor = html.split('data-testid="refusals-by-vendor"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", by_vendor)
    assert cells == ["Saigon Data Labs", "1", "2", "3"]  # daily cap, rotation, total
    assert "Saigon Data Labs · Intents" in html
    assert "Linh" not in html


def test_roster_shows_todays_hours_in_each_annotators_local_day(app: Any, make_vendor: Any, make_dataset: Any,
                                                                 make_user: Any) -> None:
    vendor = make_vendor()
    dataset = make_dataset(vendors=[vendor])
    hanoi = make_user(N, vendor=vendor, time_zone="Asia/Ho_Chi_Minh")
    london = make_user(N, vendor=vendor, time_zone="UTC")
    warsaw = make_user(N, vendor=vendor, time_zone="Europe/Warsaw")
    now = utc(2025, 6, 10, 3, 0)  # 10:00 in Hanoi, 05:00 in Warsaw
    first, second, third, fourth = h.items(dataset, 4)
    h.task(first, hanoi, 1800, at=utc(2025, 6, 9, 17, 30))  # 00:30 on the 10th in Hanoi: today
    h.task(second, hanoi, 600, at=utc(2025, 6, 9, 16, 30))  # 23:30 on the 9th in Hanoi: yesterday
    h.task(third, london, 900, at=utc(2025, 6, 9, 23, 0))  # the 9th in UTC: yesterday
    h.task(fourth, warsaw, 1200, at=utc(2025, 6, 9, 22, 30), severity=2)  # 00:30 on the 10th in Warsaw
    db.session.commit()
    zones = {u.id: u.time_zone for u in (hanoi, london, warsaw)}
    assert today_by_annotator(db.session, zones, now) == {hanoi.id: (1800, 0), warsaw.id: (1200, 1)}


def test_throughput_per_person_team_and_dataset(app: Any, office: dict[str, Any]) -> None:
    html = page(app, office["marta"], "/team/throughput?days=7")
    teams = html.split('data-testid="teams"')[1].split("</table>")[0]
    assert "Saigon Data Labs · Intents" in teams and "Saigon Data Labs · —" in teams
    datasets = html.split('data-testid="datasets"')[1].split("</table>")[0]
    assert "Support chats" in datasets
    assert '<td class="text-end">240</td>' in datasets  # 4 Saigon people x 60 items


def test_panels_on_the_home_pages(app: Any, office: dict[str, Any], make_user: Any) -> None:
    manager = page(app, office["marta"], "/")
    assert 'data-testid="team-panel"' in manager
    assert re.search(r'<div class="stat">1</div><div class="stat-label">rubber-stamp flags', manager)
    assert re.search(r'<div class="stat">3</div><div class="stat-label">welfare refusals this week', manager)
    officer = page(app, make_user(C), "/")
    assert "1 annotator flagged as likely rubber-stamping · 1 content flag raised" in officer
    admin = page(app, make_user(A), "/")
    assert 'data-testid="staffing-panel"' in admin and "1 reviewers" in admin


def test_staffing_pages_list_profiles_and_policies(app: Any, office: dict[str, Any], make_user: Any) -> None:
    admin = make_user(A)
    profiles = page(app, admin, "/staffing/annotators")
    assert "Anna Kowalska" in profiles and "Linh Nguyen" in profiles
    policies = page(app, admin, "/staffing/policies")
    assert "Krakow Annotation Studio" in policies and "defaults" in policies


def test_period_filter_ignores_values_it_does_not_offer(app: Any, office: dict[str, Any]) -> None:
    h.task(h.items(office["dataset"], 1)[0], office["careful"][0], 60, at=utcnow() - timedelta(days=20))
    db.session.commit()
    week = page(app, office["marta"], "/team/throughput?days=7").split('data-testid="datasets"')[1]
    month = page(app, office["marta"], "/team/throughput?days=9999").split('data-testid="datasets"')[1]
    assert '<td class="text-end">240</td>' in week
    assert '<td class="text-end">241</td>' in month  # an unknown period means the default, 30 days
