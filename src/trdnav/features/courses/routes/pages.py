"""Workspace pages for courses: plan a course from the patient page (a proposal the
coordinator can adjust), the course with its sessions, and changes to one session."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from trdnav.domain.text import whole_number
from trdnav.features.accounts.guard import Scoped, WorkspaceRoute, render, utcnow
from trdnav.features.courses import booking, changes, ics, service, workspace
from trdnav.features.courses.booking import Conflict
from trdnav.features.courses.views import CourseCreate
from trdnav.features.records import plan
from trdnav.platform.access import Actor
from trdnav.platform.errors import InvalidRequest
from trdnav.platform.web.csrf import require_csrf
from trdnav.platform.web.deps import form_data, form_dict, runtime, unit_of_work
from trdnav.storage.models import Course, CourseSession, Patient

router = APIRouter(route_class=WorkspaceRoute, dependencies=[Depends(require_csrf)])
PatientCourses = Scoped(Patient, "patient_id", "schedule.view")
PatientBook = Scoped(Patient, "patient_id", "schedule.book")
CourseView_ = Scoped(Course, "course_id", "schedule.view")
CourseChange = Scoped(Course, "course_id", "schedule.book")
SessionChange = Scoped(CourseSession, "session_id", "schedule.book")


def _new(
    request: Request,
    db: Session,
    actor: Actor,
    patient: Patient,
    values: dict[str, Any] | None = None,
    rows: list[dict[str, Any]] | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    schedule = service.schedule_of(db, actor)
    courses = workspace.patient_courses(db, patient)
    resources = list(schedule.resources.values())
    # The prescriber's chosen plan (records.plan, the one source of truth) picks the course.
    chosen = plan.current_plan(db, runtime(request).engine, patient)
    values = dict(values or {})
    if chosen and not values.get("template"):
        picks = [
            t for t, tpl in schedule.templates.items() if tpl.option == chosen.choice.option_id
        ]
        values["template"] = picks[0] if len(picks) == 1 else ""
    db.rollback()  # nothing of a refused proposal stays
    context = {
        "p": patient,
        "courses": courses,
        "options": workspace.bookable_options(schedule),
        "values": values,
        "plan": chosen,
        "rows": rows or [],
        "resources": resources,
        "errors": errors or [],
    }
    return render(request, "courses/new.html", context, status=status)


@router.get("/workspace/patients/{patient_id}/courses")
def courses_page(
    request: Request,
    scoped: tuple[Actor, Patient] = Depends(PatientCourses),
    db: Session = Depends(unit_of_work),
) -> Response:
    """The patient's courses, and a form to plan a new one."""
    actor, patient = scoped
    return _new(request, db, actor, patient)


@router.post("/workspace/patients/{patient_id}/courses")
def plan_or_book(
    request: Request,
    scoped: tuple[Actor, Patient] = Depends(PatientBook),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """First a proposal (nothing booked); with the adjusted rows, book the whole course."""
    actor, patient = scoped
    data = form_dict(form)
    schedule = service.schedule_of(db, actor)
    try:
        req = workspace.parse_course_form(schedule, data)
        if data.get("action") != "book" or req.sessions is None:
            plain = CourseCreate(**{**req.model_dump(), "sessions": None})
            proposal = booking.propose(db, schedule, patient, plain)
            rows = workspace.proposal_rows(schedule, proposal.slots)
            return _new(request, db, actor, patient, data, rows)
        course = booking.book_course(db, actor, schedule, patient, req, utcnow())
    except InvalidRequest as exc:
        db.rollback()
        return _new(request, db, actor, patient, data, _rows(data), exc.errors, status=422)
    except Conflict as exc:
        db.rollback()
        errors = [{"field": "sessions", "message": exc.message}]
        return _new(request, db, actor, patient, data, _rows(data), errors, status=409)
    db.commit()
    return RedirectResponse(f"/workspace/courses/{course.id}", status_code=303)


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows as the coordinator left them, to show again with the error."""
    rows, n = [], 1
    while f"date_{n}" in data:
        rid = str(data.get(f"resource_{n}") or "")
        rows.append(
            {
                "number": n,
                "date": data.get(f"date_{n}"),
                "time": data.get(f"time_{n}"),
                "end": "",
                "resource_id": whole_number(rid, None),
                "weekday": "",
            }
        )
        n += 1
    return rows


def _course(
    request: Request,
    db: Session,
    actor: Actor,
    course: Course,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    schedule = service.schedule_of(db, actor)
    patient, rows = workspace.course_page(db, actor, schedule, course, utcnow())
    db.commit()
    context = {
        "course": course,
        "p": patient,
        "rows": rows,
        "template": schedule.templates.get(course.template_id),
        "resources": schedule.serving(course.option),
        "errors": errors or [],
    }
    return render(request, "courses/course.html", context, status=status)


@router.get("/workspace/courses/{course_id}")
def course_page(
    request: Request,
    scoped: tuple[Actor, Course] = Depends(CourseView_),
    db: Session = Depends(unit_of_work),
) -> Response:
    """A course with every session; changes for those who book."""
    actor, course = scoped
    return _course(request, db, actor, course)


@router.get("/workspace/courses/{course_id}/calendar.ics")
def course_calendar(
    scoped: tuple[Actor, Course] = Depends(CourseView_), db: Session = Depends(unit_of_work)
) -> Response:
    """The patient's calendar file (no health words in it)."""
    actor, course = scoped
    body = ics.course_calendar(db, actor, service.schedule_of(db, actor), course, utcnow())
    db.commit()
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="appointments.ics"'},
    )


def _change(
    request: Request, db: Session, actor: Actor, course: Course, action: Any, anchor: str
) -> Response:
    try:
        action()
    except InvalidRequest as exc:
        db.rollback()
        return _course(request, db, actor, course, exc.errors, status=422)
    except Conflict as exc:
        db.rollback()
        return _course(request, db, actor, course, [{"field": anchor, "message": exc.message}], 409)
    db.commit()
    return RedirectResponse(f"/workspace/courses/{course.id}#{anchor}", status_code=303)


@router.post("/workspace/courses/{course_id}/status")
def course_status(
    request: Request,
    scoped: tuple[Actor, Course] = Depends(CourseChange),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Completed or discontinued: what is still booked ahead is released."""
    actor, course = scoped
    data = form_dict(form)
    status, reason = str(data.get("status") or ""), data.get("reason")

    def act() -> None:
        if status not in ("completed", "discontinued"):
            raise InvalidRequest(
                [{"field": "status", "message": "Choose completed or discontinued"}]
            )
        changes.set_status(db, actor, course, status, reason, utcnow())

    return _change(request, db, actor, course, act, "status")


def _session(
    request: Request,
    action: str,
    scoped: tuple[Actor, CourseSession],
    form: FormData,
    db: Session,
) -> Response:
    actor, row = scoped
    course = service.course_of(db, row)
    data = form_dict(form)
    schedule = service.schedule_of(db, actor)
    anchor = f"s-{row.id}"

    def act() -> None:
        if action == "reschedule":
            moment = workspace.parse_moment(schedule, data.get("date"), data.get("time"), anchor)
            rid = str(data.get("resource") or "")
            resource = whole_number(rid, None)
            changes.reschedule(db, actor, schedule, course, row, moment, resource, utcnow())
        elif action == "cancel":
            reason = str(data.get("reason") or "").strip()
            if not reason:
                raise InvalidRequest([{"field": anchor, "message": "Give a reason to cancel"}])
            changes.cancel(db, actor, course, row, reason, utcnow())
        else:
            # The button says what it does; a bare POST must not mark a session missed.
            if data.get("confirm") != "missed":
                raise InvalidRequest([{"field": anchor, "message": "Confirm the missed session"}])
            changes.make_up(db, actor, schedule, course, row, utcnow())

    return _change(request, db, actor, course, act, anchor)


@router.post("/workspace/sessions/{session_id}/reschedule")
def reschedule_session(
    request: Request,
    scoped: tuple[Actor, CourseSession] = Depends(SessionChange),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Move one session; every rule of the course still holds."""
    return _session(request, "reschedule", scoped, form, db)


@router.post("/workspace/sessions/{session_id}/cancel")
def cancel_session(
    request: Request,
    scoped: tuple[Actor, CourseSession] = Depends(SessionChange),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Cancel one session with a reason; its time is free again at once."""
    return _session(request, "cancel", scoped, form, db)


@router.post("/workspace/sessions/{session_id}/missed")
def missed_session(
    request: Request,
    scoped: tuple[Actor, CourseSession] = Depends(SessionChange),
    form: FormData = Depends(form_data),
    db: Session = Depends(unit_of_work),
) -> Response:
    """Mark a session missed and make it up after the last one, within the course's limits."""
    return _session(request, "missed", scoped, form, db)
